import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_DEMO_ENV } from '../fixtures/auth';
import { health } from '../fixtures/health';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { ingest, pointsBody, TEST_INGEST_TOKEN } from './support/ingest-client';
import { ALL_FEEDS, COUNTER_FEED, feedDefinition } from '../fixtures/test-config';

/** A feed other than COUNTER_FEED. */
const OTHER_FEED = ALL_FEEDS.find((feed) => feed !== COUNTER_FEED)!;

/**
 * POST /api/ingest against a production server (memory bus, PRODUCER=off: the log holds only
 * what the tests push, so every seq is known). The full answer table is unit-tested
 * (lib/server/ingest/ingest-handler.test.ts); this proves the route over real HTTP.
 */

const BODY_LIMIT = 4096;

describe('POST /api/ingest', () => {
  let server: NextServer;
  const open: SseClient[] = [];
  const stream = async (query: string, headers: Record<string, string> = {}) => {
    const client = await connectSse(`${server.url}/api/stream${query}`, { headers });
    open.push(client);
    await client.waitFor((c) => c.hello() !== undefined, 10_000, 'hello');
    return client;
  };

  beforeAll(async () => {
    server = await startNextServer({
      env: {
        ...PUBLIC_DEMO_ENV,
        PRODUCER: 'off',
        INGEST_TOKEN: TEST_INGEST_TOKEN,
        INGEST_MAX_BODY_BYTES: String(BODY_LIMIT),
        // Enough for every test here; the last one spends the rest.
        INGEST_RATE_BURST: '60',
        INGEST_RATE_PER_S: '1',
      },
    });
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    await server?.stop('SIGKILL');
  });

  it('puts pushed points on every open stream with the next seqs of their feed, resumable by cursor', async () => {
    const oneFeed = await stream(`?feeds=${COUNTER_FEED}`);
    const all = await stream('');
    const first = await ingest(server.url, pointsBody(COUNTER_FEED, [10, 11]));
    expect([first.status, first.json]).toEqual([200, { accepted: 2, duplicate: 0 }]);
    await ingest(
      server.url,
      JSON.stringify({
        points: [
          { feed: OTHER_FEED, value: feedDefinition(OTHER_FEED).min },
          { feed: COUNTER_FEED, value: 12 },
        ],
      }),
    );

    await all.waitFor((c) => c.metrics().length === 4, 10_000, 'four points');
    await oneFeed.waitFor((c) => c.metrics().length === 3, 10_000, 'three points of one feed');
    expect(all.metrics().map((m) => `${m.feed}:${m.seq}=${m.value}`)).toEqual([
      `${COUNTER_FEED}:1=10`,
      `${COUNTER_FEED}:2=11`,
      `${OTHER_FEED}:1=${feedDefinition(OTHER_FEED).min}`,
      `${COUNTER_FEED}:3=12`,
    ]);
    expect(oneFeed.metrics().map((m) => m.seq)).toEqual([1, 2, 3]);

    // Resumable like any other event: from the first point's cursor, the rest is replayed.
    const resumed = await stream('', { 'Last-Event-ID': all.metrics()[0]!.cursor });
    expect(resumed.hello()).toMatchObject({ resumed: true, replayed: 3 });
    await resumed.waitFor((c) => c.metrics().length === 3, 10_000, 'the replay');
    expect(resumed.metrics().map((m) => m.value)).toEqual([11, feedDefinition(OTHER_FEED).min, 12]);
  });

  it('answers bad input with a 4xx JSON error and applies nothing', async () => {
    const head = (await health(server.url)).bus.head;
    const good = pointsBody(COUNTER_FEED, [1]);
    const cases: [string, Promise<{ status: number; json: { error?: { code: string } } }>, number, string][] = [
      ['no token', ingest(server.url, good, { token: '' }), 401, 'unauthenticated'],
      ['wrong token', ingest(server.url, good, { token: `${TEST_INGEST_TOKEN}!` }), 403, 'forbidden'],
      [
        'text/plain',
        ingest(server.url, good, { headers: { 'Content-Type': 'text/plain' } }),
        415,
        'unsupported_media_type',
      ],
      ['not JSON', ingest(server.url, '{"points": ['), 400, 'invalid_json'],
      ['an unknown feed', ingest(server.url, pointsBody('disk', [1])), 400, 'invalid_points'],
      ['a bad key', ingest(server.url, good, { key: 'x'.repeat(300) }), 400, 'invalid_idempotency_key'],
    ];
    for (const [what, pending, status, code] of cases) {
      const answer = await pending;
      expect({ what, status: answer.status, code: answer.json.error?.code }).toEqual({ what, status, code });
    }
    const get = await fetch(`${server.url}/api/ingest`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await health(server.url)).bus.head).toBe(head);
  });

  it('refuses a body over INGEST_MAX_BODY_BYTES with 413 while it is still being sent', async () => {
    // A chunked body that never ends: only a server that counts while reading can answer it.
    const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = httpRequest(`${server.url}/api/ingest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        answered = true;
        res.resume();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sent });
      });
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const chunk = `{"points":[${`{"feed":"${COUNTER_FEED}","value":1},`.repeat(40)}`;
      const write = () => {
        if (answered) return;
        sent += Buffer.byteLength(chunk);
        req.write(chunk);
        setTimeout(write, 5);
      };
      write();
    });
    expect(status).toBe(413);
    expect(sent).toBeGreaterThan(BODY_LIMIT);
  });

  it('applies a keyed batch once: the retry gets the first answer with the duplicate counted', async () => {
    const reader = await stream(`?feeds=${COUNTER_FEED}`);
    const body = pointsBody(COUNTER_FEED, [100, 200]);
    expect((await ingest(server.url, body, { key: '"retry-me"' })).json).toEqual({ accepted: 2, duplicate: 0 });
    const retry = await ingest(server.url, body, { key: '"retry-me"' });
    expect([retry.status, retry.json, retry.headers.get('idempotent-replayed')]).toEqual([
      200,
      { accepted: 2, duplicate: 2 },
      'true',
    ]);
    const reused = await ingest(server.url, pointsBody(COUNTER_FEED, [300]), { key: '"retry-me"' });
    expect([reused.status, reused.json.error?.code]).toEqual([422, 'idempotency_key_reused']);
    await ingest(server.url, pointsBody(COUNTER_FEED, [400]));
    await reader.waitFor((c) => c.metrics().some((m) => m.value === 400), 10_000, 'the last point');
    expect(reader.metrics().map((m) => m.value)).toEqual([100, 200, 400]);
  });

  it('answers 429 with Retry-After once this client has spent its request budget', async () => {
    let answer: Awaited<ReturnType<typeof ingest>> | undefined;
    for (let i = 0; i < 80 && answer?.status !== 429; i += 1)
      answer = await ingest(server.url, pointsBody(COUNTER_FEED, [1]));
    expect(answer?.status).toBe(429);
    expect(answer?.json.error?.code).toBe('rate_limited');
    expect(Number(answer?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('POST /api/ingest without INGEST_TOKEN', () => {
  let server: NextServer;
  beforeAll(async () => {
    server = await startNextServer({ env: { ...PUBLIC_DEMO_ENV } });
  });
  afterAll(() => server?.stop('SIGKILL'));

  it('does not exist: 404 to every method, with or without a token', async () => {
    const post = await ingest(server.url, pointsBody(COUNTER_FEED, [1]));
    expect([post.status, post.json.error?.code]).toEqual([404, 'not_found']);
    expect((await fetch(`${server.url}/api/ingest`)).status).toBe(404);
  });
});
