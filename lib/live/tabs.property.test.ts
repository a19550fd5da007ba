import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartMismatch, createTabsWorld, type TabsWorld, type WorldTab } from './testing/tabs-world';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

/**
 * Properties over random lives of up to 8 tabs, each running a page's real code (the shared
 * source, its ConnectionManager and renewal, the binding, the stores) against a fake server
 * with one feed or two: opens, closes, crashes, freezes and resumes, partitions, tabs starved
 * of CPU, events, a server slow to answer a stream, server restarts, sign-outs and sign-ins,
 * and time. While they run, every follower shows its leader's connection state within a
 * heartbeat and a half of any change (so none stays "connecting" while its leader is live),
 * and two leaders that can hear each other never last longer than a heartbeat. After things
 * settle, one tab leads, every tab is live, every feed's chart holds every point of the
 * server's log once, in order, and its counters agree: nothing lost, no gap the life did not
 * cause (`expectSettled`).
 */

type Op =
  | { op: 'open' }
  | { op: 'close' | 'crash' | 'freeze' | 'resume' | 'partition' | 'heal'; pick: number }
  /** `pick` -1: the tab that leads (the case that matters most: its followers stop hearing it). */
  | { op: 'stall'; pick: number; ms: number }
  | { op: 'publish'; count: number }
  /** The server answers the streams asked for from now on this late (a busy server). */
  | { op: 'slow'; ms: number }
  | { op: 'restart' | 'revoke' }
  | { op: 'sign-in'; pick: number }
  | { op: 'advance'; ms: number };

interface Faults {
  partitions?: boolean;
  restarts?: boolean;
  auth?: boolean;
  /** Only opens, starved tabs, events, a slow server and time: no tab closes, crashes or freezes. */
  busyOnly?: boolean;
}

