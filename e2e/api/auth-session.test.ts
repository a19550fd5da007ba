import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNextServer, type NextServer } from '../fixtures/next-server';

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

  const signIn = (user: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ user }),
    });
  const cookieOf = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const me = (cookie: string) => fetch(`${server.url}/api/auth/session`, { headers: { cookie } });

  it('signs in a demo user with an httpOnly, SameSite=Lax cookie and reports its scope', async () => {
    const response = await signIn('viewer');
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^rtd_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const body = (await (await me(cookieOf(response))).json()) as { user: { id: string }; feeds: string[] };
    expect(body.user.id).toBe('viewer');
    expect(body.feeds).toEqual(['rps', 'latency_p95', 'error_rate']);
  });

  it('answers 401 with the reason for a missing or tampered session', async () => {
    const missing = await me('');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('session_missing');
    const cookie = cookieOf(await signIn('ops'));
    const tampered = await me(cookie.slice(0, -3) + 'xyz');
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { error: { code: string } }).error.code).toBe('session_invalid');
  });

  it('a form post (no JavaScript) signs in and redirects to the dashboard', async () => {
    const response = await fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      body: new URLSearchParams({ user: 'ops' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('set-cookie')).toMatch(/^rtd_session=/);
  });

  it('refresh renews the session; after sign-out neither the session nor a renewal works', async () => {
    const cookie = cookieOf(await signIn('ops'));
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
    expect((await signIn('ops', { origin: 'https://evil.example' })).status).toBe(403);
    const nobody = await signIn('nobody');
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
