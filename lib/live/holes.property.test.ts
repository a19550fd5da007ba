import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialStatus, type ConnectionState, type ConnectionStatus } from '@/lib/client/connection-status';
import type { StreamSource } from '@/lib/client/stream-source';
import type { WireMetric } from '@/lib/sse/payloads';
import { createMetricsStore } from '@/lib/store/metrics-store';
import { createBinding } from './binding';
import { createStatusStore } from './status-store';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

/**
 * Holes resolve: the binding and the store, driven by a simulated server through
 * arbitrary interleavings of in-order events, drops (the replay has them), unfillable holes (the
 * replay does not), duplicates, reorders, cuts with resume and resets. Whatever happens:
 * - no point is ever applied twice, and each feed's points stay in strictly increasing seq order;
 * - a feed never goes back;
 * - the feed never stalls while live: once the resumes the binding asked for are answered, one
 *   more live event brings every feed to the server's newest point, with nothing left waiting.
 */

const FEEDS = [FEED_A, FEED_B] as const;

interface Published {
  event: WireMetric;
  cursor: string;
  offset: number;
  /** Gone from the server: no replay brings it (evicted, lost upstream). */
  unrecoverable: boolean;
}

type Op =
  | { kind: 'event' | 'drop' | 'lose' | 'reorder'; feed: number }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'frame' | 'cut' | 'reset' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('event' as const), feed: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), feed: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('lose' as const), feed: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reorder' as const), feed: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('frame' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const) }) },
);

function simulate() {
  const frames: (() => void)[] = [];
  let resumeRequests = 0;
  const source: StreamSource = {
    start: () => {},
    stop: () => {},
    reconnectNow: () => void (resumeRequests += 1),
  };
  const metrics = createMetricsStore({
    feeds: [...FEEDS],
    windowMs: 1e12,
    maxPoints: 100_000,
    snapshot: {
      epoch: 'ep1',
      cursor: 'ep1.0',
      windowMs: 60_000,
      feeds: Object.fromEntries(FEEDS.map((feed) => [feed, { firstSeq: 1, ts: [], value: [] }])),
    },
  });
  const status = createStatusStore(0);
  const { listener } = createBinding({
    source,
    metrics,
    status,
    env: { now: () => 0 },
    scheduleFrame: (callback) => frames.push(callback),
  });

  // The server: every event it published, in order, and each feed's newest seq.
  const published: Published[] = [];
  const head: Record<string, number> = Object.fromEntries(FEEDS.map((feed) => [feed, 0]));
  const publish = (feed: string, unrecoverable = false): Published => {
    head[feed] = (head[feed] ?? 0) + 1;
    const seq = head[feed];
    const offset = published.length + 1;
    const item = { event: { feed, seq, ts: seq * 1000, value: seq }, cursor: `ep1.${offset}`, offset, unrecoverable };
    published.push(item);
    return item;
  };
  const deliver = ({ event, cursor }: Published) => listener.onMetric(event, cursor);

  let connection: ConnectionStatus = initialStatus(0);
  const transition = (to: ConnectionState) => {
    const from = connection.state;
    connection = { ...connection, state: to };
    listener.onStatus(connection, { from, to, reason: 'simulated', at: 0 });
  };
  /** A new stream from the client's cursor: hello, then the server's replay of what it still has. */
  const resume = () => {
    transition('reconnecting');
    const cursor = listener.resumeCursor();
    const from = cursor === null ? 0 : Number(cursor.split('.')[1]);
    const replay = published.filter((item) => item.offset > from && !item.unrecoverable);
    listener.onHello({
      epoch: 'ep1',
      heartbeatMs: 1000,
      feeds: [...FEEDS],
      resumed: true,
      replayed: replay.length,
      bus: 'memory',
      serverTime: 0,
    });
    transition('live');
    replay.forEach(deliver);
  };
  const lastSeqs = () => FEEDS.map((feed) => metrics.api.getState().feeds[feed]?.lastSeq ?? 0);
  let seen = lastSeqs();
  /** Commits the frame; a resume the binding asked for is answered at once (the old stream is gone). */
  const frame = () => {
    for (let guard = 0; frames.length > 0 || resumeRequests > 0; guard += 1) {
      if (guard > 1000) throw new Error('resume requests never end');
      frames.splice(0).forEach((callback) => callback());
      if (resumeRequests > 0) {
        resumeRequests = 0;
        resume();
      }
    }
    const now = lastSeqs();
    now.forEach((seq, i) => expect(seq).toBeGreaterThanOrEqual(seen[i]!));
    seen = now;
    for (const feed of FEEDS) {
      const { ts } = metrics.series(feed);
      for (let i = 1; i < ts.length; i += 1) expect(ts[i]!).toBeGreaterThan(ts[i - 1]!);
    }
  };

  const run = (op: Op) => {
    switch (op.kind) {
      case 'event':
        return deliver(publish(FEEDS[op.feed]!));
      case 'drop':
        return void publish(FEEDS[op.feed]!);
      case 'lose':
        return void publish(FEEDS[op.feed]!, true);
      case 'reorder': {
        const first = publish(FEEDS[op.feed]!);
        deliver(publish(FEEDS[op.feed]!));
        return deliver(first);
      }
      case 'duplicate': {
        const candidates = published.filter((item) => !item.unrecoverable);
        const item = candidates[op.pick % Math.max(1, candidates.length)];
        return item && deliver(item);
      }
      case 'frame':
        return frame();
      case 'cut':
        frame();
        return resume();
      case 'reset': {
        // The server's snapshot: each feed's last few points (a snapshot always has them all).
        const offset = published.length;
        listener.onReset({
          reason: 'cursor_evicted',
          epoch: 'ep1',
          cursor: `ep1.${offset}`,
          windowMs: 60_000,
          feeds: Object.fromEntries(
            FEEDS.map((feed) => {
              const newest = head[feed] ?? 0;
              const firstSeq = Math.max(1, newest - 3);
              const seqs = Array.from({ length: newest - firstSeq + 1 }, (_, i) => firstSeq + i);
              return [feed, { firstSeq, ts: seqs.map((seq) => seq * 1000), value: seqs }];
            }),
          ),
        });
        return frame();
      }
    }
  };

  return { run, frame, publish, deliver, metrics, head, lastSeqs, transition };
}

