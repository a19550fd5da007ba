import 'server-only';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The server's own metrics, one prom-client registry per process: what `GET /api/metrics`
 * serves as Prometheus text (docs/operations.md lists every family and what moves it).
 *
 * Counting must not cost the hot path. What happens once per stream (open, close, refusal) or
 * once per request (ingest, a Redis command) increments a prom-client metric directly. What
 * happens once per write per stream (events and bytes written) only adds to two plain numbers
 * (`tally`), which are turned into counters when Prometheus scrapes: no label lookup, no
 * allocation per write.
 *
 * Kept on `globalThis` for the reason runtime.ts gives: Next loads `instrumentation.ts` and the
 * route handlers as separate module instances, and the raw stream path counts in one while
 * `/api/metrics` reads from the other.
 */

export const METRIC_PREFIX = 'rtd_';

/** Which binding carries a stream: the route handler, or the raw `node:http` path (`npm run start:raw`). */
export type StreamPath = 'route' | 'raw';

/**
 * Which limit or rule refused a stream: `draining` (shutting down), `degraded` (the shared log is
 * unreachable), `max_connections` (`SSE_MAX_CONNECTIONS`), `per_client`
 * (`SSE_MAX_STREAMS_PER_CLIENT`), `snapshot_rate` (a reset over the client's snapshot budget),
 * `auth` (401/403) and `input` (400).
 */
export type RefusalCap =
  'draining' | 'degraded' | 'max_connections' | 'per_client' | 'snapshot_rate' | 'auth' | 'input';

/** Plain numbers added to per write; read into counters at scrape time (see above). */
export interface WriteTally {
  /** Metric events written to streams (live and replayed), summed over streams. */
  events: number;
  /** Bytes handed to stream sinks (events, heartbeats, preambles), summed over streams. */
  bytes: number;
  /** Streams open now (both bindings): what the "this server" feeds show. */
  streams: number;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly tally: WriteTally = { events: 0, bytes: 0, streams: 0 };

  readonly streamsOpen: Gauge<'path' | 'bus'>;
  readonly streamOpens: Counter<'path' | 'start'>;
  readonly streamResets: Counter<'reason'>;
  readonly streamCloses: Counter<'reason'>;
  readonly plannedEnds: Counter<'kind' | 'reason'>;
  readonly slowConsumerDrops: Counter;
  readonly refusals: Counter<'cap' | 'code'>;
  readonly heartbeatTicks: Counter;
  readonly heartbeatTicksLate: Counter;
  readonly heartbeatLag: Gauge;
  readonly redisCommandSeconds: Histogram<'command'>;
  readonly redisCommandErrors: Counter<'command'>;
  readonly redisAvailable: Gauge;
  readonly leaseChanges: Counter<'to'>;
  readonly producerLeader: Gauge;
  readonly ingestRequests: Counter<'outcome' | 'status'>;
  readonly ingestPoints: Counter<'outcome'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const name = (suffix: string) => METRIC_PREFIX + suffix;
    const tally = this.tally;
    let eventsSeen = 0;
    let bytesSeen = 0;

