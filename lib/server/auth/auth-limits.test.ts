import { describe, expect, it } from 'vitest';
import { parseAuthConfig } from './auth-config';
import { createAuthLimits } from './auth-limits';

const config = parseAuthConfig(
  { AUTH_SECRET: 'unit-test-secret-Xq3vN8pL2mK7wR4tY9bZ', AUTH_RATE_BURST: '2', AUTH_RATE_PER_MIN: '1' },
  { devServer: false },
);
// A stand-in for the session service: the cookie value is the session id, `bad` is no session.
const limits = createAuthLimits(config, {
  sessionOf: (token) => Promise.resolve(token && token !== 'bad' ? token : null),
});
const from = (ip: string, session?: string) =>
  new Headers({ 'x-forwarded-for': ip, ...(session ? { cookie: `rtd_session=${session}` } : {}) });

describe('auth limits', () => {
  it('sign-in counts per address; renewal and sign-out per session, else per address', async () => {
    expect([limits.signIn(from('10.0.0.1')).ok, limits.signIn(from('10.0.0.1')).ok]).toEqual([true, true]);
    expect(limits.signIn(from('10.0.0.1'))).toMatchObject({ ok: false });
    expect(limits.signIn(from('10.0.0.2')).ok).toBe(true);
    // The address is spent, its sessions are not.
    for (let i = 0; i < 5; i++) expect((await limits.sessionWrite(from('10.0.0.1', 's1'))).ok).toBe(true);
    expect(await limits.sessionWrite(from('10.0.0.1', 's1'))).toMatchObject({ ok: false });
    expect((await limits.sessionWrite(from('10.0.0.1', 's2'))).ok).toBe(true);
    // No valid session: the address's budget.
    expect(await limits.sessionWrite(from('10.0.0.1', 'bad'))).toMatchObject({ ok: false });
  });
});
