import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_PATHS, startNextServer, type NextServer } from '../fixtures/next-server';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * CORS on /api: same-origin by default, an allowlist with credentials, 403 for anyone else. On
 * both stream paths: the raw one answers /api/stream itself, outside proxy.ts, and must agree.
 */

describe.each(STREAM_PATHS)('CORS (%s path)', (streamPath) => {
  let server: NextServer;
  const ALLOWED = 'https://ops.example.com';
  beforeAll(async () => {
    server = await startNextServer({ env: { AUTH_MODE: 'off', CORS_ORIGINS: ALLOWED }, streamPath });
  });
  afterAll(() => server?.stop('SIGKILL'));

  const feeds = (headers: Record<string, string>, method = 'GET') =>
    fetch(`${server.url}/api/feeds`, { method, headers });

  it('same-origin and origin-less requests get no CORS headers and are served', async () => {
    for (const headers of [{}, { origin: server.url }]) {
      const response = await feeds(headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('an allowed origin gets its origin back with credentials; its preflight is answered', async () => {
    const response = await feeds({ origin: ALLOWED });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');

    const preflight = await feeds(
      { origin: ALLOWED, 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Last-Event-ID');
  });

  it('the stream itself: same-origin opens, an allowed origin gets CORS headers, nosniff on both', async () => {
    for (const [origin, allowOrigin] of [
      [server.url, null],
      [ALLOWED, ALLOWED],
    ] as const) {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/stream?feeds=${FIRST_FEED}`, {
        headers: { origin },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(allowOrigin);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      controller.abort();
    }
  });

  it('any other origin is refused with 403 JSON before a stream opens', async () => {
    for (const path of ['/api/feeds', '/api/stream', '/api/snapshot']) {
      const response = await fetch(`${server.url}${path}`, { headers: { origin: 'https://evil.example' } });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cors_denied');
    }
    const before = (await (await fetch(`${server.url}/api/health`)).json()) as { streams: { opened: number } };
    const response = await fetch(`${server.url}/api/stream`, { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    const after = (await (await fetch(`${server.url}/api/health`)).json()) as { streams: { opened: number } };
    expect(after.streams.opened).toBe(before.streams.opened);
  });
});
