import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff';

describe('createBackoff', () => {
  it('doubles the window per attempt up to the cap (random = 1 shows the window)', () => {
    const backoff = createBackoff({ baseMs: 1000, capMs: 30_000, random: () => 1 });
    expect(Array.from({ length: 8 }, () => backoff.next())).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(backoff.attempt).toBe(8);
  });

  it('applies full jitter: anywhere from 0 to the window', () => {
    const values = [0, 0.5, 0.999];
    let i = 0;
    const backoff = createBackoff({ baseMs: 1000, random: () => values[i++]! });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([0, 1000, 3996]);
  });

  it('starts over after reset, from the server retry base', () => {
    const backoff = createBackoff({ random: () => 1 });
    backoff.next();
    backoff.next();
    backoff.reset();
    backoff.setBase(2500);
    expect(backoff.next()).toBe(2500);
  });

  it('never grows past the cap even after very many attempts', () => {
    const backoff = createBackoff({ capMs: 5000, random: () => 1 });
    for (let i = 0; i < 2000; i += 1) backoff.next();
    expect(backoff.next()).toBe(5000);
  });

  it('ignores a nonsensical server base and keeps a floor of 100 ms', () => {
    const backoff = createBackoff({ random: () => 1 });
    backoff.setBase(Number.NaN);
    expect(backoff.next()).toBe(1000);
    backoff.reset();
    backoff.setBase(0);
    expect(backoff.next()).toBe(100);
  });
});
