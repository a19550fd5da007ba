import { describe, expect, it, vi } from 'vitest';
import { createFakeEnv } from '@/lib/client/testing/fake-env';
import { createRetainer } from './retainer';

describe('createRetainer', () => {
  it('starts once for many retains, and stops after the last release', async () => {
    const fake = createFakeEnv();
    const start = vi.fn();
    const stop = vi.fn();
    const retain = createRetainer(fake.env, start, stop);
    const a = retain();
    const b = retain();
    a();
    a(); // releasing twice counts once
    await fake.advance(10);
    expect(stop).not.toHaveBeenCalled();
    b();
    await fake.advance(10);
    expect([start.mock.calls.length, stop.mock.calls.length]).toEqual([1, 1]);
  });

  it('keeps running through a StrictMode cleanup and re-setup in the same tick', async () => {
    const fake = createFakeEnv();
    const start = vi.fn();
    const stop = vi.fn();
    const retain = createRetainer(fake.env, start, stop);
    retain()();
    retain();
    await fake.advance(10);
    expect([start.mock.calls.length, stop.mock.calls.length]).toEqual([1, 0]);
  });
});
