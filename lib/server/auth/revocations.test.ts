import { describe, expect, it } from 'vitest';
import { Revocations } from './revocations';

describe('Revocations', () => {
  it('refuses a revoked session until its time, then forgets it', () => {
    const revocations = new Revocations();
    revocations.revoke('s1', 1000);
    expect(revocations.isRevoked('s1', 999)).toBe(true);
    expect(revocations.isRevoked('s1', 1000)).toBe(false);
    expect(revocations.size).toBe(0);
  });

  it("announces this instance's sign-outs, not the ones it learns from elsewhere", () => {
    const revocations = new Revocations();
    const announced: string[] = [];
    const off = revocations.onRevoke((sessionId) => announced.push(sessionId));
    revocations.revoke('here', 1000);
    revocations.remember('elsewhere', 1000);
    expect(announced).toEqual(['here']);
    expect(revocations.isRevoked('elsewhere', 0)).toBe(true);
    off();
    revocations.revoke('after', 1000);
    expect(announced).toEqual(['here']);
  });

  it('forgets the oldest first past its bound', () => {
    const revocations = new Revocations(2);
    ['a', 'b', 'c'].forEach((id) => revocations.revoke(id, 1000));
    expect(['a', 'b', 'c'].map((id) => revocations.isRevoked(id, 0))).toEqual([false, true, true]);
  });
});