    this.streamsOpen = new Gauge({
      name: name('streams_open'),
      help: 'SSE streams open now, by binding (route/raw) and bus (memory/redis).',
      labelNames: ['path', 'bus'],
      registers,
    });
    this.streamOpens = new Counter({
      name: name('stream_opens_total'),
      help: 'Streams started, by binding and how they began (fresh, resumed from a cursor, reset).',
      labelNames: ['path', 'start'],
      registers,
    });
    this.streamResets = new Counter({
      name: name('stream_resets_total'),
      help: 'Cursors that could not be honoured, by reason (the client got a snapshot).',
      labelNames: ['reason'],
      registers,
    });
    this.streamCloses = new Counter({
      name: name('stream_closes_total'),
      help: 'Streams ended, by why (client_gone, slow_consumer, shutdown, error, fault, rotate, auth).',
      labelNames: ['reason'],
      registers,
    });
    this.plannedEnds = new Counter({
      name: name('stream_planned_ends_total'),
      help: 'Streams ended on purpose with an in-band event: rotation (SSE_MAX_STREAM_MS) or auth (expired, revoked).',
      labelNames: ['kind', 'reason'],
      registers,
    });
    this.slowConsumerDrops = new Counter({
      name: name('slow_consumer_drops_total'),
      help: 'Streams closed because their backlog passed SSE_MAX_BACKLOG_BYTES.',
      registers,
    });
    this.refusals = new Counter({
      name: name('stream_refusals_total'),
      help: 'Stream requests refused, by the limit or rule that refused them and the code the client saw.',
      labelNames: ['cap', 'code'],
      registers,
    });
    new Counter({
      name: name('events_written_total'),
      help: 'Metric events written to streams (live and replayed), summed over streams.',
      registers,
      collect() {
        this.inc(tally.events - eventsSeen);
        eventsSeen = tally.events;
      },
    });
    new Counter({
      name: name('bytes_written_total'),
      help: 'Bytes written to streams (events, heartbeats, preambles), summed over streams.',
      registers,
      collect() {
        this.inc(tally.bytes - bytesSeen);
        bytesSeen = tally.bytes;
      },
    });
    this.heartbeatTicks = new Counter({
      name: name('heartbeat_ticks_total'),
      help: 'Runs of the shared heartbeat timer (it runs while streams are open).',
      registers,
    });
    this.heartbeatTicksLate = new Counter({
      name: name('heartbeat_ticks_late_total'),
      help: 'Heartbeat runs that came more than a quarter of SSE_HEARTBEAT_MS late: a blocked event loop.',
      registers,
    });
    this.heartbeatLag = new Gauge({
      name: name('heartbeat_lag_seconds'),
      help: 'How late the last heartbeat run was.',
      registers,
    });
    this.redisCommandSeconds = new Histogram({
      name: name('redis_command_duration_seconds'),
      help: 'Redis command latency on the command link (blocking reads excluded), by command.',
      labelNames: ['command'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.redisCommandErrors = new Counter({
      name: name('redis_command_errors_total'),
      help: 'Redis commands that failed or timed out, by command.',
      labelNames: ['command'],
      registers,
    });
    this.redisAvailable = new Gauge({
      name: name('redis_available'),
      help: 'With REDIS_URL: 1 while the shared log is reachable and confirmed, else 0.',
      registers,
    });
    this.leaseChanges = new Counter({
      name: name('producer_lease_changes_total'),
      help: 'Times this process became (to="leader") or stopped being (to="follower") the producer.',
      labelNames: ['to'],
      registers,
    });
    this.producerLeader = new Gauge({
      name: name('producer_leader'),
      help: '1 while this process holds the producer lease (always 1 on the memory bus with PRODUCER=on).',
      registers,
    });
    this.ingestRequests = new Counter({
      name: name('ingest_requests_total'),
      help: 'POST /api/ingest answers, by outcome (accepted, duplicate, rejected) and HTTP status.',
      labelNames: ['outcome', 'status'],
      registers,
    });
    this.ingestPoints = new Counter({
      name: name('ingest_points_total'),
      help: 'Ingested points applied (accepted) or recognised as a retry and not applied again (duplicate).',
      labelNames: ['outcome'],
      registers,
    });
    // Event-loop delay, heap, RSS, GC, handles: prom-client's standard Node families.
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Prometheus text exposition of every family. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

const GLOBAL_KEY = '__realtimeDashboardMetrics';
type GlobalWithMetrics = typeof globalThis & { [GLOBAL_KEY]?: ServerMetrics };

/** This process's metrics, created on first use. */
export function getServerMetrics(): ServerMetrics {
  const g = globalThis as GlobalWithMetrics;
  g[GLOBAL_KEY] ??= new ServerMetrics();
  return g[GLOBAL_KEY];
}
