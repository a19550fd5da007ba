import { bench, describe } from 'vitest';
import { FEED_NAMES } from '@/lib/metrics/feeds';
import type { Incoming } from './metrics-state';
import { createMetricsStore } from './metrics-store';

/** `npm run bench` runs this: how many events per second the store merges (target ≥ 1,000,000). */

const BATCH = 1000;
const store = createMetricsStore({ feeds: FEED_NAMES, windowMs: 300_000, maxPoints: 3000 });
let seq = 0;
let offset = 0;

function nextBatch(): Incoming[] {
  const items: Incoming[] = [];
  while (items.length < BATCH) {
    seq += 1;
    for (const feed of FEED_NAMES)
      items.push({
        kind: 'metric',
        event: { feed, seq, ts: seq * 100, value: seq % 100 },
        cursor: `ep.${(offset += 1)}`,
      });
  }
  return items;
}

describe('metrics store', () => {
  bench(`commit: ${BATCH} events per op, 8 feeds, in order`, () => {
    store.commit(nextBatch());
  });

  const replayed = nextBatch();
  bench(`commit: ${BATCH} events per op, all duplicates`, () => {
    store.commit(replayed);
  });
});
