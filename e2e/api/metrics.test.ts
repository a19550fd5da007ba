import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_DEMO_ENV } from '../fixtures/auth';
import { waitForHealth } from '../fixtures/health';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { pollUntil } from '../kit';
import { startRedisApp } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { ingest, pointsBody, TEST_INGEST_TOKEN } from './support/ingest-client';
import { scrape, TEST_METRICS_TOKEN, value, type Families } from './support/scrape';
import { COUNTER_FEED, FIRST_FEED } from '../fixtures/test-config';

/**
 * `GET /api/metrics` of a real production server, parsed with a Prometheus text parser: closed
 * without METRICS_TOKEN, refused without the right token, and every family that matters moves
 * after the scenario that should move it (a resume, a reset, a cap refusal, a duplicate ingest,
 * a Redis outage).
 */

const ENV = {
  ...PUBLIC_DEMO_ENV,
  METRICS_TOKEN: TEST_METRICS_TOKEN,
  INGEST_TOKEN: TEST_INGEST_TOKEN,
  METRICS_INTERVAL_MS: '100',
  SSE_HEARTBEAT_MS: '500',
  SOURCE_HISTORY_MS: '0',
  SSE_MAX_STREAMS_PER_CLIENT: '3',
};

/** Scrapes until `done` holds over the families (a close is counted when the server sees it, not when we close). */
function scrapeUntil(url: string, done: (families: Families) => boolean, what: string): Promise<Families> {
  return pollUntil(() => scrape(url), done, { timeoutMs: 20_000, what });
}

