import { describe, expect, it } from 'vitest';
import { createBackoff, MAX_TIMER_MS } from './backoff';

describe('createBackoff', () => {
  it('doubles the window per attempt up to the cap (random = 1 shows the window)', () => {
    const backoff = createBackoff({ baseMs: 1000, capMs: 30_000, earlyAttempts: 0, random: () => 1 });
    expect(Array.from({ length: 8 }, () => backoff.next())).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(backoff.attempt).toBe(8);
  });

  it('keeps the first attempts of an outage within the early cap, then grows to the cap', () => {
    const backoff = createBackoff({ baseMs: 1000, capMs: 30_000, random: () => 1 });
    expect(Array.from({ length: 13 }, () => backoff.next())).toEqual([
      1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 30_000, 30_000, 30_000,
    ]);
  });

  it("does not cut a server's retry: above the early cap down to it (the cap still bounds it)", () => {
    const backoff = createBackoff({ capMs: 30_000, random: () => 1 });
    backoff.setBase(10_000);
    expect(Array.from({ length: 4 }, () => backoff.next())).toEqual([10_000, 10_000, 10_000, 10_000]);
    const capped = createBackoff({ capMs: 5000, random: () => 1 });
    capped.setBase(10_000);
    expect(capped.next()).toBe(5000);
  });

  it('never exceeds what a timer can hold, whatever the cap asked for', () => {
    const backoff = createBackoff({ capMs: 2 ** 40, earlyAttempts: 0, random: () => 1 });
    for (let i = 0; i < 64; i += 1) expect(backoff.next()).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(backoff.capMs).toBe(MAX_TIMER_MS);
  });

  it('meets the recovery targets on 10 s outages: median ≤ 3 s, p95 ≤ 8 s, ≤ 1 attempt/s', () => {
    // The policy on its own, in simulated time: attempts fail until the server is back at 10 s;
    // the first attempt after that succeeds. Seeded, so the figures are exact and repeatable.
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const latencies: number[] = [];
    let attempts = 0;
    const OUTAGES = 1000;
    for (let run = 0; run < OUTAGES; run += 1) {
      const backoff = createBackoff({ baseMs: 2000, random });
      let t = backoff.next();
      attempts += 1;
      while (t < 10_000) {
        t += backoff.next();
        attempts += 1;
      }
      latencies.push(t - 10_000);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(OUTAGES / 2)]!;
    const p95 = latencies[Math.floor(OUTAGES * 0.95)]!;
    expect(median).toBeLessThanOrEqual(3000);
    expect(p95).toBeLessThanOrEqual(8000);
    expect(attempts / OUTAGES / 10).toBeLessThanOrEqual(1); // attempts per second of outage
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
