import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '@/lib/metrics/events';
import { PUBLIC_DEMO_ENV } from '../fixtures/auth';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { pollUntil } from '../kit';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * The first screen: a fresh server's chart window is already full, because the source loads
 * its history at start (the demo generates its last window), and the demo's shapes repeat after
 * a restart only when METRICS_SEED says so.
 */

const WINDOW_MS = 300_000;

/** The first feed's window of a fresh server once its history is in, as seq → value. */
async function firstScreen(server: NextServer): Promise<{ snapshot: Snapshot; bySeq: Map<number, number> }> {
  const snapshot = await pollUntil(
    async () => (await (await fetch(`${server.url}/api/snapshot?feeds=${FIRST_FEED}`)).json()) as Snapshot,
    (s) => (s.feeds[FIRST_FEED]?.ts.length ?? 0) > 0,
    { what: 'a snapshot with history' },
  );
  const window = snapshot.feeds[FIRST_FEED]!;
  return { snapshot, bySeq: new Map(window.value.map((value, i) => [window.firstSeq + i, value])) };
}

/** The values of seqs `from`..`to`: the same seq is the same tick of the walk on every boot. */
function valuesOf(bySeq: Map<number, number>, from: number, to: number): number[] {
  const values = Array.from({ length: to - from + 1 }, (_, i) => bySeq.get(from + i));
  expect(values.includes(undefined), `seqs ${from}..${to} are all in the window`).toBe(false);
  return values as number[];
}

describe('the first screen of a fresh server', () => {
  let server: NextServer | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
  });

  it('shows a full window at once, and the same shapes after a restart with METRICS_SEED', async () => {
    server = await startNextServer({ env: { ...PUBLIC_DEMO_ENV, METRICS_INTERVAL_MS: '1000', METRICS_SEED: '42' } });
    const { snapshot, bySeq } = await firstScreen(server);
    const ts = snapshot.feeds[FIRST_FEED]!.ts;
    // 300 ticks of 1 s were generated; the oldest may have left the window while the server started.
    expect(ts.length).toBeGreaterThanOrEqual(290);
    expect(ts.at(-1)! - ts[0]!).toBeGreaterThanOrEqual(WINDOW_MS - 15_000);

    await server.restart('SIGKILL');
    const again = await firstScreen(server);
    expect(again.snapshot.epoch).not.toBe(snapshot.epoch);
    expect(valuesOf(again.bySeq, 20, 280)).toEqual(valuesOf(bySeq, 20, 280));
  });

  it('draws new shapes on every boot without METRICS_SEED, and prints the seed it drew', async () => {
    server = await startNextServer({ env: { ...PUBLIC_DEMO_ENV, METRICS_INTERVAL_MS: '1000' } });
    const first = await firstScreen(server);
    await server.restart('SIGKILL');
    const second = await firstScreen(server);
    expect(valuesOf(second.bySeq, 20, 280)).not.toEqual(valuesOf(first.bySeq, 20, 280));
    expect(server.output()).toMatch(/simulation seed \d+ for this boot \(METRICS_SEED=\d+ repeats/);
  });
});
