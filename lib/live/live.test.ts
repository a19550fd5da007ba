import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectionManager } from '@/lib/client/connection';
import { createFakeEnv, settle, type FakeEnv } from '@/lib/client/testing/fake-env';
import type { WireHello, WireReset, WireSnapshot } from '@/lib/sse/payloads';
import { encodeEvent, encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import { createLive, type Live } from './live';
import { FEED_A } from '@/lib/testing/catalogue';

/** createLive end to end: a real ConnectionManager on a fake world, the real stores, frames by hand. */

const hello = (patch: Partial<WireHello> = {}) =>
  encodeRetry(1000) +
  encodeJsonEvent('hello', {
    epoch: 'ep1',
    heartbeatMs: 15_000,
    feeds: [FEED_A],
    resumed: true,
    replayed: 0,
    bus: 'memory',
    serverTime: 0,
    ...patch,
  });
const metric = (seq: number, offset: number, epoch = 'ep1') =>
  encodeJsonEvent('metric', { feed: FEED_A, seq, ts: seq * 1000, value: seq }, `${epoch}.${offset}`);
const snapshot: WireSnapshot = {
  epoch: 'ep1',
  cursor: 'ep1.2',
  windowMs: 300_000,
  feeds: { [FEED_A]: { firstSeq: 1, ts: [1000, 2000], value: [1, 2] } },
};

let fake: FakeEnv;
let frames: (() => void)[];
let live: Live;
const frame = () => frames.splice(0).forEach((callback) => callback());

beforeEach(() => {
  fake = createFakeEnv();
  frames = [];
  live = createLive({
    source: new ConnectionManager({ url: '/api/stream', env: fake.env }),
    feeds: [FEED_A],
    snapshot,
    env: fake.env,
    scheduleFrame: (callback) => frames.push(callback),
  });
});

describe('createLive', () => {
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
    stream.send(hello({ serverTime: fake.now }) + metric(3, 3) + metric(4, 4));
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
      .send(hello({ replayed: 2, serverTime: fake.now }) + metric(6, 6) + metric(7, 7));
    await settle();
    const { recovery, reconnects, connection } = live.status.getState();
    expect(connection.state).toBe('live');
    expect(reconnects).toBe(1);
    expect(recovery).toMatchObject({
      kind: 'recovered',
      message: 'Reconnected — 2.0 s of missed data filled in (2 events)',
    });
    // One outage, in server time, from the cut to going live; for the charts, the data it held
    // back: from the last point before it (seq 5) to the last one replayed (seq 7).
    expect(live.status.getState().outages).toEqual([
      {
        from: 1_000_000,
        to: 1_000_500,
        lastBefore: { [FEED_A]: 5000 },
        filled: { [FEED_A]: { from: 5000, to: 7000 } },
      },
    ]);
  });

  it('reports a resync with the history that could not be recovered', async () => {
    live.retain();
    const stream = fake.last().open();
    stream.send(hello());
    await settle();
    stream.cut();
    await settle();
    await fake.advance(live.status.getState().connection.retryAt! - fake.now);
    const reset: WireReset = {
      reason: 'epoch_changed',
      epoch: 'ep2',
      cursor: 'ep2.3',
      windowMs: 300_000,
      feeds: { [FEED_A]: { firstSeq: 1, ts: [14_000, 15_000], value: [1, 1] } },
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
      message: 'Server restarted — 12 s of data could not be recovered',
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
    expect(live.metrics.api.getState().feeds[FEED_A]?.lastSeq).toBe(5);
    expect(live.metrics.api.getState().counters.gaps).toBe(1);
  });
});

describe('createLive: a feed the page was not told about', () => {
  it('is accepted and shown, not a crash (a catalogue edited while `npm run dev` runs)', async () => {
    live.retain();
    fake
      .last()
      .open()
      .send(hello() + encodeJsonEvent('metric', { feed: 'brand_new', seq: 1, ts: 5000, value: 9 }, 'ep1.3'));
    await settle();
    frame();
    expect(live.metrics.api.getState().feeds.brand_new).toMatchObject({ lastSeq: 1, lastValue: 9, points: 1 });
    expect(live.status.getState().connection.state).toBe('live');
    expect(fake.reportedErrors).toEqual([]);
  });
});

describe('createLive: malformed events', () => {
  it('counts a malformed event as a protocol error for the inspector, and resumes to fill its hole', async () => {
    live.retain();
    const stream = fake.last().open();
    stream.send(hello() + encodeEvent({ id: 'ep1.3', event: 'metric', data: '{oops' }) + metric(4, 4));
    await settle();
    frame();
    expect(live.status.getState()).toMatchObject({
      protocolErrors: 1,
      lastProtocolError: 'malformed metric event (json): data is not JSON: "{oops"',
      connection: { state: 'reconnecting', reason: `gap in ${FEED_A}: resuming to fill it` },
    });
    // The dropped seq 3 is a hole like any other: a resume from before it was requested.
    expect(live.metrics.api.getState().counters.gaps).toBe(1);
    expect(fake.last().headers['Last-Event-ID']).toBe('ep1.2');
  });
});
