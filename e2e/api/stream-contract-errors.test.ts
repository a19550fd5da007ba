import { describe, expect, it } from 'vitest';
import { STREAM_PATHS } from '../fixtures/next-server';
import { useStreamServer } from './support/stream-server';
import { FIRST_FEED, SECOND_FEED } from '../fixtures/test-config';

/**
 * Wire contract v1, bad input (docs/protocol.md "Errors"): a clear 4xx JSON answer or an
 * in-band reset, never a 5xx, a dropped socket or a crash. On both stream paths.
 */

const BAD_QUERIES = [
  ['/api/stream?feeds=nope', 'unknown_feed', 'unknown feed(s): "nope"; see /api/feeds'],
  ['/api/stream?feeds=', 'invalid_query', 'feeds must be a comma-separated list of feed names'],
  [`/api/stream?feeds=${FIRST_FEED}&feeds=${SECOND_FEED}`, 'invalid_query', 'give feeds once, comma-separated'],
  [
    `/api/stream?feeds=${FIRST_FEED},,${SECOND_FEED}`,
    'invalid_query',
    'feeds must be a comma-separated list of feed names',
  ],
  [`/api/snapshot?feeds=${FIRST_FEED},nope`, 'unknown_feed', 'unknown feed(s): "nope"; see /api/feeds'],
] as const;

describe.each(STREAM_PATHS)('bad input (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, { METRICS_INTERVAL_MS: '100' });

  it.each(BAD_QUERIES)('%s → 400 JSON %s', async (path, code, message) => {
    const response = await fetch(`${api.server.url}${path}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code, message } });
  });

  it('names the unknown feeds, quoted and cut short', async () => {
    const response = await fetch(`${api.server.url}/api/stream?feeds=${FIRST_FEED},${'x'.repeat(100)}`);
    expect(await response.json()).toEqual({
      error: { code: 'unknown_feed', message: `unknown feed(s): "${'x'.repeat(40)}"; see /api/feeds` },
    });
  });

  it.each(['GET', 'POST'])('%s on an unknown /api path → 404 JSON', async (method) => {
    const response = await fetch(`${api.server.url}/api/nope/deeper`, { method });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s /api/stream → 405 JSON with Allow: GET', async (method) => {
    const response = await fetch(`${api.server.url}/api/stream`, { method, body: method === 'DELETE' ? null : 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toEqual({
      error: { code: 'method_not_allowed', message: 'Use GET on this endpoint.' },
    });
  });

  it('answers a huge or binary Last-Event-ID with an in-band reset, not an error', async () => {
    const client = await api.connect(`/api/stream?feeds=${FIRST_FEED}`, {
      'Last-Event-ID': `${'x'.repeat(4000)}\u00ff`,
    });
    expect(client.response.status).toBe(200);
    await client.waitFor((c) => c.resets().length === 1, 5000, 'reset');
    expect(client.resets()[0]?.reason).toBe('cursor_invalid');
  });

  it('stays healthy and logs no crash after a burst of bad requests', async () => {
    const answers = await Promise.all([
      ...BAD_QUERIES.map(([path]) => fetch(`${api.server.url}${path}`)),
      fetch(`${api.server.url}/api/stream`, { method: 'POST', body: 'x' }),
      fetch(`${api.server.url}/api/stream?${`feeds=${FIRST_FEED}&`.repeat(500)}`),
    ]);
    expect(answers.map((r) => r.status)).toEqual([...BAD_QUERIES.map(() => 400), 405, 400]);
    expect((await api.health()).status).toBe('ok');
    expect(api.server.output()).not.toMatch(/unhandled|TypeError|ReferenceError/i);
  });
});
