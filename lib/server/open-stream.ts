import 'server-only';
import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, encodeComment, encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import type { FeedName } from '@/lib/metrics/feeds';
import type { HelloData } from '@/lib/metrics/events';
import type { Principal } from './auth/principal';
import type { SubscribeStart } from './bus';
import type { TakeResult } from './limits/rate-limiter';
import { encodeMetrics, encodeText, feedSetKey } from './batch-encoder';
import { logger, logRepeated } from './observability/logger';
import { getServerMetrics, type StreamPath } from './observability/server-metrics';
import { streamDeadline } from './planned-end';
import type { Runtime } from './runtime';
import { SseConnection } from './sse-connection';
import type { StreamSink } from './stream-sink';

/**
 * Opens one SSE stream on the runtime's bus: framework-free, so the route handler, the raw
 * stream path, the tests and the benchmark all drive the same code. The caller has already
 * admitted the request (admission.ts) and chosen the sink that carries the bytes.
 */

export interface StreamRequest {
  /** The feeds this stream carries: already scoped to what `principal` may read now (admission.ts). */
  feeds: ReadonlySet<FeedName>;
  /** Raw cursor from `Last-Event-ID` or `?lastEventId=`; validated by the bus. */
  cursor: string | null;
  /** Who opened the stream (`PUBLIC_PRINCIPAL` under AUTH_MODE=off); its expiry and session bound the stream. */
  principal: Principal;
  /** This client's limits, from admission; default none (unit tests, the benchmark's direct use). */
  client?: StreamClientLimits;
  /** Which binding carries the stream, for metrics and logs. Default `route`. */
  path?: StreamPath;
}

export interface StreamClientLimits {
  /** Frees the client's stream slot; called once when the stream closes. */
  release(): void;
  /** Takes one snapshot build from the client's budget, for a `reset`. */
  takeSnapshot(): TakeResult;
}

/** The cursor a request resumes from: the header wins, as a native EventSource sends it on its own reconnects. */
export function requestCursor(lastEventIdHeader: string | null | undefined, params: URLSearchParams): string | null {
  return lastEventIdHeader ?? params.get('lastEventId');
}

/** `retry:`, `hello`, then the replayed events or the reset, as one string. */
export function encodePreamble(runtime: Runtime, feeds: ReadonlySet<FeedName>, start: SubscribeStart): string {
  const hello: HelloData = {
    epoch: runtime.bus.epoch(),
    heartbeatMs: runtime.env.SSE_HEARTBEAT_MS,
    // A scheduled source publishes every feed once per interval: clients judge a silent link by
    // it. Left out for a source without a schedule (push-only): then the heartbeat alone.
    ...(runtime.source.dataIntervalMs !== null ? { dataIntervalMs: runtime.source.dataIntervalMs } : {}),
    feeds: [...feeds],
    resumed: start.kind === 'resumed',
    replayed: start.kind === 'resumed' ? start.replay.length : 0,
    bus: runtime.bus.kind,
    serverTime: Date.now(),
  };
  let out = encodeRetry(runtime.env.SSE_RETRY_MS) + encodeJsonEvent(EVENT_TYPES.hello, hello);
  // The reset carries the snapshot's cursor as its id, so even a native EventSource
  // reconnects from the snapshot instead of resending the cursor that was just refused.
  if (start.kind === 'reset') out += encodeJsonEvent(EVENT_TYPES.reset, start.reset, start.reset.cursor);
  if (start.kind === 'resumed') out += encodeMetrics(start.replay, feeds);
  return out;
}

const log = logger('stream');

