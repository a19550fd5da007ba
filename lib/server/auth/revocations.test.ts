import { describe, expect, it } from 'vitest';
import { Revocations } from './revocations';

describe('Revocations', () => {
  it('refuses a revoked id until its time, then forgets it', () => {
    const revocations = new Revocations(() => 0);
    revocations.revoke('s1', 1000);
    expect(revocations.isRevoked('s1', 999)).toBe(true);
    expect(revocations.isRevoked('s1', 1000)).toBe(false);
    expect(revocations.size).toBe(0);
  });

  it('a revocation may start later (a replaced token keeps a short grace)', () => {
    const revocations = new Revocations(() => 0);
    revocations.revoke('t1', 5000, 2000);
    expect(revocations.isRevoked('t1', 1999)).toBe(false);
    expect(revocations.isRevoked('t1', 2000)).toBe(true);
    expect(revocations.isRevoked('t1', 5000)).toBe(false);
  });

  it("announces this instance's revocations, not the ones it learns from elsewhere", () => {
    const revocations = new Revocations(() => 0);
    const announced: [string, number, number][] = [];
    const off = revocations.onRevoke((id, { from, until }) => announced.push([id, from, until]));
    revocations.revoke('here', 1000);
    revocations.revoke('later', 1000, 10);
    revocations.remember('elsewhere', 1000);
    expect(announced).toEqual([
      ['here', 0, 1000],
      ['later', 10, 1000],
    ]);
    expect(revocations.isRevoked('elsewhere', 0)).toBe(true);
    off();
    revocations.revoke('after', 1000);
    expect(announced).toHaveLength(2);
  });

  it('forgets nothing before its time, however many revocations follow', () => {
    let now = 0;
    const revocations = new Revocations(() => now);
    revocations.revoke('victim', 12 * 3_600_000);
    for (let i = 0; i < 150_000; i++) revocations.revoke(`flood-${i}`, 60_000 + i);
    now = 11 * 3_600_000; // the flood has expired (and is swept); the victim has not
    revocations.revoke('one-more', now + 1000);
    expect(revocations.isRevoked('victim', now)).toBe(true);
    expect(revocations.size).toBe(2);
  });
});