describe('holes resolve (binding + store, simulated server)', () => {
  it('never doubles a point, never goes back, and never stalls a live feed', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 60 }), (ops) => {
        const sim = simulate();
        sim.transition('live');
        ops.forEach(sim.run);
        sim.frame();
        // One more live event per feed, after the resumes asked for were answered.
        for (const feed of FEEDS) sim.deliver(sim.publish(feed));
        sim.frame();
        expect(sim.lastSeqs()).toEqual(FEEDS.map((feed) => sim.head[feed]));
        // Nothing waits behind a hole any more: the resume cursor is that of the last event applied.
        expect(sim.metrics.resumeCursor()).toBe(sim.metrics.api.getState().cursor);
      }),
      { numRuns: 300 },
    );
  });

  it('counts exactly what it gave up: applied + lost is every seq the server published', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant<'event'>('event'), fc.constant<'lose'>('lose'), fc.constant<'drop'>('drop')), {
          maxLength: 40,
        }),
        (kinds) => {
          const sim = simulate();
          sim.transition('live');
          kinds.forEach((kind) => sim.run({ kind, feed: 0 }));
          sim.frame();
          sim.deliver(sim.publish(FEED_A));
          sim.frame();
          const { counters, lostSpans } = sim.metrics.api.getState();
          const head = sim.head[FEED_A] ?? 0;
          expect(counters.lost).toBe(kinds.filter((kind) => kind === 'lose').length);
          expect(counters.eventsApplied + counters.lost).toBe(head);
          expect(lostSpans.reduce((sum, span) => sum + span.points, 0)).toBe(counters.lost);
          // A hole before the first point has no start: its span is empty, never reversed.
          for (const span of lostSpans) expect(span.to).toBeGreaterThanOrEqual(span.from);
        },
      ),
      { numRuns: 200 },
    );
  });
});
