import { logger } from './observability/logger';
import { describe, expect, it, vi } from 'vitest';
import { WriteQueue } from './write-queue';

/** A queue whose slices run only when the test says so. */
function steppedQueue(sliceSize: number) {
  const slices: (() => void)[] = [];
  const queue = new WriteQueue({ sliceSize, yieldTo: (next) => slices.push(next) });
  return { queue, nextSlice: () => slices.shift()!() };
}

const writer = (log: string[], name: string) => ({ flush: () => log.push(name) });

describe('WriteQueue', () => {
  it('writes nothing synchronously, then every queued writer on the next microtask when they fit in a slice', async () => {
    const log: string[] = [];
    const queue = new WriteQueue();
    queue.add(writer(log, 'a'));
    queue.add(writer(log, 'b'));
    expect(log).toEqual([]);
    await Promise.resolve();
    expect(log).toEqual(['a', 'b']);
    expect(queue.waiting).toBe(0);
  });

  it('yields between slices, and writers queued meanwhile wait their turn behind the others', async () => {
    const log: string[] = [];
    const { queue, nextSlice } = steppedQueue(2);
    for (const name of ['a', 'b', 'c', 'd', 'e']) queue.add(writer(log, name));
    await Promise.resolve();
    expect(log).toEqual(['a', 'b']);
    queue.add(writer(log, 'a again')); // e.g. the next tick, for a stream already written
    nextSlice();
    expect(log).toEqual(['a', 'b', 'c', 'd']);
    nextSlice();
    expect(log).toEqual(['a', 'b', 'c', 'd', 'e', 'a again']);
    expect(queue.waiting).toBe(0);
  });

  it('starts again on the next microtask once a round has ended', async () => {
    const log: string[] = [];
    const queue = new WriteQueue();
    queue.add(writer(log, 'a'));
    await Promise.resolve();
    queue.add(writer(log, 'b'));
    await Promise.resolve();
    expect(log).toEqual(['a', 'b']);
  });

  it('goes on with the other writers when one throws', async () => {
    const log: string[] = [];
    const error = vi.spyOn(logger('write-queue'), 'error').mockImplementation(() => {});
    const queue = new WriteQueue();
    queue.add({
      flush: () => {
        throw new Error('boom');
      },
    });
    queue.add(writer(log, 'b'));
    await Promise.resolve();
    expect(log).toEqual(['b']);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });
});
