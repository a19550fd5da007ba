import { describe, expect, it } from 'vitest';
import type { WireReset } from '@/lib/sse/payloads';
import { formatDuration, recoveryMessage } from './recovery-message';

const evicted: WireReset = { reason: 'cursor_evicted', epoch: 'e', cursor: 'e.1', windowMs: 1, feeds: {} };
const restarted: WireReset = { ...evicted, reason: 'epoch_changed' };

describe('recoveryMessage', () => {
  it('says how much data was held back and filled in, measured in the data, not the connection', () => {
    // 38 s of a 1 Hz feed's data replayed after the link had been known down for 0.8 s.
    expect(recoveryMessage({ outageMs: 800, replayed: 304, reset: null }, null, 38_000)).toBe(
      'Reconnected — 38 s of missed data filled in (304 events)',
    );
    expect(recoveryMessage({ outageMs: 5000, replayed: 1, reset: null }, null, 900)).toBe(
      'Reconnected — 0.9 s of missed data filled in (1 event)',
    );
  });

  it('says nothing was missed when nothing was replayed, and only the count when no stretch was measured', () => {
    expect(recoveryMessage({ outageMs: 700, replayed: 0, reset: null }, null, 0)).toBe(
      'Reconnected — no data was missed',
    );
    expect(recoveryMessage({ outageMs: 700, replayed: 8, reset: null }, null, 0)).toBe(
      'Reconnected — missed data filled in (8 events)',
    );
  });

  it('after a server restart, says so and what could not be recovered', () => {
    expect(
      recoveryMessage({ outageMs: 1, replayed: 0, reset: restarted }, { reason: 'epoch_changed', lostMs: 12_000 }, 0),
    ).toBe('Server restarted — 12 s of data could not be recovered');
    expect(
      recoveryMessage({ outageMs: 1, replayed: 0, reset: restarted }, { reason: 'epoch_changed', lostMs: 50 }, 0),
    ).toBe('Server restarted — caught up from a snapshot, no data lost');
    // Without the store's measure, the wire reset's reason still names the cause.
    expect(recoveryMessage({ outageMs: 1, replayed: 0, reset: restarted }, null, 0)).toBe(
      'Server restarted — caught up from a snapshot, no data lost',
    );
  });

  it('after history ran out, says what could not be recovered, or that nothing was lost', () => {
    expect(
      recoveryMessage({ outageMs: 1, replayed: 0, reset: evicted }, { reason: 'cursor_evicted', lostMs: 4_500 }, 0),
    ).toBe('Reconnected — 4.5 s of data could not be recovered');
    expect(
      recoveryMessage({ outageMs: 1, replayed: 0, reset: evicted }, { reason: 'cursor_evicted', lostMs: 99 }, 0),
    ).toBe('Reconnected — caught up from a snapshot, no data lost');
  });

  it('never speaks protocol', () => {
    const all = [
      recoveryMessage({ outageMs: 4200, replayed: 3, reset: null }, null, 3000),
      recoveryMessage({ outageMs: 1, replayed: 0, reset: evicted }, { reason: 'cursor_evicted', lostMs: 12_000 }, 0),
      recoveryMessage({ outageMs: 1, replayed: 0, reset: restarted }, { reason: 'epoch_changed', lostMs: 12_000 }, 0),
    ];
    for (const message of all) expect(message).not.toMatch(/resync|epoch|cursor|replay|snapshot:/i);
  });
});

describe('formatDuration', () => {
  it('keeps a decimal under 10 s, whole seconds above', () => {
    expect([0, 9_940, 12_100, 59_940, 125_400].map(formatDuration)).toEqual([
      '0.0 s',
      '9.9 s',
      '12 s',
      '60 s',
      '125 s',
    ]);
  });
});
