import { describe, expect, it } from 'vitest';
import { PUBLIC_PRINCIPAL, type Principal } from '../auth/principal';
import { addressKey, clientKeys } from './client-key';
import { createClientLimits } from './client-limits';
import { ClientStreamCounter } from './client-stream-counter';
import { RateLimiter } from './rate-limiter';

const visitor = (sessionId: string, shared = true): Principal => ({
  ...PUBLIC_PRINCIPAL,
  kind: 'user',
  id: 'some-user',
  shared,
  sessionId,
});

describe('client keys', () => {
  it('a session is the client; a real user and the address count too; without a session, the address', () => {
    expect(clientKeys(visitor('s1'), '10.0.0.1')).toEqual({ client: 'session:s1', user: null, ip: 'ip:10.0.0.1' });
    expect(clientKeys(visitor('s1', false), '10.0.0.1')).toEqual({
      client: 'session:s1',
      user: 'user:some-user',
      ip: 'ip:10.0.0.1',
    });
    expect(clientKeys(PUBLIC_PRINCIPAL, '10.0.0.1')).toEqual({ client: 'ip:10.0.0.1', user: null, ip: null });
  });

  it('counts IPv6 per /64', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('ip:2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('ip:2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('ip:2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('ip:0:0:0:0::/64');
    expect(addressKey('127.0.0.1')).toBe('ip:127.0.0.1');
  });
});

describe('client limits', () => {
  const env = { SSE_MAX_STREAMS_PER_CLIENT: 2, SNAPSHOT_RATE_BURST: 2, SNAPSHOT_RATE_PER_S: 1, CLIENTS_PER_IP: 2 };

  it('two visitors of one shared user each keep their own streams while the other is at its cap', () => {
    const limits = createClientLimits(env, () => 0);
    const a = clientKeys(visitor('a'), '10.0.0.1');
    const b = clientKeys(visitor('b'), '10.0.0.1');
    expect(limits.acquireStream(a)).not.toBeNull();
    expect(limits.acquireStream(a)).not.toBeNull();
    expect(limits.acquireStream(a)).toBeNull();
    expect(limits.acquireStream(b)).not.toBeNull();
    expect(limits.takeSnapshot(a)).toEqual({ ok: true });
    expect(limits.takeSnapshot(a)).toEqual({ ok: true });
    expect(limits.takeSnapshot(a)).toMatchObject({ ok: false });
    expect(limits.takeSnapshot(b)).toEqual({ ok: true });
  });

  it('an address carries CLIENTS_PER_IP sessions at full caps, and no more', () => {
    const limits = createClientLimits(env, () => 0);
    const sessions = ['a', 'b', 'c'].map((id) => clientKeys(visitor(id), '10.0.0.1'));
    for (const keys of sessions.slice(0, 2))
      for (let i = 0; i < 2; i++) expect(limits.acquireStream(keys)).not.toBeNull();
    expect(limits.acquireStream(sessions[2]!)).toBeNull();
    // Another address is untouched.
    expect(limits.acquireStream(clientKeys(visitor('d'), '10.0.0.2'))).not.toBeNull();
  });

  it('a real user’s sessions share one cap; a refusal by one key takes nothing from the others', () => {
    const limits = createClientLimits(env, () => 0);
    const phone = clientKeys(visitor('phone', false), '10.0.0.1');
    const laptop = clientKeys(visitor('laptop', false), '10.0.0.2');
    const release = limits.acquireStream(phone)!;
    expect(limits.acquireStream(laptop)).not.toBeNull();
    expect(limits.acquireStream(laptop)).toBeNull(); // the user's cap, not the laptop session's
    release();
    release(); // idempotent
    expect(limits.acquireStream(laptop)).not.toBeNull();
    expect(limits.takeSnapshot(phone)).toEqual({ ok: true });
    expect(limits.takeSnapshot(laptop)).toEqual({ ok: true });
    expect(limits.takeSnapshot(laptop)).toMatchObject({ ok: false });
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
    expect(limiter.peek('k')).toEqual({ ok: true });
    expect(limiter.take('k')).toEqual({ ok: true });
    expect(limiter.peek('k')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('other')).toEqual({ ok: true });
    now += 500;
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterMs: 500 });
    now += 500;
    expect(limiter.take('k')).toEqual({ ok: true });
  });
});
