import { beforeEach } from 'vitest';
import type { ProtocolError } from '@/lib/sse/decode';
import type { WireHello, WireMetric, WireReset } from '@/lib/sse/payloads';
import { encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import { ConnectionManager, type ConnectionOptions } from '../connection';
import type { ConnectionStatus, Transition } from '../connection-status';
import type { Recovery, StreamListener } from '../stream-source';
import { createFakeEnv, settle, type FakeEnv, type FakeStream } from './fake-env';
import { FEED_A } from '@/lib/testing/catalogue';

/**
 * Test-only: a ConnectionManager wired to a fake world and a recording listener, fresh for every
 * test of the file that calls `connectionHarness()`. The listener applies events like the store
 * does, so the resume cursor is always the last event received.
 */

export const HEARTBEAT = 1000;

export const hello = (patch: Partial<WireHello> = {}) =>
  encodeRetry(1000) +
  encodeJsonEvent('hello', {
    epoch: 'ep1',
    heartbeatMs: HEARTBEAT,
    feeds: [FEED_A],
    resumed: false,
    replayed: 0,
    bus: 'memory',
    serverTime: 0,
    ...patch,
  });
export const metric = (seq: number, epoch = 'ep1') =>
  encodeJsonEvent('metric', { feed: FEED_A, seq, ts: seq, value: seq }, `${epoch}.${seq}`);
export const reset: WireReset = {
  reason: 'epoch_changed',
  epoch: 'ep2',
  cursor: 'ep2.8',
  windowMs: 1000,
  feeds: { [FEED_A]: { firstSeq: 1, ts: [1], value: [1] } },
};

export interface ConnectionHarness {
  fake: FakeEnv;
  manager: ConnectionManager;
  transitions: Transition[];
  metrics: { event: WireMetric; cursor: string }[];
  resets: WireReset[];
  recoveries: Recovery[];
  protocolErrors: ProtocolError[];
  listener: StreamListener;
  cursor: string | null;
  create(options?: Partial<ConnectionOptions>): ConnectionManager;
  /** Creates and starts a manager delivering to `listener`. */
  start(options?: Partial<ConnectionOptions>): ConnectionManager;
  /** Starts, answers the first request with hello, and returns the open stream. */
  startLive(): Promise<FakeStream>;
  state(): ConnectionStatus['state'];
  status(): ConnectionStatus;
}

export function connectionHarness(): ConnectionHarness {
  const h = {} as ConnectionHarness;
  beforeEach(() => {
    Object.assign(h, {
      fake: createFakeEnv(),
      transitions: [],
      metrics: [],
      resets: [],
      recoveries: [],
      protocolErrors: [],
      cursor: null,
      listener: {
        resumeCursor: () => h.cursor,
        onHello: () => {},
        onMetric: (event, c) => {
          h.metrics.push({ event, cursor: c });
          h.cursor = c;
        },
        onReset: (r) => {
          h.resets.push(r);
          h.cursor = r.cursor;
        },
        onStatus: (_s, t) => t && h.transitions.push(t),
        onRecovered: (r) => h.recoveries.push(r),
        onProtocolError: (e) => h.protocolErrors.push(e),
      },
      create(options: Partial<ConnectionOptions> = {}) {
        h.manager = new ConnectionManager({ url: '/api/stream', env: h.fake.env, ...options });
        return h.manager;
      },
      start(options: Partial<ConnectionOptions> = {}) {
        const manager = h.create(options);
        manager.start(h.listener);
        return manager;
      },
      async startLive() {
        h.start();
        const stream = h.fake.last().open();
        stream.send(hello());
        await settle();
        return stream;
      },
      state: () => h.manager.getStatus().state,
      status: () => h.manager.getStatus(),
    } satisfies Omit<ConnectionHarness, 'manager'>);
  });
  return h;
}
