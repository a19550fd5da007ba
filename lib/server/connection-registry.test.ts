import { describe, expect, it } from 'vitest';
import type { FeedName } from '@/lib/metrics/feeds';
import { ConnectionRegistry, type Timers } from './connection-registry';
import { SseConnection, type SseConnectionOptions } from './sse-connection';
import { WebStreamSink } from './stream-sink';
import { FEED_A } from '@/lib/testing/catalogue';

function fakeTimers() {
  const active = new Map<number, () => void>();
  const timeouts = new Map<number, { at: number; callback: () => void }>();
  let next = 1;
  let now = 0;
  const timers: Timers = {
    setInterval: (callback) => {
      active.set(next, callback);
      return next++;
    },
    clearInterval: (handle) => active.delete(handle as number),
    setTimeout: (callback, ms) => {
      timeouts.set(next, { at: now + ms, callback });
      return next++;
    },
    clearTimeout: (handle) => timeouts.delete(handle as number),
    now: () => now,
  };
  return {
    timers,
    active,
    timeouts,
    fire: () => [...active.values()].forEach((callback) => callback()),
    /** Moves the clock, firing due one-shot timers (not the interval: call `fire` for a beat). */
    advance: (ms: number) => {
      now += ms;
      for (const [id, t] of [...timeouts].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now) continue;
        timeouts.delete(id);
        t.callback();
      }
    },
  };
}

function open(registry: ConnectionRegistry, extra: Partial<SseConnectionOptions> = {}): SseConnection {
  const conn = new SseConnection(
    {
      feeds: new Set<FeedName>([FEED_A]),
      feedKey: FEED_A,
      maxBacklogBytes: 1 << 20,
      onClose: registry.remove,
      writes: registry.writes,
      ...extra,
    },
    new WebStreamSink(),
  );
  registry.add(conn);
  conn.begin(new Uint8Array(1));
  return conn;
}

describe('ConnectionRegistry', () => {
  it('runs one shared heartbeat timer for any number of streams, only while streams are open', () => {
    const { timers, active, fire } = fakeTimers();
    const registry = new ConnectionRegistry({ maxConnections: 1000, heartbeatMs: 15_000, timers });
    expect(active.size).toBe(0);
    const conns = Array.from({ length: 100 }, () => open(registry));
    expect(active.size).toBe(1);
    fire();
    expect(conns.every((conn) => conn.backlogBytes > 1)).toBe(true);
    conns.forEach((conn) => conn.close('client_gone'));
    expect(active.size).toBe(0);
    expect(registry.heartbeatRunning).toBe(false);
  });

  it('counts open streams, the cap, and why streams closed', () => {
    const { timers } = fakeTimers();
    const registry = new ConnectionRegistry({ maxConnections: 2, heartbeatMs: 1000, timers });
    const a = open(registry);
    expect(registry.full).toBe(false);
    open(registry);
    expect(registry.full).toBe(true);
    a.close('client_gone');
    a.close('client_gone');
    expect(registry.size).toBe(1);
    expect(registry.closed.client_gone).toBe(1);
    registry.closeAll('shutdown');
    expect(registry.size).toBe(0);
    expect(registry.closed.shutdown).toBe(1);
    expect(registry.opened).toBe(2);
  });

  it('checks deadlines on the heartbeat tick and arms an exact timer only in the last interval', () => {
    const { timers, timeouts, fire, advance } = fakeTimers();
    const registry = new ConnectionRegistry({ maxConnections: 10, heartbeatMs: 1000, timers });
    const rotate = { kind: 'rotate', reason: 'max_age' } as const;
    const far = open(registry, { deadline: { at: 3500, end: rotate } });
    const near = open(registry, { deadline: { at: 400, end: { kind: 'auth', reason: 'expired' } } });
    expect(timeouts.size).toBe(1); // only `near` is due before the next beat
    advance(400);
    expect(near.closeReason).toBe('auth');
    expect(registry.closed.auth).toBe(1);
    advance(600);
    fire(); // t=1000: far is 2500 away
    expect(timeouts.size).toBe(0);
    advance(1000);
    fire(); // t=2000: 1500 away
    advance(1000);
    fire(); // t=3000: 500 away, gets its timer
    expect(timeouts.size).toBe(1);
    advance(499);
    expect(far.closed).toBe(false);
    advance(1);
    expect(far.closeReason).toBe('rotate');
    expect(registry.closed.rotate).toBe(1);
    expect(registry.size).toBe(0);
  });

  it('drops a stream’s deadline timer when it closes first', () => {
    const { timers, timeouts } = fakeTimers();
    const registry = new ConnectionRegistry({ maxConnections: 10, heartbeatMs: 1000, timers });
    const conn = open(registry, { deadline: { at: 100, end: { kind: 'rotate', reason: 'max_age' } } });
    conn.close('client_gone');
    expect(timeouts.size).toBe(0);
  });

  it('ends every stream of a revoked session at once, and only those', () => {
    const { timers } = fakeTimers();
    const registry = new ConnectionRegistry({ maxConnections: 10, heartbeatMs: 1000, timers });
    const a = open(registry, { sessionId: 's1' });
    const b = open(registry, { sessionId: 's1' });
    const other = open(registry, { sessionId: 's2' });
    const anonymous = open(registry);
    expect(registry.endSession('s1', { kind: 'auth', reason: 'revoked' })).toBe(2);
    expect([a.closeReason, b.closeReason]).toEqual(['auth', 'auth']);
    expect(other.closed || anonymous.closed).toBe(false);
  });
});
