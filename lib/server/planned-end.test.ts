import { describe, expect, it } from 'vitest';
import { ROTATION_JITTER, streamDeadline } from './planned-end';

describe('streamDeadline', () => {
  const base = { openedAt: 10_000, maxStreamMs: 100_000, expiresAt: null, random: () => 0 };

  it('is null when rotation is off and there is no session expiry', () => {
    expect(streamDeadline({ ...base, maxStreamMs: 0 })).toBeNull();
  });

  it('rotates after the max minus a jitter of at most 10 %', () => {
    expect(streamDeadline(base)).toEqual({ at: 110_000, end: { kind: 'rotate', reason: 'max_age' } });
    const latest = streamDeadline({ ...base, random: () => 0.999_999 });
    expect(latest?.at).toBe(Math.round(110_000 - 0.999_999 * ROTATION_JITTER * 100_000));
    expect(latest!.at).toBeGreaterThanOrEqual(100_000);
  });

  it('ends at the session expiry when that comes first, or with rotation off', () => {
    expect(streamDeadline({ ...base, expiresAt: 50_000 })).toEqual({
      at: 50_000,
      end: { kind: 'auth', reason: 'expired' },
    });
    expect(streamDeadline({ ...base, maxStreamMs: 0, expiresAt: 500_000 })?.end.kind).toBe('auth');
    expect(streamDeadline({ ...base, expiresAt: 500_000 })?.end.kind).toBe('rotate');
  });
});
