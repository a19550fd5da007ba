import { describe, expect, it } from 'vitest';
import { createFrameBuffer } from './frame-buffer';
import type { Incoming } from './metrics-state';
import { FEED_A } from '@/lib/testing/catalogue';

const item = (seq: number): Incoming => ({
  kind: 'metric',
  event: { feed: FEED_A, seq, ts: seq, value: seq },
  cursor: `e.${seq}`,
});

describe('createFrameBuffer', () => {
  it('commits everything pushed before a frame in one call', () => {
    const commits: Incoming[][] = [];
    const frames: (() => void)[] = [];
    const buffer = createFrameBuffer(
      (items) => commits.push(items),
      (callback) => frames.push(callback),
    );
    for (let seq = 1; seq <= 100; seq += 1) buffer.push(item(seq));
    expect(frames).toHaveLength(1);
    expect(commits).toHaveLength(0);
    frames[0]!();
    expect(commits).toHaveLength(1);
    expect(commits[0]).toHaveLength(100);
  });

  it('flushes synchronously on demand, and the pending frame then has nothing to do', () => {
    const commits: Incoming[][] = [];
    const frames: (() => void)[] = [];
    const buffer = createFrameBuffer(
      (items) => commits.push(items),
      (callback) => frames.push(callback),
    );
    buffer.push(item(1));
    buffer.flush();
    frames[0]!();
    expect(commits).toEqual([[item(1)]]);
    expect(buffer.size).toBe(0);
  });
});