const pick = fc.nat(7);
const opArb = ({ partitions = false, restarts = false, auth = false, busyOnly = false }: Faults): fc.Arbitrary<Op> => {
  const lifecycle = busyOnly ? 0 : 1;
  return fc.oneof(
    { weight: restarts ? 1 : 0, arbitrary: fc.constant<Op>({ op: 'restart' }) },
    { weight: auth ? 1 : 0, arbitrary: fc.constant<Op>({ op: 'revoke' }) },
    { weight: auth ? 1 : 0, arbitrary: fc.record({ op: fc.constant('sign-in' as const), pick }) },
    { weight: 3, arbitrary: fc.constant<Op>({ op: 'open' }) },
    { weight: lifecycle, arbitrary: fc.record({ op: fc.constant('close' as const), pick }) },
    { weight: lifecycle, arbitrary: fc.record({ op: fc.constant('crash' as const), pick }) },
    { weight: lifecycle, arbitrary: fc.record({ op: fc.constant('freeze' as const), pick }) },
    { weight: lifecycle, arbitrary: fc.record({ op: fc.constant('resume' as const), pick }) },
    {
      weight: partitions ? 1 : 0,
      arbitrary: fc.record({ op: fc.constantFrom('partition' as const, 'heal' as const), pick }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('stall' as const),
        pick: fc.oneof(fc.constant(-1), pick),
        // Half of them near how long a follower waits for a silent leader before it streams
        // solo (lease and probe, 2.2 s): the leader then wakes while that tab is in between.
        ms: fc.oneof(fc.integer({ min: 100, max: 9000 }), fc.integer({ min: 2000, max: 4000 })),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('publish' as const), count: fc.integer({ min: 1, max: 6 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('slow' as const), ms: fc.constantFrom(0, 500, 1500, 4000) }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  );
};

const HEARTBEAT_MS = 1000;
/** The leader watch's default: a probe unanswered this long means the leader is unreachable. */
const PROBE_TIMEOUT_MS = 1000;
/** How long a follower may show something other than its leader's state: a join re-asked on the next heartbeat. */
const SHOWS_LEADER_WITHIN_MS = HEARTBEAT_MS + 500;
/** Runs per property (fake time: about 1 s per property here). `RUNS=2000` for a deeper search. */
const RUNS = Number(process.env.RUNS ?? 60);
/** `SEED=<n>` replays a search (fast-check prints the seed of a failure). */
const SEED = process.env.SEED === undefined ? undefined : Number(process.env.SEED);

/** What a tab's badge says: the state, why, and since when (a follower must say what its leader says). */
function shown(w: TabsWorld, tab: WorldTab): string {
  const { state, reason, since } = tab.live.status.getState().connection;
  return `${state} (${reason}, since ${since - w.clock.now()} ms)`;
}

/** A follower that can hear its leader, and is heard: neither frozen, partitioned nor starved. */
function watchable(w: TabsWorld, tab: WorldTab, stalledUntil: Map<WorldTab, number>): WorldTab | null {
  const reachable = (t: WorldTab) => !t.resigned && !t.partitioned && (stalledUntil.get(t) ?? 0) < w.clock.now();
  if (w.role(tab) !== 'follower' || !reachable(tab)) return null;
  const leader = w.leaderOf(tab);
  return leader && w.role(leader) === 'leader' && reachable(leader) ? leader : null;
}

async function live(ops: Op[], locks: boolean, feeds: readonly string[], answerMs: number) {
  const w = createTabsWorld({ locks }, { heartbeatMs: HEARTBEAT_MS }, feeds);
  w.server.answerStreamsAfter(answerMs);
  const stalledUntil = new Map<WorldTab, number>();
  let overlapSince: number | null = null;
  let longestOverlap = 0;
  const differSince = new Map<WorldTab, number>();
  const stale: string[] = [];
  let longestStall = 0;

  const sample = () => {
    const now = w.clock.now();
    // Leaders that can hear each other: neither partitioned nor starved (a starved tab hears nothing).
    const leaders = w.leaders().filter((tab) => !tab.partitioned && (stalledUntil.get(tab) ?? 0) < now);
    if (leaders.length > 1) overlapSince ??= now;
    else overlapSince = null;
    if (overlapSince !== null) longestOverlap = Math.max(longestOverlap, now - overlapSince);
    for (const tab of w.open) {
      const leader = watchable(w, tab, stalledUntil);
      if (!leader || shown(w, tab) === shown(w, leader)) {
        differSince.delete(tab);
        continue;
      }
      const since = differSince.get(tab) ?? now;
      differSince.set(tab, since);
      if (now - since > SHOWS_LEADER_WITHIN_MS) {
        stale.push(`${tab.fake.name} showed ${shown(w, tab)} while its leader was ${shown(w, leader)}`);
        differSince.delete(tab);
      }
    }
  };
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 50) {
      await w.clock.advance(Math.min(50, left));
      sample();
    }
    await w.clock.advance(0);
    sample();
  };

  w.openTab();
  for (const step of ops) {
    const target =
      'pick' in step ? (step.pick < 0 ? w.leaders()[0] : w.open[step.pick % Math.max(1, w.open.length)]) : undefined;
    switch (step.op) {
      case 'open':
        // Signed out, the page is the sign-in panel: no dashboard, no stream.
        if (w.open.length < 8 && w.server.signedIn) w.openTab();
        break;
      case 'close':
        if (target) w.close(target);
        break;
      case 'crash':
        if (target) w.crash(target);
        break;
      case 'freeze':
        if (target) w.freeze(target);
        break;
      case 'resume':
        if (target?.resigned) w.resume(target);
        break;
      case 'partition':
        if (target) w.partition(target);
        break;
      case 'heal':
        if (target) w.heal(target);
        break;
      case 'stall':
        if (target) {
          w.browser.stall(target.fake, step.ms);
          stalledUntil.set(target, Math.max(stalledUntil.get(target) ?? 0, w.clock.now() + step.ms + 200));
          longestStall = Math.max(longestStall, step.ms);
        }
        break;
      case 'publish':
        w.server.publish(step.count);
        break;
      case 'slow':
        w.server.answerStreamsAfter(step.ms);
        break;
      case 'restart':
        w.server.restart();
        break;
      case 'revoke':
        w.server.revoke();
        break;
      case 'sign-in':
        if (target) w.signInAt(target);
        break;
      case 'advance':
        await advance(step.ms);
        break;
    }
    // Each step takes a moment: two leaderships in the same millisecond would share a term
    // (terms come from the wall clock), which no browser does quickly enough to matter.
    await w.clock.advance(1);
    sample();
  }

  // Settle: every tab back (resumed, partitions healed), the server no longer busy, signed in
  // (signing in somewhere, as a user would), time for any election and reconnection, then more
  // events.
  w.server.answerStreamsAfter(0);
  for (const tab of [...w.open]) {
    w.heal(tab);
    if (tab.resigned) w.resume(tab);
  }
  // A user who reads "Your session has ended" follows its "Sign in again" (a page that signed
  // in and closed before it heard its leader revived nothing; the other tabs still say so).
  const endedSession = w.open.some((tab) => tab.live.status.getState().connection.failure === 'auth');
  if (!w.server.signedIn || endedSession) {
    const [first] = w.open;
    if (first) w.signInAt(first);
    else w.server.signIn();
  }
  if (w.open.length === 0) w.openTab();
  // The feed keeps ticking, as a real one does (a reset is "resyncing" until the next event),
  // for 10 s after the last tab starved of CPU runs again (an election and a reconnection it
  // starts then take their time too).
  const starvedFor = Math.max(0, ...[...stalledUntil.values()].map((until) => until - w.clock.now()));
  for (let elapsed = 0; elapsed < starvedFor + 10_000; elapsed += 500) {
    w.server.publish(1);
    await advance(500);
  }
  const count = (op: Op['op']) => ops.filter((step) => step.op === op).length;
  const life = { restarts: count('restart'), partitions: count('partition'), revokes: count('revoke') };
  return { w, longestOverlap, stale, longestStall, ...life };
}

/**
 * What every tab must show once things settled: live, with every point of the server's log, and
 * counters that tell the same story (`life`: how many restarts, partitions and sign-outs it had).
 *
 * - `lost`: never. The fake server never skips an event and its snapshot holds its whole log,
 *   so nothing is ever unrecoverable: a tab that gives a point up has a catch-up that skipped it.
 * - `gaps`: none unless a tab was partitioned or the session revoked. A follower holds live
 *   events while a catch-up or snapshot it asked for is unanswered, and a stream resumes from
 *   the store's cursor, so no commit sees a hole. The design counts one (and then fills it) when
 *   a follower's snapshot cannot be loaded (a fetch that hangs past its abort, or is refused
 *   while signed out: the next gap asks again), when a leader heartbeats on without answering
 *   for `catchUpHeartbeats` beats, when the server skipped events, and when a follower missed
 *   its leader's messages and the next event beats the next heartbeat (docs/tab-sharing.md,
 *   "Handover without loss"). Here only a partition drops messages and only a sign-out refuses
 *   a snapshot. A gap that a catch-up fills is invisible in the chart, so `gaps` is what shows a
 *   catch-up that skipped what it should have sent, with one feed as with several.
 * - `resets`: only from restarts.
 * - duplicates dropped: allowed (a second catch-up from the same cursor, or a new leader's
 *   stream replaying what a follower has, sends them, and the merge drops them).
 */
function expectSettled(w: TabsWorld, life: { restarts: number; partitions: number; revokes: number }) {
  expect(w.leaders()).toHaveLength(1);
  const log = Array.from({ length: w.server.head }, (_, i) => w.server.ts(i + 1));
  for (const tab of w.open) {
    const state = tab.live.metrics.api.getState();
    expect({ tab: tab.fake.name, shows: w.shows(tab) }).toEqual({ tab: tab.fake.name, shows: 'live' });
    expect(state.epoch).toBe(w.server.epoch);
    // A chart trims what is older than its window: only the current epoch's log is left.
    for (const feed of w.server.feeds) {
      const chart = [...tab.live.metrics.series(feed).ts];
      expect({ feed, problems: chartMismatch(chart, log) }).toEqual({ feed, problems: [] });
    }
    const { gaps, lost, resets } = state.counters;
    const name = tab.fake.name;
    expect({ name, lost }).toEqual({ name, lost: 0 });
    if (life.partitions + life.revokes === 0) expect({ name, gaps }).toEqual({ name, gaps: 0 });
    if (life.restarts === 0) expect({ name, resets }).toEqual({ name, resets: 0 });
  }
  expect(w.errors).toEqual([]);
}

/** One feed (cursors `<epoch>.n`) or several (`<epoch>.n-i`, where a resume cursor can trail the newest). */
const FEEDS = fc.constantFrom<readonly string[]>([FEED_A, FEED_B], [FEED_A]);

/**
 * How late the server answers a stream at first (`slow` changes it): at once, or as a busy one
 * does. A tab that goes solo and follows again before its own stream answered exists only then.
 */
const ANSWER_MS = fc.constantFrom(0, 1500);

type Outcome = Awaited<ReturnType<typeof live>>;

/** A property over random lives with these faults, with Web Locks, without, or either. */
function property(name: string, faults: Faults, locks: boolean | 'either', check: (outcome: Outcome) => void) {
  it(
    name,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          locks === 'either' ? fc.boolean() : fc.constant(locks),
          fc.array(opArb(faults), { minLength: 1, maxLength: 25 }),
          FEEDS,
          ANSWER_MS,
          async (withLocks, ops, feeds, answerMs) => {
            const outcome = await live(ops, withLocks, feeds, answerMs);
            expect(outcome.stale).toEqual([]);
            expectSettled(outcome.w, outcome);
            check(outcome);
          },
        ),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    },
    120_000,
  );
}

