import { beforeEach, describe, expect, it } from 'vitest';
import type { HelloData, ResetData, Snapshot } from '@/lib/metrics/events';
import { encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import { createLiveMetrics, recoveryMessage, type LiveMetrics } from './live-metrics';
import { createFakeEnv, settle, type FakeEnv } from './testing/fake-env';

const hello = (patch: Partial<HelloData> = {}) =>
  encodeRetry(1000) +
  encodeJsonEvent('hello', {
    epoch: 'ep1',
    heartbeatMs: 15_000,
    feeds: ['cpu'],
    resumed: true,
    replayed: 0,
    bus: 'memory',
    serverTime: 0,
    ...patch,
  });
const metric = (seq: number, offset: number, epoch = 'ep1') =>
  encodeJsonEvent('metric', { feed: 'cpu', seq, ts: seq * 1000, value: seq }, `${epoch}.${offset}`);
const snapshot: Snapshot = {
  epoch: 'ep1',
  cursor: 'ep1.2',
  windowMs: 300_000,
  feeds: { cpu: { firstSeq: 1, ts: [1000, 2000], value: [1, 2] } },
};

let fake: FakeEnv;
let frames: (() => void)[];
let live: LiveMetrics;
const frame = () => frames.splice(0).forEach((callback) => callback());

beforeEach(() => {
  fake = createFakeEnv();
  frames = [];
  live = createLiveMetrics({
    feeds: ['cpu'],
    snapshot,
    env: fake.env,
    scheduleFrame: (callback) => frames.push(callback),
  });
});

describe('createLiveMetrics', () => {
  it('opens one stream however often it is retained, and resumes from the snapshot cursor', async () => {
    // React StrictMode in dev: effect, cleanup, effect.
    const release = live.retain();
    release();
    const releaseAgain = live.retain();
    await fake.advance(10);
    expect(fake.requests).toHaveLength(1);
    expect(fake.last().url).toBe('/api/stream?lastEventId=ep1.2');
    releaseAgain();
    await fake.advance(10);
    expect(fake.last().aborted).toBe(true);
  });

  it('commits events once per frame and resumes from the last applied event after a cut', async () => {
    live.retain();
    const stream = fake.last().open();
    stream.send(hello() + metric(3, 3) + metric(4, 4));
    await settle();
    expect(live.metrics.api.getState().counters.eventsApplied).toBe(0);
    frame();
    expect(live.metrics.api.getState().counters.eventsApplied).toBe(2);
    stream.send(metric(5, 5));
    await settle();
    stream.cut();
    await settle();
    expect(live.status.getState().connection.state).toBe('reconnecting');
    await fake.advance(live.status.getState().connection.retryAt! - fake.now);
    // The buffered event 5 was committed before the cursor was read.
    expect(fake.last().headers['Last-Event-ID']).toBe('ep1.5');
    fake
      .last()
      .open()
      .send(hello({ replayed: 2 }) + metric(6, 6) + metric(7, 7));
    await settle();
    const { recovery, reconnects, connection } = live.status.getState();
    expect(connection.state).toBe('live');
    expect(reconnects).toBe(1);
    expect(recovery).toMatchObject({
      kind: 'recovered',
      message: 'Back live: recovered 2 events after a 0.5 s outage',
    });
    expect(live.metrics.api.getState().outages).toHaveLength(1);
    expect(live.metrics.api.getState().outages[0]?.to).not.toBeNull();
  });

  it('reports a resync with the history that could not be recovered', async () => {
    live.retain();
    const stream = fake.last().open();
    stream.send(hello());
    await settle();
    stream.cut();
    await settle();
    await fake.advance(live.status.getState().connection.retryAt! - fake.now);
    const reset: ResetData = {
      reason: 'epoch_changed',
      epoch: 'ep2',
      cursor: 'ep2.3',
      windowMs: 300_000,
      feeds: { cpu: { firstSeq: 1, ts: [14_000, 15_000], value: [1, 1] } },
    };
    const next = fake.last().open();
    next.send(hello({ epoch: 'ep2', resumed: false }) + encodeJsonEvent('reset', reset, reset.cursor));
    await settle();
    expect(live.status.getState().connection.state).toBe('resyncing');
    expect(live.metrics.api.getState().counters.resets).toBe(1);
    next.send(metric(3, 4, 'ep2'));
    await settle();
    expect(live.status.getState().connection.state).toBe('live');
    expect(live.status.getState().recovery).toMatchObject({
      kind: 'resynced',
      message: 'Resynced: 12.0 s of data could not be recovered',
    });
  });

  it('resumes from before a hole when a feed skips a seq', async () => {
    live.retain();
    const stream = fake.last().open();
    stream.send(hello() + metric(3, 3) + metric(5, 5));
    await settle();
    frame();
    expect(live.metrics.api.getState().counters.gaps).toBe(1);
    // The gap triggered a reconnect from the cursor of seq 3.
    expect(fake.requests).toHaveLength(2);
    expect(fake.last().headers['Last-Event-ID']).toBe('ep1.3');
    fake
      .last()
      .open()
      .send(hello({ replayed: 2 }) + metric(4, 4) + metric(5, 5));
    await settle();
    frame();
    expect(live.metrics.api.getState().feeds.cpu.lastSeq).toBe(5);
    expect(live.metrics.api.getState().counters.gaps).toBe(1);
  });
});

describe('recoveryMessage', () => {
  it('says what happened in words', () => {
    expect(recoveryMessage({ outageMs: 4200, replayed: 37, reset: null }, null)).toBe(
      'Back live: recovered 37 events after a 4.2 s outage',
    );
    expect(recoveryMessage({ outageMs: 900, replayed: 1, reset: null }, null)).toBe(
      'Back live: recovered 1 event after a 0.9 s outage',
    );
    const reset = {} as ResetData;
    expect(recoveryMessage({ outageMs: 1, replayed: 0, reset }, { reason: 'cursor_evicted', lostMs: 12_000 })).toBe(
      'Resynced: 12.0 s of data could not be recovered',
    );
    expect(recoveryMessage({ outageMs: 1, replayed: 0, reset }, { reason: 'cursor_evicted', lostMs: 0 })).toBe(
      'Resynced from a snapshot: no data lost',
    );
  });
});