describe('GET /api/metrics', () => {
  let server: NextServer;
  const open: SseClient[] = [];
  const connect = async (path: string, headers?: Record<string, string>) => {
    const client = await connectSse(`${server.url}${path}`, headers ? { headers } : {});
    open.push(client);
    return client;
  };
  const closeAll = async () => {
    open.splice(0).forEach((client) => client.close());
    await waitForHealth(server.url, (h) => h.connections === 0, { what: 'no open stream' });
  };

  beforeAll(async () => {
    server = await startNextServer({ env: ENV });
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    await server?.stop('SIGKILL');
  });

  it('answers 401 without the token and with another one, and never shows a number then', async () => {
    for (const headers of [{}, { Authorization: `Bearer ${'x'.repeat(40)}` }, { Authorization: 'Bearer ' }]) {
      const response = await fetch(`${server.url}/api/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toMatch(/rtd_/);
    }
  });

  it('serves Prometheus text with the Node process basics', async () => {
    const response = await fetch(`${server.url}/api/metrics`, {
      headers: { Authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = await scrape(server.url);
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'process_resident_memory_bytes',
    ]) {
      expect(value(families, name), name).toBeGreaterThan(0);
    }
  });

  it('counts a stream open, the events and bytes written to it, and its close', async () => {
    const before = await scrape(server.url);
    const client = await connect(`/api/stream?feeds=${FIRST_FEED}`);
    await client.waitFor((c) => c.metrics().length >= 3, 10_000, '3 metrics');
    const during = await scrape(server.url);
    expect(value(during, 'rtd_streams_open', { path: 'route', bus: 'memory' })).toBe(1);
    expect(value(during, 'rtd_stream_opens_total', { start: 'fresh' })).toBe(
      value(before, 'rtd_stream_opens_total', { start: 'fresh' }) + 1,
    );
    expect(value(during, 'rtd_events_written_total')).toBeGreaterThanOrEqual(
      value(before, 'rtd_events_written_total') + 3,
    );
    expect(value(during, 'rtd_bytes_written_total')).toBeGreaterThan(value(before, 'rtd_bytes_written_total'));
    await closeAll();
    const after = await scrapeUntil(
      server.url,
      (f) =>
        value(f, 'rtd_stream_closes_total', { reason: 'client_gone' }) >
        value(before, 'rtd_stream_closes_total', { reason: 'client_gone' }),
      'the close counted',
    );
    expect(value(after, 'rtd_streams_open')).toBe(0);
  });

  it('counts a resume and a reset, with the reset reason', async () => {
    const before = await scrape(server.url);
    const first = await connect(`/api/stream?feeds=${FIRST_FEED}`);
    await first.waitFor((c) => c.metrics().length >= 2, 10_000, '2 metrics');
    const cursor = first.lastCursor()!;
    await closeAll();
    const resumed = await connect(`/api/stream?feeds=${FIRST_FEED}`, { 'Last-Event-ID': cursor });
    await resumed.waitFor((c) => c.hello()?.resumed === true, 10_000, 'a resumed hello');
    const reset = await connect(`/api/stream?feeds=${FIRST_FEED}`, { 'Last-Event-ID': 'not-a-cursor' });
    await reset.waitFor((c) => c.resets().length === 1, 10_000, 'a reset');
    const after = await scrape(server.url);
    expect(value(after, 'rtd_stream_opens_total', { start: 'resumed' })).toBe(
      value(before, 'rtd_stream_opens_total', { start: 'resumed' }) + 1,
    );
    expect(value(after, 'rtd_stream_opens_total', { start: 'reset' })).toBe(
      value(before, 'rtd_stream_opens_total', { start: 'reset' }) + 1,
    );
    expect(value(after, 'rtd_stream_resets_total', { reason: 'cursor_invalid' })).toBe(
      value(before, 'rtd_stream_resets_total', { reason: 'cursor_invalid' }) + 1,
    );
    await closeAll();
  });

  it('counts a refusal by the cap that refused it and the code the client saw', async () => {
    const before = await scrape(server.url);
    for (let i = 0; i < 3; i += 1) {
      const client = await connect(`/api/stream?feeds=${FIRST_FEED}`);
      await client.waitFor((c) => c.hello() !== undefined, 10_000, 'hello');
    }
    const refused = await connect(`/api/stream?feeds=${FIRST_FEED}`);
    expect(refused.response.status).toBe(429);
    const unknownFeed = await fetch(`${server.url}/api/stream?feeds=nope`);
    expect(unknownFeed.status).toBe(400);
    const after = await scrape(server.url);
    expect(value(after, 'rtd_stream_refusals_total', { cap: 'per_client', code: 'too_many_streams' })).toBe(
      value(before, 'rtd_stream_refusals_total', { cap: 'per_client', code: 'too_many_streams' }) + 1,
    );
    expect(value(after, 'rtd_stream_refusals_total', { cap: 'input' })).toBe(
      value(before, 'rtd_stream_refusals_total', { cap: 'input' }) + 1,
    );
    await closeAll();
  });

  it('counts ingest accepted, duplicated and rejected', async () => {
    const before = await scrape(server.url);
    const body = pointsBody(COUNTER_FEED, [1, 2]);
    expect((await ingest(server.url, body, { key: 'metrics-dup' })).status).toBe(200);
    const again = await ingest(server.url, body, { key: 'metrics-dup' });
    expect(again.json).toEqual({ accepted: 2, duplicate: 2 });
    expect((await ingest(server.url, '{"points":"no"}')).status).toBe(400);
    const after = await scrape(server.url);
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta('rtd_ingest_requests_total', { outcome: 'accepted', status: '200' })).toBe(1);
    expect(delta('rtd_ingest_requests_total', { outcome: 'duplicate', status: '200' })).toBe(1);
    expect(delta('rtd_ingest_requests_total', { outcome: 'rejected', status: '400' })).toBe(1);
    expect(delta('rtd_ingest_points_total', { outcome: 'accepted' })).toBe(2);
    expect(delta('rtd_ingest_points_total', { outcome: 'duplicate' })).toBe(2);
  });

  it('exposes every metric the Grafana example dashboard and the Prometheus config ask for', async () => {
    const deploy = join(__dirname, '..', '..', 'deploy');
    const dashboard = JSON.parse(readFileSync(join(deploy, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const families = await scrape(server.url);
    const exposed = (name: string) => families.has(name) || families.has(name.replace(/_(bucket|sum|count)$/, ''));
    const asked = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap(({ expr }) => expr.match(/\b(?:rtd|nodejs|process)_[a-z0-9_]+\b/g) ?? []),
    );
    expect(asked.length).toBeGreaterThan(10);
    expect(asked.filter((name) => !exposed(name))).toEqual([]);
    // Every family the server counts is on some panel.
    const shown = new Set(asked.map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    expect([...families.keys()].filter((name) => name.startsWith('rtd_') && !shown.has(name))).toEqual([]);
    const prometheus = readFileSync(join(deploy, 'prometheus.yml'), 'utf8');
    expect(prometheus).toMatch(/^\s+metrics_path: \/api\/metrics$/m);
    expect(prometheus).toMatch(/^\s+type: Bearer$/m);
  });

  it('runs the heartbeat and says this process produces', async () => {
    const client = await connect(`/api/stream?feeds=${FIRST_FEED}`);
    await client.waitFor((c) => c.hello() !== undefined, 10_000, 'hello');
    const families = await scrapeUntil(server.url, (f) => value(f, 'rtd_heartbeat_ticks_total') > 0, 'a heartbeat');
    expect(families.has('rtd_heartbeat_ticks_late_total')).toBe(true);
    expect(value(families, 'rtd_producer_leader')).toBe(1);
    await closeAll();
  });
});

describe('GET /api/metrics without METRICS_TOKEN', () => {
  let server: NextServer;
  beforeAll(async () => {
    server = await startNextServer({ env: { ...PUBLIC_DEMO_ENV, SOURCE_HISTORY_MS: '0' } });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('does not exist', async () => {
    const response = await fetch(`${server.url}/api/metrics`, {
      headers: { Authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/rtd_/);
  });
});

describe.runIf(canRun('redis-server', 'metrics Redis outage test'))('GET /api/metrics through a Redis outage', () => {
  let redis: RedisServer;
  let app: NextServer;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    app = await startRedisApp(redis.url, { METRICS_TOKEN: TEST_METRICS_TOKEN, SOURCE_HISTORY_MS: '0' });
    await waitForHealth(app.url, (h) => h.status === 'ok');
  });
  afterAll(async () => {
    streams.forEach((client) => client.close());
    await app?.stop('SIGKILL');
    await redis?.stop();
  });

  it('shows the lease, command latency, the outage (errors, unavailable, streams ended) and the recovery', async () => {
    for (let i = 0; i < 10; i += 1) {
      const client = await connectSse(`${app.url}/api/stream?feeds=${FIRST_FEED}`);
      streams.push(client);
      await client.waitFor((c) => c.metrics().length >= 1, 10_000, 'a metric');
    }
    const before = await scrapeUntil(app.url, (f) => value(f, 'rtd_redis_available') === 1, 'Redis available');
    expect(value(before, 'rtd_producer_leader')).toBe(1);
    expect(value(before, 'rtd_producer_lease_changes_total', { to: 'leader' })).toBeGreaterThanOrEqual(1);
    expect(value(before, 'rtd_redis_command_duration_seconds')).toBeGreaterThan(0);
    expect(value(before, 'rtd_streams_open', { bus: 'redis' })).toBe(10);
    const logBefore = app.output().length;

    await redis.stop();
    await scrapeUntil(
      app.url,
      (f) =>
        value(f, 'rtd_redis_available') === 0 &&
        value(f, 'rtd_stream_closes_total', { reason: 'error' }) >= 10 &&
        // The link's close may be seen before a command fails: the next epoch check's does.
        value(f, 'rtd_redis_command_errors_total') > value(before, 'rtd_redis_command_errors_total'),
      'the outage seen',
    );
    const refused = await fetch(`${app.url}/api/stream?feeds=${FIRST_FEED}`, {
      headers: { 'X-Stream-Refusals': 'status' },
    });
    await refused.text();
    const afterRefusal = await scrape(app.url);
    expect(value(afterRefusal, 'rtd_stream_refusals_total', { cap: 'degraded' })).toBeGreaterThan(
      value(before, 'rtd_stream_refusals_total', { cap: 'degraded' }),
    );
    // Ten streams ended by one outage: a handful of close lines, the rest summarised.
    const closeLines = app
      .output()
      .slice(logBefore)
      .split('\n')
      .filter((line) => line.includes('"msg":"stream closed"') && line.includes('"reason":"error"'));
    expect(closeLines.length, closeLines.join('\n')).toBeGreaterThan(0);
    expect(closeLines.length, closeLines.join('\n')).toBeLessThanOrEqual(5);

    await redis.start();
    await scrapeUntil(app.url, (f) => value(f, 'rtd_redis_available') === 1, 'Redis available again');
  });
});
