import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom } from '../fixtures/auth';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { pollUntil } from '../kit';
import { errorCode, rawRequest } from './support/raw-http';
import { TEST_USERS } from '../fixtures/test-config';

/**
 * Sessions under abuse, against `next start`: a sign-out that stays signed out (rotation on
 * renewal, an absolute lifetime no renewal extends), sign-in and sign-out rate-limited per
 * client address, and the origin rules of the auth routes (exact scheme, host and port; listed
 * CORS origins may renew; forwarded headers believed only from a trusted proxy; the `__Host-`
 * cookie over TLS). docs/auth.md.
 */

interface Server {
  url: string;
  signIn(headers?: Record<string, string>): Promise<Response>;
  refresh(cookie: string, headers?: Record<string, string>): Promise<Response>;
  me(cookie: string): Promise<Response>;
}

function useServer(env: Record<string, string>): Server {
  let server: NextServer | undefined;
  beforeAll(async () => {
    server = await startNextServer({ env });
  });
  afterAll(() => server?.stop('SIGKILL'));
  const url = () => server!.url;
  return {
    get url() {
      return url();
    },
    signIn: (headers = {}) =>
      fetch(`${url()}/api/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(TEST_USERS.full.credentials),
      }),
    refresh: (cookie, headers = {}) =>
      fetch(`${url()}/api/auth/refresh`, { method: 'POST', headers: { cookie, ...headers } }),
    me: (cookie) => fetch(`${url()}/api/auth/session`, { headers: { cookie } }),
  };
}

const codeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('renewal rotates the token, and a session has an absolute end', () => {
  const api = useServer({ AUTH_SESSION_TTL_S: '5', AUTH_SESSION_MAX_AGE_S: '12', AUTH_ROTATION_GRACE_S: '1' });

  it('a renewed-away token stops working after the grace, and cannot be renewed itself', async () => {
    const old = cookieFrom(await api.signIn());
    const renewed = await api.refresh(old);
    expect(renewed.status).toBe(200);
    const current = cookieFrom(renewed);
    expect(current).not.toBe(old);
    const refused = await pollUntil(
      () => api.me(old),
      (r) => r.status === 401,
      { what: 'the old token refused' },
    );
    expect(await codeOf(refused)).toBe('session_revoked');
    const again = await api.refresh(old);
    expect(again.status).toBe(401);
    expect(await codeOf(again)).toBe('session_revoked');
    expect((await api.me(current)).status).toBe(200);
  });

  it('renewing in a loop does not outlive AUTH_SESSION_MAX_AGE_S', async () => {
    const signedIn = await api.signIn();
    const { expiresAt: first } = (await signedIn.clone().json()) as { expiresAt: number };
    let cookie = cookieFrom(signedIn);
    // The absolute end is 12 s after sign-in; a token lives 5 s; renew every 3 s (within the
    // per-session renewal budget) until refused.
    const end = await pollUntil(
      async () => {
        const response = await api.refresh(cookie);
        if (response.status === 200) {
          const { expiresAt } = (await response.clone().json()) as { expiresAt: number };
          expect(expiresAt).toBeLessThanOrEqual(first - 5_000 + 12_000 + 1_000);
          cookie = cookieFrom(response);
        }
        return response;
      },
      (response) => response.status !== 200,
      { timeoutMs: 40_000, intervalMs: 3000, what: 'renewal refused at the absolute end' },
    );
    expect(end.status).toBe(401);
    expect(await codeOf(end)).toBe('session_expired');
  });
  it('renewals are limited per session: a few at once, then 429 rate_limited', async () => {
    let cookie = cookieFrom(await api.signIn());
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await api.refresh(cookie);
      statuses.push(response.status);
      if (response.status === 200) cookie = cookieFrom(response);
    }
    // A burst of 5, refilled at 2 per token lifetime (5 s here): 8 in a row cannot all pass.
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses).toContain(429);
  });
});

describe('auth writes are rate-limited per client', () => {
  const api = useServer({ AUTH_RATE_BURST: '3', AUTH_RATE_PER_MIN: '1' });

  it('sign-in per address: 429 rate_limited + Retry-After past the burst, and the form goes back to the panel', async () => {
    const cookies = [];
    for (let i = 0; i < 3; i++) cookies.push(cookieFrom(await api.signIn()));
    const limited = await api.signIn();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await codeOf(limited)).toBe('rate_limited');
    const form = await fetch(`${api.url}/api/auth/session`, {
      method: 'POST',
      body: new URLSearchParams(TEST_USERS.full.credentials),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/?sign-in=rate-limited');
    expect(form.headers.get('set-cookie')).toBeNull();

    // Sign-out is per session: a neighbour's sign-ins do not use up this one's.
    const signOut = (headers: Record<string, string>) =>
      fetch(`${api.url}/api/auth/session`, { method: 'DELETE', headers });
    expect((await signOut({ cookie: cookies[0]! })).status).toBe(200);
    // Without a session, a sign-out counts against the address like a sign-in.
    const anonymous = await signOut({});
    expect(anonymous.status).toBe(429);
    expect(await codeOf(anonymous)).toBe('rate_limited');
  });
});

describe('origins of the auth routes', () => {
  const LISTED = 'https://ops.example.com';
  const api = useServer({ CORS_ORIGINS: LISTED });

  it('compares scheme, host and port, and ignores X-Forwarded-Host without a trusted proxy', async () => {
    const host = new URL(api.url).host;
    expect((await api.signIn({ origin: api.url })).status).toBe(200);
    expect((await api.signIn({ origin: `https://${host}` })).status).toBe(403);
    expect((await api.signIn({ origin: `http://${new URL(api.url).hostname}:1` })).status).toBe(403);
    const spoofed = await api.signIn({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' });
    expect(spoofed.status).toBe(403);
    expect(await codeOf(spoofed)).toBe('cross_origin');
  });

  it('a listed origin may renew and sign out, not sign in; an unlisted one may do none', async () => {
    const cookie = cookieFrom(await api.signIn());
    const renewed = await api.refresh(cookie, { origin: LISTED });
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect((await api.refresh(cookieFrom(renewed), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await api.signIn({ origin: LISTED })).status).toBe(403);
    const out = await fetch(`${api.url}/api/auth/session`, {
      method: 'DELETE',
      headers: { cookie: cookieFrom(renewed), origin: LISTED },
    });
    expect(out.status).toBe(200);
  });

  it('the session cookie has no __Host- prefix over plain http, and a forged X-Forwarded-Proto changes nothing', async () => {
    const plain = await api.signIn({ 'x-forwarded-proto': 'https' });
    expect(plain.headers.get('set-cookie')).toMatch(
      /^rtd_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );
  });
});

describe('behind a trusted proxy that says https', () => {
  const api = useServer({ TRUSTED_PROXIES: '127.0.0.1' });
  const tls = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'dash.example:8443' };

  it('sets __Host-rtd_session (Secure), reads only that name over TLS, and checks Origin against the forwarded site', async () => {
    const response = await api.signIn({ ...tls, origin: 'https://dash.example:8443' });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^__Host-rtd_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    const overTls = (cookie: string) =>
      rawRequest(api.url, '/api/auth/session', { headers: { ...tls, cookie } }).then((a) => [a.status, errorCode(a)]);
    expect(await overTls(`__Host-rtd_session=${token}`)).toEqual([200, undefined]);
    // The plain name is what a sibling subdomain could plant: not read over TLS.
    expect(await overTls(`rtd_session=${token}`)).toEqual([401, 'session_missing']);
    expect((await api.signIn({ ...tls, origin: 'http://dash.example:8443' })).status).toBe(403);
  });
});
