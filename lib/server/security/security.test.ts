import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './content-security-policy';
import { corsOriginsProblems, decideCors, parseCorsOrigins } from './cors';
import { originMatchesSite } from './same-origin';

describe('same origin', () => {
  const none = new Set<string>();
  const proxy = new Set(['10.0.0.9']);
  const headers = (h: Record<string, string>) => new Headers(h);

  it('compares scheme, host and port exactly', () => {
    const direct = headers({ host: '127.0.0.1:3000' });
    expect(originMatchesSite('http://127.0.0.1:3000', direct, none)).toBe(true);
    expect(originMatchesSite('http://127.0.0.1:3001', direct, none)).toBe(false);
    expect(originMatchesSite('https://127.0.0.1:3000', direct, none)).toBe(false);
    expect(originMatchesSite('http://127.0.0.1', direct, none)).toBe(false);
    expect(originMatchesSite('http://example.com', headers({ host: 'example.com:80' }), none)).toBe(true);
    expect(originMatchesSite('null', direct, none)).toBe(false);
    expect(originMatchesSite('http://a', new Headers(), none)).toBe(false);
    expect(originMatchesSite('http://a', headers({ host: 'a/evil' }), none)).toBe(false);
  });

  it('believes X-Forwarded-Host and -Proto only when a trusted proxy is configured', () => {
    const forwarded = headers({
      host: '127.0.0.1:3000',
      'x-forwarded-host': 'dash.example:8443',
      'x-forwarded-proto': 'https',
    });
    expect(originMatchesSite('https://dash.example:8443', forwarded, none)).toBe(false);
    expect(originMatchesSite('http://127.0.0.1:3000', forwarded, none)).toBe(true);
    expect(originMatchesSite('https://dash.example:8443', forwarded, proxy)).toBe(true);
    expect(originMatchesSite('http://dash.example:8443', forwarded, proxy)).toBe(false);
  });
});

describe('CORS', () => {
  const allowed = parseCorsOrigins(' https://ops.example.com/, https://b.example ');

  it('parses the allowlist', () => {
    expect([...allowed]).toEqual(['https://ops.example.com', 'https://b.example']);
    expect(parseCorsOrigins(undefined).size).toBe(0);
  });

  it('accepts only scheme://host[:port] entries, never null', () => {
    expect(corsOriginsProblems('https://a.example, http://127.0.0.1:3000, https://b.example/')).toEqual([]);
    const problems = corsOriginsProblems(
      'null, *, https://a.example/path, ftp://a.example, https://u@a.example, a.example',
    );
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(/"null" `null` is the origin of any sandboxed iframe/);
    expect(parseCorsOrigins('null, https://a.example').has('null')).toBe(false);
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