describe('tabs of one browser, each running the real page code, under random lives', () => {
  property(
    'with Web Locks: one leader, one server stream at a time, every tab complete, and showing its leader',
    {},
    true,
    (outcome) => {
      // A leader starved longer than a probe may wait is, to the other tabs, a leader that does
      // not answer: they stream solo until it does (docs/tab-sharing.md, "Known limits").
      if (outcome.longestStall < PROBE_TIMEOUT_MS) expect(outcome.w.server.maxOpen).toBeLessThanOrEqual(1);
    },
  );

  property(
    'without Web Locks (lease): the same, and two leaders never last longer than a heartbeat',
    { partitions: true },
    false,
    (outcome) => {
      expect(outcome.longestOverlap).toBeLessThanOrEqual(HEARTBEAT_MS + 100);
      expect(outcome.w.server.openStreams).toBe(1);
    },
  );

  property(
    'on a busy machine (tabs starved of CPU, a server slow to answer): every tab complete, nothing lost, no gap',
    { busyOnly: true },
    true,
    () => {},
  );

  property(
    'with server restarts: every tab ends live in the new epoch with its whole log',
    { restarts: true },
    'either',
    () => {},
  );

  property(
    'with sign-outs: every tab shows the leader it follows, and signing in anywhere revives the stream',
    { auth: true },
    'either',
    () => {},
  );
});