export function openStream(runtime: Runtime, request: StreamRequest, sink: StreamSink): SseConnection {
  const { feeds, cursor, principal, client } = request;
  const metrics = getServerMetrics();
  const path = request.path ?? 'route';
  const openLabels = { path, bus: runtime.bus.kind };
  // Names this stream in its open and close lines, so the two can be joined.
  const reqId = randomUUID();
  const openedAt = Date.now();
  /** Whether this stream is in the open-streams counts yet (a sink can report its client gone at once). */
  let counted = false;
  const connection = new SseConnection(
    {
      feeds,
      feedKey: feedSetKey(feeds),
      maxBacklogBytes: runtime.env.SSE_MAX_BACKLOG_BYTES,
      writes: runtime.registry.writes,
      // Uncounted only in the bench that prices counting (BENCH_UNCOUNTED, test-only).
      tally: runtime.env.ENABLE_FAULTS && runtime.env.BENCH_UNCOUNTED ? null : runtime.registry.tally,
      sessionId: principal.sessionId,
      // Planned rotation and session expiry, one mechanism; the registry's tick enforces it.
      deadline: streamDeadline({
        openedAt: Date.now(),
        maxStreamMs: runtime.env.SSE_MAX_STREAM_MS,
        expiresAt: principal.expiresAt,
        random: Math.random,
      }),
      onClose: (closed, reason) => {
        runtime.registry.remove(closed, reason);
        client?.release();
        if (counted) {
          metrics.streamsOpen.dec(openLabels);
          metrics.tally.streams -= 1;
        }
        const end = closed.plannedEnd;
        // Keyed by reason: one outage ends every stream with `error` at once (repeat-gate.ts).
        logRepeated(
          log,
          'info',
          `stream closed: ${reason}`,
          { reqId, reason, ...(end ? { detail: end.reason } : {}), livedMs: Date.now() - openedAt },
          'stream closed',
        );
      },
    },
    sink,
  );
  // Registered before any await, so the connection cap cannot be overshot by a burst.
  runtime.registry.add(connection);
  if (!connection.closed) {
    counted = true;
    metrics.streamsOpen.inc(openLabels);
    metrics.tally.streams += 1;
  }

  runtime.bus
    .subscribe({ feeds, cursor }, (batch) => connection.pushBatch(batch))
    .then(
      (subscription) => {
        connection.attach(subscription.unsubscribe);
        const { start } = subscription;
        const budget = subscription.start.kind === 'reset' ? client?.takeSnapshot() : undefined;
        if (budget && !budget.ok) {
          metrics.refusals.inc({ cap: 'snapshot_rate', code: 'rate_limited' });
          // Over this client's snapshot budget: this reset is not sent. The client is told when to
          // come back (in-band, so a native EventSource obeys too) and keeps its cursor, which
          // still needs the reset then. The bus decides "reset" and builds its snapshot in one
          // step, so this bounds what a looping client gets, not that one build (docs/auth.md).
          connection.begin(
            encodeText(
              encodeRetry(budget.retryAfterMs) + encodeComment('snapshot rate limit (rate_limited), retry later'),
            ),
          );
          connection.close('shutdown');
          return;
        }
        metrics.streamOpens.inc({ path, start: start.kind });
        if (start.kind === 'reset') metrics.streamResets.inc({ reason: start.reset.reason });
        if (start.kind === 'resumed') runtime.registry.tally.events += countFor(start.replay, feeds);
        logRepeated(
          log,
          'info',
          'stream opened',
          {
            reqId,
            path,
            start: start.kind,
            ...(start.kind === 'reset' ? { resetReason: start.reset.reason } : {}),
            feeds: feeds.size,
          },
          'stream opened',
        );
        connection.begin(encodeText(encodePreamble(runtime, feeds, start)));
      },
      () => {
        // The bus could not start this stream in time (Redis stalled or unreachable): the same
        // in-band "retry later" the route gives when the bus is already known to be down, and a
        // clean end, so the cap slot is freed and even a native EventSource comes back. The bus
        // reports the outage itself (health, one log line), so nothing is logged per stream.
        metrics.refusals.inc({ cap: 'degraded', code: 'bus_unavailable' });
        connection.begin(encodeText(encodeRetry(runtime.env.SSE_RETRY_MS * 2) + ': bus unavailable, retry later\n\n'));
        connection.close('shutdown');
      },
    );

  return connection;
}

function countFor(events: readonly { event: { feed: FeedName } }[], feeds: ReadonlySet<FeedName>): number {
  let count = 0;
  for (const item of events) if (feeds.has(item.event.feed)) count += 1;
  return count;
}
