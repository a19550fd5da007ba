import { beforeEach } from 'vitest';
import type { HelloData, MetricEvent, ResetData } from '@/lib/metrics/events';
import { encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import {
  ConnectionManager,
  type ConnectionOptions,
  type ConnectionStatus,
  type Recovery,
  type Transition,
} from '../connection';
import { createFakeEnv, settle, type FakeEnv, type FakeStream } from './fake-env';

/**
 * Test-only: a ConnectionManager wired to a fake world and a recording sink, fresh for every
 * test of the file that calls `connectionHarness()`. The sink applies events like the store
 * does, so the resume cursor is always the last event received.
 */

export const HEARTBEAT = 1000;

export const hello = (patch: Partial<HelloData> = {}) =>
  encodeRetry(1000) +
  encodeJsonEvent('hello', {
    epoch: 'ep1',
    heartbeatMs: HEARTBEAT,
    feeds: ['cpu'],
    resumed: false,
    replayed: 0,
    bus: 'memory',
    serverTime: 0,
    ...patch,
  });
export const metric = (seq: number, epoch = 'ep1') =>
  encodeJsonEvent('metric', { feed: 'cpu', seq, ts: seq, value: seq }, `${epoch}.${seq}`);
export const reset: ResetData = {
  reason: 'epoch_changed',
  epoch: 'ep2',
  cursor: 'ep2.8',
  windowMs: 1000,
  feeds: { cpu: { firstSeq: 1, ts: [1], value: [1] } },
};

export interface ConnectionHarness {
  fake: FakeEnv;
  manager: ConnectionManager;
  transitions: Transition[];
  metrics: { event: MetricEvent; cursor: string }[];
  resets: ResetData[];
  recoveries: Recovery[];
  cursor: string | null;
  create(options?: Partial<ConnectionOptions>): ConnectionManager;
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
      cursor: null,
      create(options: Partial<ConnectionOptions> = {}) {
        h.manager = new ConnectionManager({
          url: '/api/stream',
          env: h.fake.env,
          sink: {
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
          },
          ...options,
        });
        return h.manager;
      },
      async startLive() {
        h.create().start();
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
