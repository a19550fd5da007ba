import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNextServer, type NextServer } from '../fixtures/next-server';

/** CORS on /api: same-origin by default, an allowlist with credentials, 403 for anyone else. */

describe('CORS', () => {
  let server: NextServer;
  const ALLOWED = 'https://ops.example.com';
  beforeAll(async () => {
    server = await startNextServer({ env: { CORS_ORIGINS: ALLOWED } });
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

  it('any other origin is refused with 403 JSON before a stream opens', async () => {
    for (const path of ['/api/feeds', '/api/stream', '/api/snapshot']) {
      const response = await fetch(`${server.url}${path}`, { headers: { origin: 'https://evil.example' } });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cors_denied');
    }
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { streams: { opened: number } };
    expect(health.streams.opened).toBe(0);
  });
});
