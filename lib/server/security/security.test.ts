import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './content-security-policy';
import { decideCors, parseCorsOrigins } from './cors';
import { originMatchesHost } from './same-origin';

describe('same origin', () => {
  it('matches host and port, or the hostname when a proxy dropped the port', () => {
    expect(originMatchesHost('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
    expect(originMatchesHost('http://127.0.0.1:3000', '127.0.0.1:3001')).toBe(false);
    expect(originMatchesHost('http://127.0.0.1:8080', '127.0.0.1')).toBe(true);
    expect(originMatchesHost('https://evil.example', '127.0.0.1')).toBe(false);
    expect(originMatchesHost('null', '127.0.0.1')).toBe(false);
    expect(originMatchesHost('http://a', null)).toBe(false);
  });
});

describe('CORS', () => {
  const allowed = parseCorsOrigins(' https://ops.example.com/, https://b.example ');

  it('parses the allowlist', () => {
    expect([...allowed]).toEqual(['https://ops.example.com', 'https://b.example']);
    expect(parseCorsOrigins(undefined).size).toBe(0);
  });

  it('passes same-origin and origin-less requests untouched', () => {
    expect(decideCors('GET', null, false, allowed)).toEqual({ kind: 'same-origin' });
    expect(decideCors('POST', 'http://127.0.0.1:3000', true, allowed)).toEqual({ kind: 'same-origin' });
  });

  it('denies unlisted origins, allows listed ones with credentials, answers preflights', () => {
    expect(decideCors('GET', 'https://evil.example', false, allowed)).toEqual({ kind: 'denied' });
    expect(decideCors('GET', 'https://b.example', false, allowed)).toEqual({
      kind: 'allowed',
      headers: {
        'Access-Control-Allow-Origin': 'https://b.example',
        'Access-Control-Allow-Credentials': 'true',
        Vary: 'Origin',
      },
    });
    const preflight = decideCors('OPTIONS', 'https://b.example', false, allowed);
    expect(preflight.kind).toBe('preflight');
    if (preflight.kind === 'preflight')
      expect(preflight.headers['Access-Control-Allow-Headers']).toContain('Last-Event-ID');
  });
});

describe('content security policy', () => {
  it('allows scripts only by nonce (plus eval in dev) and forbids framing', () => {
    const prod = contentSecurityPolicy('abc', false);
    expect(prod).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic';");
    expect(prod).toContain("frame-ancestors 'none'");
    expect(prod).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy('abc', true)).toContain("'unsafe-eval'");
  });
});
