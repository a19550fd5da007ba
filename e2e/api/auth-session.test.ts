import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { feedsOf, LIMITED_FEEDS, TEST_USERS, type TestUserRole } from '../fixtures/test-config';

/**
 * The session routes against `next start`: sign in (JSON and no-JS form), who-am-I, renewal,
 * sign-out with revocation, and the cross-origin guard. The streams' use of the session is
 * tested where the stream is.
 */

const SECRET = 'integration-test-secret-0123456789abcdef';

describe('session routes', () => {
  let server: NextServer;
  beforeAll(async () => {
    server = await startNextServer({ env: { AUTH_SECRET: SECRET, AUTH_SESSION_TTL_S: '60' } });
  });
  afterAll(() => server?.stop('SIGKILL'));

  const signIn = (who: TestUserRole | Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(typeof who === 'string' ? TEST_USERS[who].credentials : who),
    });
  const cookieOf = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const me = (cookie: string) => fetch(`${server.url}/api/auth/session`, { headers: { cookie } });

  it('signs in a demo user with an httpOnly, SameSite=Lax cookie and reports its scope', async () => {
    const response = await signIn('limited');
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^rtd_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const body = (await (await me(cookieOf(response))).json()) as { user: { id: string }; feeds: string[] };
    expect(body.user.id).toBe(TEST_USERS.limited.id);
    expect([...body.feeds].sort()).toEqual([...LIMITED_FEEDS].sort());
  });

  it("agrees with the kit's test config: each test user signs in as its id and reads the feeds the config says", async () => {
    for (const role of Object.keys(TEST_USERS) as TestUserRole[]) {
      const response = await signIn(role);
      expect(response.status).toBe(200);
      const body = (await (await me(cookieOf(response))).json()) as {
        user: { id: string; name: string };
        feeds: 'all' | string[];
      };
      expect(body.user.id).toBe(TEST_USERS[role].id);
      expect(body.user.name).toContain(TEST_USERS[role].displayName);
      // `all`, or the list the directory holds (in any order).
      const scope = body.feeds === 'all' ? feedsOf('full') : [...body.feeds];
      expect(scope.sort()).toEqual(feedsOf(role).sort());
    }
  });

  it('answers 401 with the reason for a missing or tampered session', async () => {
    const missing = await me('');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('session_missing');
    const cookie = cookieOf(await signIn('full'));
    const tampered = await me(cookie.slice(0, -3) + 'xyz');
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { error: { code: string } }).error.code).toBe('session_invalid');
  });

  it('a form post (no JavaScript) signs in and redirects to the dashboard', async () => {
    const response = await fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      body: new URLSearchParams(TEST_USERS.full.credentials),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('set-cookie')).toMatch(/^rtd_session=/);
  });

  it('refresh renews the session; after sign-out neither the session nor a renewal works', async () => {
    const cookie = cookieOf(await signIn('full'));
    const refreshed = await fetch(`${server.url}/api/auth/refresh`, { method: 'POST', headers: { cookie } });
    expect(refreshed.status).toBe(200);
    const renewedCookie = cookieOf(refreshed);
    expect((await me(renewedCookie)).status).toBe(200);

    const out = await fetch(`${server.url}/api/auth/session`, { method: 'DELETE', headers: { cookie: renewedCookie } });
    expect(out.headers.get('set-cookie')).toMatch(/^rtd_session=; .*Max-Age=0/);
    for (const c of [cookie, renewedCookie]) {
      expect((await me(c)).status).toBe(401);
      const again = await fetch(`${server.url}/api/auth/refresh`, { method: 'POST', headers: { cookie: c } });
      expect(again.status).toBe(401);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('session_revoked');
    }
  });

  it('refuses a cross-origin sign-in (login CSRF) and bad input with 4xx JSON', async () => {
    expect((await signIn('full', { origin: 'https://evil.example' })).status).toBe(403);
    // The full user's form with every field wrong: no such user.
    const nobody = await signIn(
      Object.fromEntries(Object.keys(TEST_USERS.full.credentials).map((field) => [field, 'no-such-user'])),
    );
    expect(nobody.status).toBe(401);
    expect(((await nobody.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials');
    const garbage = await fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(garbage.status).toBe(400);
    expect((await fetch(`${server.url}/api/auth/refresh`)).status).toBe(405);
  });
});
