import { describe, expect, it } from 'vitest';
import { DEV_ONLY_SECRET, parseAuthConfig } from './auth-config';
import { createAuthenticator } from './authenticate';
import { Revocations } from './revocations';
import { SESSION_COOKIE } from './session-cookie';
import { createSessionService } from './sessions';
import type { UserDirectory } from './user-directory';
import { FEED_B } from '@/lib/testing/catalogue';

const SECRET = 'unit-test-secret-Xq3vN8pL2mK7wR4tY9bZ';
const users: Pick<UserDirectory, 'lookup'> = {
  lookup: (id) =>
    id === 'all-feeds-user'
      ? { id, name: 'All feeds', feeds: 'all' }
      : id === 'scoped-user'
        ? { id, name: 'Scoped', feeds: [FEED_B] }
        : undefined,
};
const prod = { devServer: false };

function setup(env: Record<string, string> = {}) {
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const config = parseAuthConfig(
    {
      AUTH_SECRET: SECRET,
      AUTH_SESSION_TTL_S: '60',
      AUTH_RENEW_GRACE_S: '30',
      AUTH_SESSION_MAX_AGE_S: '300',
      AUTH_ROTATION_GRACE_S: '5',
      ...env,
    },
    prod,
  );
  const revocations = new Revocations(clock.now);
  const sessions = createSessionService(config, users, revocations, clock.now);
  const auth = createAuthenticator(config, users, revocations, clock.now);
  const cookie = (token: string) => new Headers({ cookie: `other=1; ${SESSION_COOKIE}=${token}` });
  const renewed = async (token: string) => {
    const result = await sessions.renew(token);
    if (!result.ok) throw new Error(`renewal refused: ${result.reason}`);
    return result.session;
  };
  return { clock, sessions, auth, cookie, revocations, renewed };
}

