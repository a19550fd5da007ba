import { describe, expect, it, vi } from 'vitest';
import { initialStatus, type ConnectionState, type ConnectionStatus } from '@/lib/client/connection-status';
import type { StreamListener, StreamSource } from '@/lib/client/stream-source';
import { ProtocolError } from '@/lib/sse/decode';
import type { WireReset } from '@/lib/sse/payloads';
import { createMetricsStore } from '@/lib/store/metrics-store';
import { createBinding } from './binding';
import { createStatusStore, MAX_TRANSITIONS } from './status-store';
import { FEED_A } from '@/lib/testing/catalogue';

/** The binding alone, with a hand-driven source: what goes where, and what goes back up. */

function setup() {
  let now = 10_000;
  const frames: (() => void)[] = [];
  const source = { start: vi.fn(), stop: vi.fn(), reconnectNow: vi.fn() } satisfies StreamSource;
  const metrics = createMetricsStore({
    feeds: [FEED_A],
    snapshot: {
      epoch: 'ep1',
      cursor: 'ep1.2',
      windowMs: 60_000,
      feeds: { [FEED_A]: { firstSeq: 1, ts: [1, 2], value: [1, 2] } },
    },
    now: () => now,
  });
  const status = createStatusStore(now);
  const binding = createBinding({
    source,
    metrics,
    status,
    env: { now: () => now },
    scheduleFrame: (callback) => frames.push(callback),
  });
  let current: ConnectionStatus = initialStatus(now);
  const transition = (to: ConnectionState, reason = 'test') => {
    const from = current.state;
    current = { ...current, state: to, reason };
    binding.listener.onStatus(current, { from, to, reason, at: now });
  };
  const metric = (seq: number) => binding.listener.onMetric({ feed: FEED_A, seq, ts: seq, value: seq }, `ep1.${seq}`);
  return {
    source,
    metrics,
    status,
    listener: binding.listener as StreamListener,
    binding,
    frame: () => frames.splice(0).forEach((callback) => callback()),
    frames,
    transition,
    metric,
    advance: (ms: number) => void (now += ms),
  };
}

