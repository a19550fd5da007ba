import { describe, expect, it } from 'vitest';
import type { WireReset } from '@/lib/sse/payloads';
import { formatDuration, recoveryMessage } from './recovery-message';

const reset: WireReset = { reason: 'cursor_evicted', epoch: 'e', cursor: 'e.1', windowMs: 1, feeds: {} };

describe('recoveryMessage', () => {
  it('says how many events came back after how long', () => {
    expect(recoveryMessage({ outageMs: 4200, replayed: 37, reset: null }, null)).toBe(
      'Back live: recovered 37 events after a 4.2 s outage',
    );
    expect(recoveryMessage({ outageMs: 900, replayed: 1, reset: null }, null)).toBe(
      'Back live: recovered 1 event after a 0.9 s outage',
    );
  });

  it('after a reset, says what could not be recovered, or that nothing was lost', () => {
    expect(recoveryMessage({ outageMs: 1, replayed: 0, reset }, { reason: 'cursor_evicted', lostMs: 12_000 })).toBe(
      'Resynced: 12.0 s of data could not be recovered',
    );
    expect(recoveryMessage({ outageMs: 1, replayed: 0, reset }, { reason: 'cursor_evicted', lostMs: 99 })).toBe(
      'Resynced from a snapshot: no data lost',
    );
    expect(recoveryMessage({ outageMs: 1, replayed: 0, reset }, null)).toBe('Resynced from a snapshot: no data lost');
  });
});

describe('formatDuration', () => {
  it('keeps a decimal under a minute, whole seconds above', () => {
    expect([formatDuration(0), formatDuration(59_940), formatDuration(125_400)]).toEqual(['0.0 s', '59.9 s', '125 s']);
  });
});
