import { describe, expect, it } from 'vitest';
import { decideAfterEnd, isPermanent, parseRetryAfter } from './retry-policy';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
const http = (status: number, retryAfter: string | null = null) =>
  ({ kind: 'http', status, retryAfter, message: 'nope' }) as const;

describe('isPermanent', () => {
  it('gives up on 4xx except the two that are about timing', () => {
    expect([400, 401, 403, 404, 410].map(isPermanent)).toEqual([true, true, true, true, true]);
    expect([408, 429, 500, 502, 503, 200].map(isPermanent)).toEqual([false, false, false, false, false, false]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', NOW)).toBe(5000);
    // A date in the past means "now", not a negative wait.
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', NOW)).toBe(0);
  });

  it('returns null for nothing or nonsense', () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-1', NOW)).toBeNull();
    expect(parseRetryAfter('1.5', NOW)).toBeNull();
  });
});

const BOUNDS = { floorMs: 1000, capMs: 30_000 };

describe('decideAfterEnd', () => {
  it('retries after the backoff when the stream ended or the network failed', () => {
    expect(decideAfterEnd({ kind: 'ended' }, NOW, () => 0.5, BOUNDS)).toEqual({
      kind: 'retry',
      reason: 'server ended the stream',
      delayMs: null,
    });
    expect(decideAfterEnd({ kind: 'network', phase: 'stream', message: 'reset' }, NOW, () => 0.5, BOUNDS)).toEqual({
      kind: 'retry',
      reason: 'connection lost: reset',
      delayMs: null,
    });
  });

  it('tells a server that never answered from a stream that broke', () => {
    const refused = { kind: 'network', phase: 'connect', message: 'TypeError: Failed to fetch' } as const;
    expect(decideAfterEnd(refused, NOW, () => 0.5, BOUNDS)).toMatchObject({
      kind: 'retry',
      reason: 'cannot reach the server: TypeError: Failed to fetch',
    });
  });

  it('fails for good on a permanent status, with the server message', () => {
    expect(decideAfterEnd(http(403), NOW, () => 0.5, BOUNDS)).toEqual({
      kind: 'fail',
      reason: 'HTTP 403: nope',
      error: 'nope',
    });
  });

  it('fails for good on 401 with the reason `auth`, so the UI can prompt a sign-in', () => {
    expect(decideAfterEnd(http(401), NOW, () => 0.5, BOUNDS)).toEqual({ kind: 'fail', reason: 'auth', error: 'nope' });
  });

  it('waits Retry-After (plus up to 10 % jitter) on 503 and 429 only', () => {
    expect(decideAfterEnd(http(503, '2'), NOW, () => 0, BOUNDS)).toMatchObject({ kind: 'retry', delayMs: 2000 });
    expect(decideAfterEnd(http(429, '2'), NOW, () => 1, BOUNDS)).toMatchObject({ kind: 'retry', delayMs: 2200 });
    // Retry-After on other statuses is not a promise to be back: the backoff decides.
    expect(decideAfterEnd(http(500, '2'), NOW, () => 1, BOUNDS)).toEqual({
      kind: 'retry',
      reason: 'HTTP 500: nope',
      delayMs: null,
    });
    expect(decideAfterEnd(http(503, 'soon'), NOW, () => 1, BOUNDS)).toMatchObject({ delayMs: null });
  });

  it('bounds Retry-After: a past date or 0 waits the base, a huge value waits the cap', () => {
    const past = new Date(NOW - 60_000).toUTCString();
    expect(decideAfterEnd(http(503, past), NOW, () => 0, BOUNDS)).toMatchObject({ delayMs: 1000 });
    expect(decideAfterEnd(http(503, '0'), NOW, () => 0, BOUNDS)).toMatchObject({ delayMs: 1000 });
    expect(decideAfterEnd(http(503, '3000000'), NOW, () => 1, BOUNDS)).toMatchObject({ delayMs: 30_000 });
    const inFive = new Date(NOW + 5000).toUTCString();
    expect(decideAfterEnd(http(429, inFive), NOW, () => 0, BOUNDS)).toMatchObject({ delayMs: 5000 });
  });
});