describe('chartMismatch(), the check the properties rely on', () => {
  it('finds what a broken merge does to a chart: a point lost, drawn twice, or out of order', () => {
    const log = [100, 200, 300, 400];
    expect(chartMismatch(log, log)).toEqual([]);
    // A merge that skips a point, one that applies a duplicate, and one that appends in arrival order.
    expect(chartMismatch([100, 200, 400], log)).toEqual(['point at 300 missing']);
    expect(chartMismatch([100, 200, 200, 300, 400], log)).toEqual(['point at 200 drawn twice']);
    expect(chartMismatch([100, 300, 200, 400], log)).toEqual(['point at 200 drawn after 300']);
  });

  it('fails a world whose follower runs a deliberately broken merge (it drops one event in five)', async () => {
    const w = createTabsWorld();
    const [, follower] = [w.openTab(), w.openTab()];
    await w.clock.advance(100);
    const { metrics } = follower.live;
    const commit = metrics.commit.bind(metrics);
    let seen = 0;
    metrics.commit = (items) => commit(items.filter((item) => item.kind !== 'metric' || ++seen % 5 !== 0));
    for (let i = 0; i < 10; i += 1) {
      w.server.publish(2);
      await w.clock.advance(100);
    }
    await w.clock.advance(2000);
    const log = Array.from({ length: w.server.head }, (_, i) => w.server.ts(i + 1));
    expect(chartMismatch([...follower.live.metrics.series(FEED_A).ts], log)).not.toEqual([]);
  });
});
