import { describe, expect, it } from 'vitest';
import { handleMetrics } from './metrics-handler';
import { ServerMetrics } from './server-metrics';

const TOKEN = 'm'.repeat(32);
const get = (authorization?: string) => ({
  method: 'GET',
  headers: new Headers(authorization ? { authorization } : {}),
});

describe('GET /api/metrics', () => {
  const metrics = new ServerMetrics({ defaultMetrics: false });

  it('does not exist while METRICS_TOKEN is unset', async () => {
    expect((await handleMetrics(get(`Bearer ${TOKEN}`), undefined, metrics)).status).toBe(404);
  });

  it('answers 401 without the token or with another one', async () => {
    for (const authorization of [undefined, `Bearer ${'n'.repeat(32)}`, `Basic ${TOKEN}`]) {
      const answer = await handleMetrics(get(authorization), TOKEN, metrics);
      expect(answer.status).toBe(401);
      expect(answer.headers['WWW-Authenticate']).toBe('Bearer realm="metrics"');
      expect(answer.body).not.toContain('rtd_');
    }
  });

  it('serves Prometheus text with the token, tallies included', async () => {
    metrics.tally.events += 3;
    metrics.tally.bytes += 100;
    const answer = await handleMetrics(get(`Bearer ${TOKEN}`), TOKEN, metrics);
    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.body).toMatch(/^rtd_events_written_total 3$/m);
    expect(answer.body).toMatch(/^rtd_bytes_written_total 100$/m);
    // A second scrape does not count the same writes again.
    metrics.tally.events += 1;
    expect((await handleMetrics(get(`Bearer ${TOKEN}`), TOKEN, metrics)).body).toMatch(/^rtd_events_written_total 4$/m);
  });

  it('answers 405 to anything but GET', async () => {
    const answer = await handleMetrics({ method: 'POST', headers: new Headers() }, TOKEN, metrics);
    expect(answer.status).toBe(405);
  });
});
