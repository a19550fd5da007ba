import { describe, expect, it } from 'vitest';
import { clientIp, clientKey } from './client-key';
import { createClientLimits, fromForwardedHeader, limitKey } from './client-limits';
import { ClientStreamCounter } from './client-stream-counter';
import { RateLimiter } from './rate-limiter';

describe('client key', () => {
  const proxies = new Set(['127.0.0.1']);

  it('uses the user when signed in, else the peer address', () => {
    expect(clientKey({ userId: 'ops', peer: '10.0.0.1', forwardedFor: null }, proxies)).toBe('user:ops');
    expect(clientKey({ userId: null, peer: '::ffff:10.0.0.1', forwardedFor: null }, proxies)).toBe('ip:10.0.0.1');
  });

  it('believes X-Forwarded-For only from a trusted proxy, and takes the rightmost untrusted hop', () => {
    expect(clientIp('10.9.9.9', '1.2.3.4', proxies)).toBe('10.9.9.9');
    expect(clientIp('127.0.0.1', 'forged, 1.2.3.4', proxies)).toBe('1.2.3.4');
    expect(clientIp('127.0.0.1', '1.2.3.4, 127.0.0.1', proxies)).toBe('1.2.3.4');
    expect(clientIp(null, null, proxies)).toBe('unknown');
  });
});

describe('request address on the route handler (no socket: Next put it in X-Forwarded-For)', () => {
  const limits = createClientLimits({
    SSE_MAX_STREAMS_PER_CLIENT: 1,
    SNAPSHOT_RATE_BURST: 1,
    SNAPSHOT_RATE_PER_S: 1,
    TRUSTED_PROXIES: ['10.0.0.9'],
  });

  it('reads the last hop as the peer and the rest as what the peer forwarded', () => {
    expect(fromForwardedHeader('127.0.0.1')).toEqual({ peer: '127.0.0.1', forwardedFor: null });
    expect(fromForwardedHeader('1.1.1.1, 2.2.2.2, 10.0.0.9')).toEqual({
      peer: '10.0.0.9',
      forwardedFor: '1.1.1.1, 2.2.2.2',
    });
    expect(fromForwardedHeader(null)).toEqual({ peer: null, forwardedFor: null });
  });

  it('keys by the peer unless it is a trusted proxy, and by user when signed in', () => {
    expect(limitKey(limits, null, fromForwardedHeader('forged, 2.2.2.2'))).toBe('ip:2.2.2.2');
    expect(limitKey(limits, null, fromForwardedHeader('forged, 2.2.2.2, 10.0.0.9'))).toBe('ip:2.2.2.2');
    expect(limitKey(limits, 'ops', fromForwardedHeader('2.2.2.2'))).toBe('user:ops');
  });
});

describe('per-client stream counter', () => {
  it('refuses past the limit and frees a slot on release (once)', () => {
    const counter = new ClientStreamCounter(2);
    const a = counter.acquire('ip:1');
    const b = counter.acquire('ip:1');
    expect(a && b).toBeTruthy();
    expect(counter.acquire('ip:1')).toBeNull();
    expect(counter.acquire('ip:2')).not.toBeNull();
    a!();
    a!();
    expect(counter.count('ip:1')).toBe(1);
    expect(counter.acquire('ip:1')).not.toBeNull();
  });
});

describe('rate limiter', () => {
  it('allows a burst, then answers how long to wait, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2, perSecond: 1, now: () => now });
    expect(limiter.take('k')).toEqual({ ok: true });
    expect(limiter.take('k')).toEqual({ ok: true });
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('other')).toEqual({ ok: true });
    now += 500;
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterMs: 500 });
    now += 500;
    expect(limiter.take('k')).toEqual({ ok: true });
  });
});