describe('sessions', () => {
  it('a fresh session authenticates as its user with the current scope', async () => {
    const { sessions, auth, cookie } = setup();
    const { token } = await sessions.issue('scoped-user');
    const result = await auth.authenticate(cookie(token));
    expect(result).toEqual({
      ok: true,
      principal: expect.objectContaining({ kind: 'user', id: 'scoped-user', feeds: [FEED_B], shared: false }),
    });
  });

  it('denies a missing, tampered, expired or foreign-secret session with distinct reasons', async () => {
    const { sessions, auth, cookie, clock } = setup();
    const { token } = await sessions.issue('all-feeds-user');
    expect(await auth.authenticate(new Headers())).toEqual({ ok: false, reason: 'session_missing' });
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await auth.authenticate(cookie(tampered))).toEqual({ ok: false, reason: 'session_invalid' });
    const other = setup({ AUTH_SECRET: 'another-unit-test-secret-7hG2kP9wQ4' });
    expect(await other.auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_invalid' });
    clock.advance(61_000);
    expect(await auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_expired' });
  });

  it('renews within the grace after expiry, keeping the session id; not after', async () => {
    const { sessions, auth, cookie, clock, renewed } = setup();
    const first = await sessions.issue('all-feeds-user');
    clock.advance(70_000); // expired 10 s ago, grace 30 s
    const next = await renewed(first.token);
    expect(next.sessionId).toBe(first.sessionId);
    expect((await auth.authenticate(cookie(next.token))).ok).toBe(true);
    clock.advance(100_000); // renewed token expired 40 s ago
    expect(await sessions.renew(next.token)).toEqual({ ok: false, reason: 'session_expired' });
  });

  it('rotates: the replaced token works for the grace only, and cannot be renewed after it', async () => {
    const { sessions, auth, cookie, clock, renewed } = setup();
    const first = await sessions.issue('all-feeds-user');
    clock.advance(10_000);
    const second = await renewed(first.token);
    expect(second.token).not.toBe(first.token);
    clock.advance(4_000); // within the 5 s grace: a request in flight with the old cookie still passes
    expect((await auth.authenticate(cookie(first.token))).ok).toBe(true);
    clock.advance(1_000);
    expect(await auth.authenticate(cookie(first.token))).toEqual({ ok: false, reason: 'session_revoked' });
    expect(await sessions.renew(first.token)).toEqual({ ok: false, reason: 'session_revoked' });
    expect((await auth.authenticate(cookie(second.token))).ok).toBe(true);
  });

  it('has an absolute lifetime that no renewal extends', async () => {
    const { sessions, auth, cookie, clock, renewed } = setup();
    const start = clock.now();
    let token = (await sessions.issue('all-feeds-user')).token;
    // Renew every 50 s: tokens live 60 s, but none past start + 300 s.
    for (let i = 0; i < 5; i++) {
      clock.advance(50_000);
      const next = await renewed(token);
      expect(next.expiresAt).toBeLessThanOrEqual(start + 300_000);
      token = next.token;
    }
    clock.advance(50_000); // 300 s after sign-in
    expect(await auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_expired' });
    expect(await sessions.renew(token)).toEqual({ ok: false, reason: 'session_expired' });
  });

  it('a signed-out session is denied and cannot be renewed, whichever of its tokens is shown', async () => {
    const { sessions, auth, cookie, clock, renewed, revocations } = setup();
    const start = clock.now();
    const first = await sessions.issue('all-feeds-user');
    const second = await renewed(first.token);
    expect(await sessions.end(second.token)).toBe(first.sessionId);
    for (const { token } of [first, second]) {
      expect(await auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_revoked' });
      expect(await sessions.renew(token)).toEqual({ ok: false, reason: 'session_revoked' });
    }
    // Remembered exactly until the session's absolute end, when every token of it is dead anyway.
    expect(revocations.isRevoked(first.sessionId, start + 299_999)).toBe(true);
    expect(revocations.isRevoked(first.sessionId, start + 300_000)).toBe(false);
  });

  it('a user removed from the directory cannot authenticate or renew', async () => {
    const { sessions, auth, cookie } = setup();
    const { token } = await sessions.issue('ghost');
    expect(await auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_invalid' });
    expect(await sessions.renew(token)).toEqual({ ok: false, reason: 'session_invalid' });
  });

  it('AUTH_MODE=off gives the public principal without a cookie', async () => {
    const { auth } = setup({ AUTH_MODE: 'off' });
    expect(await auth.authenticate(new Headers())).toEqual({
      ok: true,
      principal: expect.objectContaining({ kind: 'public', feeds: 'all' }),
    });
  });
});

describe('auth config', () => {
  it('only the dev server may run without AUTH_SECRET, whatever NODE_ENV says', () => {
    for (const NODE_ENV of ['production', 'test', 'staging', 'development', undefined]) {
      expect(() => parseAuthConfig({ NODE_ENV }, prod)).toThrow(/AUTH_SECRET is not set/);
    }
    expect(parseAuthConfig({ NODE_ENV: 'production', AUTH_MODE: 'off' }, prod).mode).toBe('off');
    expect(parseAuthConfig({ NODE_ENV: 'production' }, { devServer: true })).toMatchObject({
      devSecret: true,
      secret: DEV_ONLY_SECRET,
    });
  });

  it('refuses the published dev secret and guessable secrets everywhere, naming the variable', () => {
    for (const devServer of [false, true]) {
      for (const secret of [DEV_ONLY_SECRET, 'a'.repeat(32), 'password'.repeat(4), '0123456789abcdef'.repeat(2)]) {
        expect(() => parseAuthConfig({ AUTH_SECRET: secret }, { devServer })).toThrow(/AUTH_SECRET: /);
      }
    }
    expect(() => parseAuthConfig({ AUTH_SECRET: 'short' }, prod)).toThrow(/AUTH_SECRET: must be at least 32/);
    expect(() => parseAuthConfig({ AUTH_MODE: 'maybe', AUTH_SECRET: SECRET }, prod)).toThrow(/AUTH_MODE/);
    expect(parseAuthConfig({ AUTH_SECRET: SECRET }, prod).devSecret).toBe(false);
  });
});