describe('createBinding', () => {
  it('buffers metrics until the frame; reading the resume cursor is a pure read', () => {
    const t = setup();
    t.metric(3);
    t.metric(4);
    expect(t.listener.resumeCursor()).toBe('ep1.2');
    expect(t.metrics.api.getState().counters.eventsApplied).toBe(0);
    t.frame();
    expect(t.metrics.api.getState().counters.eventsApplied).toBe(2);
    expect(t.listener.resumeCursor()).toBe('ep1.4');
  });

  it('commits what the old stream delivered on every transition, before a reconnect reads the cursor', () => {
    const t = setup();
    t.transition('live');
    t.metric(3);
    t.transition('reconnecting', 'cut');
    expect(t.metrics.api.getState().counters.eventsApplied).toBe(1);
    expect(t.listener.resumeCursor()).toBe('ep1.3');
  });

  it('asks the source for a resume when a commit finds a new gap, once per gap', () => {
    const t = setup();
    t.metric(4);
    t.frame();
    expect(t.source.reconnectNow).toHaveBeenCalledWith({ kind: 'gap', feed: FEED_A });
    t.metric(5);
    t.frame();
    expect(t.source.reconnectNow).toHaveBeenCalledTimes(1);
  });

  it('gives up a hole that the resume did not fill: the feed advances, the loss is counted and kept', () => {
    const t = setup();
    t.transition('live');
    t.metric(4);
    t.frame();
    expect(t.source.reconnectNow).toHaveBeenCalledTimes(1);
    // The resume replays from before the hole, but seq 3 is gone from the server (never sent again).
    t.transition('reconnecting', 'gap');
    expect(t.listener.resumeCursor()).toBe('ep1.2');
    t.transition('live', 'resumed');
    t.metric(4);
    t.metric(5);
    t.frame();
    t.metric(6);
    t.frame();
    const state = t.metrics.api.getState();
    expect(state.feeds[FEED_A]?.lastSeq).toBe(6);
    expect(state.counters).toMatchObject({ gaps: 1, lost: 1 });
    expect(state.lostSpans).toEqual([{ feed: FEED_A, from: 2, to: 4, points: 1 }]);
    expect(t.listener.resumeCursor()).toBe('ep1.6');
    expect(t.source.reconnectNow).toHaveBeenCalledTimes(1);
  });

  it('applies a reset at once, and words the recovery from what the store measured', () => {
    const t = setup();
    const reset: WireReset = {
      reason: 'epoch_changed',
      epoch: 'ep2',
      cursor: 'ep2.1',
      windowMs: 60_000,
      feeds: { [FEED_A]: { firstSeq: 1, ts: [5002], value: [1] } },
    };
    t.listener.onReset(reset);
    expect(t.metrics.api.getState().counters.resets).toBe(1);
    t.listener.onRecovered({ outageMs: 5000, replayed: 0, reset });
    expect(t.status.getState().recovery).toEqual({
      id: 1,
      kind: 'resynced',
      message: 'Server restarted — 5.0 s of data could not be recovered',
      at: 10_000,
    });
  });

  it('measures what a recovery filled in from the data, per feed, and marks it for the charts', () => {
    const t = setup();
    const at = (seq: number) => t.listener.onMetric({ feed: FEED_A, seq, ts: seq * 1000, value: seq }, `ep1.${seq}`);
    t.transition('live');
    at(3);
    // The link went silent after seq 3; the stall is noticed later, the stream comes back later still.
    t.advance(3000);
    t.transition('stale', 'no bytes for 3.0 s');
    t.advance(30_000);
    t.transition('live', 'resumed, 35 event(s) replayed');
    // The source reports the recovery once the replay (seq 4 … 38) was handed on, before a frame.
    for (let seq = 4; seq <= 38; seq += 1) at(seq);
    t.listener.onRecovered({ outageMs: 30_000, replayed: 35, reset: null });
    expect(t.status.getState().recovery).toMatchObject({
      kind: 'recovered',
      message: 'Reconnected — 35 s of missed data filled in (35 events)',
    });
    expect(t.status.getState().outages).toEqual([
      { from: 13_000, to: 43_000, lastBefore: { [FEED_A]: 3000 }, filled: { [FEED_A]: { from: 3000, to: 38_000 } } },
    ]);
  });

  it('keeps the status, the last transitions, outages in server time, and the clock offset', () => {
    const t = setup();
    t.listener.onHello({
      epoch: 'ep1',
      heartbeatMs: 1000,
      feeds: [FEED_A],
      resumed: false,
      replayed: 0,
      bus: 'memory',
      serverTime: 10_250,
    });
    t.transition('live');
    t.transition('reconnecting');
    t.advance(1000);
    t.transition('live');
    const state = t.status.getState();
    expect(state.clockOffsetMs).toBe(250);
    expect(state.connection.state).toBe('live');
    expect(state.transitions.map((x) => x.to)).toEqual(['live', 'reconnecting', 'live']);
    expect(state.outages).toEqual([{ from: 10_250, to: 11_250, lastBefore: { [FEED_A]: 2 }, filled: {} }]);
    for (let i = 0; i < 40; i += 1) t.transition(i % 2 ? 'live' : 'stale');
    expect(t.status.getState().transitions).toHaveLength(MAX_TRANSITIONS);
  });

  it('counts protocol errors for the inspector', () => {
    const t = setup();
    t.listener.onProtocolError(new ProtocolError('metric', 'json', 'data is not JSON: "x"'));
    expect(t.status.getState()).toMatchObject({
      protocolErrors: 1,
      lastProtocolError: 'malformed metric event (json): data is not JSON: "x"',
    });
  });

  it('passes the user\'s "Reconnect now" up with a reason', () => {
    const t = setup();
    t.binding.reconnectNow();
    expect(t.source.reconnectNow).toHaveBeenCalledWith({ kind: 'user' });
  });
});
