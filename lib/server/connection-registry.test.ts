import { describe, expect, it } from 'vitest';
import type { FeedName } from '@/lib/metrics/feeds';
import { ConnectionRegistry, type Timers } from './connection-registry';
import { SseConnection } from './sse-connection';
import { WebStreamSink } from './stream-sink';

function fakeTimers() {
  const active = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = {
    setInterval: (callback) => {
      active.set(next, callback);
      return next++;
    },
    clearInterval: (handle) => active.delete(handle as number),
  };
  return { timers, active, fire: () => [...active.values()].forEach((callback) => callback()) };
}

function open(registry: ConnectionRegistry): SseConnection {
  const conn = new SseConnection(
    {
      feeds: new Set<FeedName>(['cpu']),
      feedKey: 'cpu',
      maxBacklogBytes: 1 << 20,
      onClose: registry.remove,
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
});
