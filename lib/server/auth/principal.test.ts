import { describe, expect, it } from 'vitest';
import { canRead, partitionFeeds, PUBLIC_PRINCIPAL, type Principal } from './principal';
import { clearSessionCookie, readCookie, serializeSessionCookie, sessionCookieOf } from './session-cookie';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

const viewer: Principal = { ...PUBLIC_PRINCIPAL, kind: 'user', id: 'scoped-user', feeds: [FEED_B] };

describe('principal scopes', () => {
  it('reads only feeds in scope; `all` reads everything', () => {
    expect(canRead(viewer, FEED_B)).toBe(true);
    expect(canRead(viewer, FEED_A)).toBe(false);
    expect(canRead(PUBLIC_PRINCIPAL, FEED_A)).toBe(true);
    expect(partitionFeeds(viewer, [FEED_A, FEED_B])).toEqual({
      readable: [FEED_B],
      forbidden: [FEED_A],
    });
  });
});

describe('session cookie', () => {
  it('is httpOnly, SameSite=Lax, Path=/; over TLS __Host- and Secure', () => {
    expect(serializeSessionCookie('t', { maxAgeSeconds: 60 })).toBe(
      'rtd_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60',
    );
    expect(serializeSessionCookie('t', { maxAgeSeconds: 60, secure: true })).toBe(
      '__Host-rtd_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure',
    );
    expect(clearSessionCookie()).toMatch(/^rtd_session=; .*Max-Age=0/);
    expect(clearSessionCookie(true)).toMatch(/^__Host-rtd_session=; .*Max-Age=0; Secure$/);
  });

  it('reads the cookie of the request’s scheme only (TLS as a trusted proxy says)', () => {
    const proxies = new Set(['127.0.0.1']);
    const both = 'rtd_session=plain; __Host-rtd_session=hosted';
    expect(sessionCookieOf(new Headers({ cookie: both }), proxies)).toBe('plain');
    expect(sessionCookieOf(new Headers({ cookie: both, 'x-forwarded-proto': 'https' }), proxies)).toBe('hosted');
    expect(sessionCookieOf(new Headers({ cookie: both, 'x-forwarded-proto': 'https' }), new Set())).toBe('plain');
  });

  it('reads one cookie among others and ignores look-alikes', () => {
    expect(readCookie('a=1; rtd_session=abc.def; b=2', 'rtd_session')).toBe('abc.def');
    expect(readCookie('xrtd_session=1', 'rtd_session')).toBeNull();
    expect(readCookie('rtd_session=', 'rtd_session')).toBeNull();
    expect(readCookie(null, 'rtd_session')).toBeNull();
  });
});
