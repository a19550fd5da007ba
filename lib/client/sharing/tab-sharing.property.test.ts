import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contiguous, createHarness } from './testing/tab-harness';

/**
 * Properties over random lives of up to 8 tabs: opens, closes, crashes, pagehide/pageshow,
 * partitions, events and time. After things settle, exactly one tab leads and every tab holds
 * every event once, in order, with no reset; while they run, two leaders that can hear each
 * other never last longer than a heartbeat, and with Web Locks the server never sees two streams.
 */

type Op =
  | { op: 'open' }
  | { op: 'close' | 'crash' | 'resign' | 'rejoin' | 'partition' | 'heal'; pick: number }
  | { op: 'publish'; count: number }
  | { op: 'restart' }
  | { op: 'advance'; ms: number };

const pick = fc.nat(7);
const opArb = (withPartitions: boolean, withRestarts = false): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: withRestarts ? 1 : 0, arbitrary: fc.constant<Op>({ op: 'restart' }) },
    { weight: 3, arbitrary: fc.constant<Op>({ op: 'open' }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), pick }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), pick }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('resign' as const), pick }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('rejoin' as const), pick }) },
    {
      weight: withPartitions ? 1 : 0,
      arbitrary: fc.record({ op: fc.constantFrom('partition' as const, 'heal' as const), pick }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('publish' as const), count: fc.integer({ min: 1, max: 6 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  );

const HEARTBEAT_MS = 1000;
/** Runs per property (fake time: ~0.3 s per 60 runs here). `RUNS=2000` for a deeper search. */
const RUNS = Number(process.env.RUNS ?? 60);

export async function live(ops: Op[], locks: boolean) {
  const h = createHarness({ locks }, { heartbeatMs: HEARTBEAT_MS });
  const partitioned = new Set<string>();
  let overlapSince: number | null = null;
  let longestOverlap = 0;

  /** Two leaders that can hear each other: how long has it lasted? */
  const sample = () => {
    const leaders = h.leaders().filter((t) => !partitioned.has(t.tab.name));
    if (leaders.length > 1) overlapSince ??= h.browser.now;
    else overlapSince = null;
    if (overlapSince !== null) longestOverlap = Math.max(longestOverlap, h.browser.now - overlapSince);
  };
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 50) {
      await h.browser.advance(Math.min(50, left));
      sample();
    }
    await h.browser.settle();
    sample();
  };

  for (const step of ops) {
    const target = 'pick' in step ? h.open[step.pick % Math.max(1, h.open.length)] : undefined;
    switch (step.op) {
      case 'open':
        if (h.open.length < 8) h.openTab();
        break;
      case 'close':
        if (target) h.close(target);
        break;
      case 'crash':
        if (target) h.crash(target);
        break;
      case 'resign':
        target?.sharing.resign();
        break;
      case 'rejoin':
        target?.sharing.rejoin();
        break;
      case 'partition':
        if (target) {
          h.browser.partition(target.tab);
          partitioned.add(target.tab.name);
        }
        break;
      case 'heal':
        if (target) {
          h.browser.heal(target.tab);
          partitioned.delete(target.tab.name);
        }
        break;
      case 'publish':
        h.server.publish(step.count);
        break;
      case 'advance':
        await advance(step.ms);
        break;
      case 'restart':
        h.restartServer();
        break;
    }
    await h.browser.settle();
    sample();
  }

  // Settle: every tab back (pageshow, partitions healed), time for any election, then more events.
  for (const tab of h.open) {
    h.browser.heal(tab.tab);
    tab.sharing.rejoin();
  }
  partitioned.clear();
  await advance(5000);
  h.server.publish(3);
  await advance(1000);
  return { h, longestOverlap, restarts: ops.filter((step) => step.op === 'restart').length };
}

describe('tab sharing under random opens, closes and crashes', () => {
  it('with Web Locks: one leader, one server stream at a time, every tab complete and in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb(false), { minLength: 1, maxLength: 25 }), async (ops) => {
        const { h } = await live([{ op: 'open' }, ...ops], true);
        if (h.open.length === 0) return;
        expect(h.leaders()).toHaveLength(1);
        expect(h.server.maxOpen).toBeLessThanOrEqual(1);
        expect(h.allAtHead()).toBe(true);
        for (const tab of h.open) {
          expect(contiguous(tab.store)).toBe(true);
          expect(tab.store.resets).toBe(0);
          expect(tab.store.lost).toBe(0);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('without Web Locks (lease): same end state, and two leaders never last longer than a heartbeat', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb(true), { minLength: 1, maxLength: 25 }), async (ops) => {
        const { h, longestOverlap } = await live([{ op: 'open' }, ...ops], false);
        expect(longestOverlap).toBeLessThanOrEqual(HEARTBEAT_MS + 100);
        if (h.open.length === 0) return;
        expect(h.leaders()).toHaveLength(1);
        expect(h.server.openConnections).toBe(1);
        expect(h.allAtHead()).toBe(true);
        for (const tab of h.open) {
          expect(contiguous(tab.store)).toBe(true);
          expect(tab.store.resets).toBe(0);
          expect(tab.store.lost).toBe(0);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('with server restarts: every tab ends in the new epoch at its head, with at most one reset per restart', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(opArb(false, true), { minLength: 1, maxLength: 25 }),
        async (locks, ops) => {
          const { h, restarts } = await live([{ op: 'open' }, ...ops], locks);
          if (h.open.length === 0) return;
          expect(h.leaders()).toHaveLength(1);
          expect(h.allAtHead()).toBe(true);
          for (const tab of h.open) {
            expect(contiguous(tab.store)).toBe(true);
            expect(tab.store.resets).toBeLessThanOrEqual(restarts);
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);
});
