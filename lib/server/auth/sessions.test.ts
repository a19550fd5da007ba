import { describe, expect, it } from 'vitest';
import { parseAuthConfig } from './auth-config';
import { createAuthenticator, type UserDirectory } from './authenticate';
import { Revocations } from './revocations';
import { SESSION_COOKIE } from './session-cookie';
import { createSessionService } from './sessions';

const SECRET = 'x'.repeat(40);
const users: UserDirectory = {
  lookup: (id) =>
    id === 'ops' ? { name: 'Ops', feeds: 'all' } : id === 'viewer' ? { name: 'Viewer', feeds: ['rps'] } : undefined,
};

function setup(env: Record<string, string> = {}) {
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const config = parseAuthConfig({ AUTH_SECRET: SECRET, AUTH_SESSION_TTL_S: '60', AUTH_RENEW_GRACE_S: '30', ...env });
  const revocations = new Revocations();
  const sessions = createSessionService(config, users, revocations, clock.now);
  const auth = createAuthenticator(config, users, revocations, clock.now);
  const cookie = (token: string) => new Headers({ cookie: `other=1; ${SESSION_COOKIE}=${token}` });
  return { clock, sessions, auth, cookie, revocations };
}

describe('sessions', () => {
  it('a fresh session authenticates as its user with the current scope', async () => {
    const { sessions, auth, cookie } = setup();
    const { token } = await sessions.issue('viewer');
    const result = await auth.authenticate(cookie(token));
    expect(result).toEqual({
      ok: true,
      principal: expect.objectContaining({ kind: 'user', id: 'viewer', feeds: ['rps'] }),
    });
  });

  it('denies a missing, tampered, expired or foreign-secret session with distinct reasons', async () => {
    const { sessions, auth, cookie, clock } = setup();
    const { token } = await sessions.issue('ops');
    expect(await auth.authenticate(new Headers())).toEqual({ ok: false, reason: 'session_missing' });
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await auth.authenticate(cookie(tampered))).toEqual({ ok: false, reason: 'session_invalid' });
    const other = setup({ AUTH_SECRET: 'y'.repeat(40) });
    expect(await other.auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_invalid' });
    clock.advance(61_000);
    expect(await auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_expired' });
  });

  it('renews within the grace after expiry, keeping the session id; not after', async () => {
    const { sessions, auth, cookie, clock } = setup();
    const first = await sessions.issue('ops');
    clock.advance(70_000); // expired 10 s ago, grace 30 s
    const renewed = await sessions.renew(first.token);
    expect(renewed.ok).toBe(true);
    if (!renewed.ok) return;
    expect(renewed.session.sessionId).toBe(first.sessionId);
    expect((await auth.authenticate(cookie(renewed.session.token))).ok).toBe(true);
    clock.advance(100_000); // renewed session expired 40 s ago
    expect(await sessions.renew(renewed.session.token)).toEqual({ ok: false, reason: 'session_expired' });
  });

  it('a signed-out session is denied and cannot be renewed', async () => {
    const { sessions, auth, cookie } = setup();
    const { token } = await sessions.issue('ops');
    await sessions.end(token);
    expect(await auth.authenticate(cookie(token))).toEqual({ ok: false, reason: 'session_revoked' });
    expect(await sessions.renew(token)).toEqual({ ok: false, reason: 'session_revoked' });
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
  it('fails closed in production without AUTH_SECRET, unless AUTH_MODE=off', () => {
    expect(() => parseAuthConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET is not set/);
    expect(parseAuthConfig({ NODE_ENV: 'production', AUTH_MODE: 'off' }).mode).toBe('off');
    expect(parseAuthConfig({ NODE_ENV: 'development' }).devSecret).toBe(true);
  });

  it('rejects a short secret and a bad mode, naming the variable', () => {
    expect(() => parseAuthConfig({ AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET: must be at least 32/);
    expect(() => parseAuthConfig({ AUTH_MODE: 'maybe' })).toThrow(/AUTH_MODE/);
  });
});
