import { describe, expect, it } from 'vitest';
import { clientIp, clientIpFromHeaders, parseTrustedProxies, siteOf, vetForwardedHeaders } from './forwarded';

const proxies = parseTrustedProxies('127.0.0.1, ::ffff:10.0.0.9');
const none = new Set<string>();

describe('client address', () => {
  it('believes X-Forwarded-For only from a trusted proxy, and takes the rightmost untrusted hop', () => {
    expect([...proxies]).toEqual(['127.0.0.1', '10.0.0.9']);
    expect(clientIp('10.9.9.9', '1.2.3.4', proxies)).toBe('10.9.9.9');
    expect(clientIp('::ffff:127.0.0.1', 'forged, 1.2.3.4', proxies)).toBe('1.2.3.4');
    expect(clientIp('127.0.0.1', '1.2.3.4, 127.0.0.1', proxies)).toBe('1.2.3.4');
    expect(clientIp(null, null, proxies)).toBe('unknown');
  });

  it('on a route handler: the last hop, or past trusted proxies when some are configured', () => {
    const xff = (value: string) => new Headers({ 'x-forwarded-for': value });
    expect(clientIpFromHeaders(xff('2.2.2.2'), none)).toBe('2.2.2.2');
    expect(clientIpFromHeaders(xff('forged, 2.2.2.2'), none)).toBe('2.2.2.2');
    expect(clientIpFromHeaders(xff('forged, 2.2.2.2, 10.0.0.9'), proxies)).toBe('2.2.2.2');
    expect(clientIpFromHeaders(new Headers(), proxies)).toBe('unknown');
  });

  it('the raw server replaces what an untrusted peer claims, and keeps what a trusted proxy says', () => {
    const fromClient: Record<string, string | undefined> = {
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
    };
    vetForwardedHeaders(fromClient, '203.0.113.5', proxies);
    expect(fromClient).toEqual({ 'x-forwarded-for': '203.0.113.5' });

    const fromProxy: Record<string, string | undefined> = {
      'x-forwarded-for': 'forged, 198.51.100.7',
      'x-forwarded-host': 'dash.example',
      'x-forwarded-proto': 'https',
    };
    vetForwardedHeaders(fromProxy, '::ffff:127.0.0.1', proxies);
    expect(fromProxy).toEqual({
      'x-forwarded-for': '198.51.100.7',
      'x-forwarded-host': 'dash.example',
      'x-forwarded-proto': 'https',
    });
  });
});

describe('site', () => {
  it('is http + Host unless forwarded headers are believed', () => {
    const headers = new Headers({ host: 'a:1', 'x-forwarded-host': 'b:2, c', 'x-forwarded-proto': 'https' });
    expect(siteOf(headers, none)).toEqual({ scheme: 'http', host: 'a:1' });
    expect(siteOf(headers, proxies)).toEqual({ scheme: 'https', host: 'b:2' });
  });
});
