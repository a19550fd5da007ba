import { describe, expect, it } from 'vitest';
import type { WireReset } from '@/lib/sse/payloads';
import { RecoveryTracker } from './recovery-tracker';

const reset: WireReset = { reason: 'epoch_changed', epoch: 'ep2', cursor: 'ep2.1', windowMs: 1000, feeds: {} };

describe('RecoveryTracker', () => {
  it('reports nothing when going live without an outage (the first connect)', () => {
    const tracker = new RecoveryTracker();
    tracker.helloReceived(0);
    expect(tracker.inOutage).toBe(false);
    expect(tracker.wentLive(100)).toBeNull();
  });

  it('measures the outage from the first loss, and reports what the last attempt replayed', () => {
    const tracker = new RecoveryTracker();
    tracker.streamLost(1000);
    tracker.streamLost(1500); // a failed retry within the same outage
    tracker.attemptStarted();
    tracker.helloReceived(7);
    expect(tracker.inOutage).toBe(true);
    expect(tracker.wentLive(4200)).toBeNull();
    // Reported after the 7th replayed event, so the replay is applied when the toast measures it.
    for (let i = 0; i < 6; i += 1) expect(tracker.metricDelivered()).toBeNull();
    expect(tracker.inOutage).toBe(true);
    expect(tracker.metricDelivered()).toEqual({ outageMs: 3200, replayed: 7, reset: null });
    expect(tracker.inOutage).toBe(false);
    expect(tracker.metricDelivered()).toBeNull();
    expect(tracker.wentLive(5000)).toBeNull();
  });

  it('reports at once when nothing was replayed', () => {
    const tracker = new RecoveryTracker();
    tracker.streamLost(1000);
    tracker.attemptStarted();
    tracker.helloReceived(0);
    expect(tracker.wentLive(1200)).toEqual({ outageMs: 200, replayed: 0, reset: null });
  });

  it('a stream lost during its replay continues the same outage', () => {
    const tracker = new RecoveryTracker();
    tracker.streamLost(1000);
    tracker.attemptStarted();
    tracker.helloReceived(3);
    expect(tracker.wentLive(2000)).toBeNull();
    tracker.metricDelivered();
    tracker.streamLost(2100);
    expect(tracker.metricDelivered()).toBeNull();
    tracker.attemptStarted();
    tracker.helloReceived(2);
    expect(tracker.wentLive(3000)).toBeNull();
    tracker.metricDelivered();
    expect(tracker.metricDelivered()).toEqual({ outageMs: 2000, replayed: 2, reset: null });
  });

  it('reports a reset, and forgets what an earlier attempt said', () => {
    const tracker = new RecoveryTracker();
    tracker.streamLost(0);
    tracker.helloReceived(5);
    tracker.resetReceived(reset);
    tracker.attemptStarted(); // that attempt broke before going live
    tracker.helloReceived(2);
    expect(tracker.wentLive(10)).toBeNull();
    tracker.metricDelivered();
    expect(tracker.metricDelivered()).toEqual({ outageMs: 10, replayed: 2, reset: null });

    tracker.streamLost(20);
    tracker.attemptStarted();
    tracker.helloReceived(0);
    tracker.resetReceived(reset);
    expect(tracker.wentLive(30)).toEqual({ outageMs: 10, replayed: 0, reset });
  });
});
