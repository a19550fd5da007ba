import { describe, expect, it } from 'vitest';
import { FEED_NAMES, FEEDS, type FeedName } from '@/lib/metrics/feeds';
import type { BusEvent } from '../bus';
import { parseEnv } from '../env';
import { RateLimiter } from '../limits/rate-limiter';
import { MemoryBus } from '../memory-bus';
import { handleIngest, type IngestRuntime } from './ingest-handler';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

/** The whole ingest answer table, against a memory bus in this process. */

const TOKEN = 'ingest-token-for-unit-tests-0123456789';

/** Either shape of answer body (a test reads the one it expects). */
interface AnswerJson {
  accepted: number;
  duplicate: number;
  error: { code: string; message: string; points: { index: number; reason: string }[] };
}

function setup(env: Record<string, string> = {}, limiter = { capacity: 1000, perSecond: 1000 }) {
  const bus = new MemoryBus({ capacity: 1000, snapshotWindowMs: 300_000, epoch: 'ep' });
  const runtime: IngestRuntime = {
    env: parseEnv({ INGEST_TOKEN: TOKEN, ...env }),
    bus,
    ingestLimiter: new RateLimiter(limiter),
    draining: false,
    revocationChannel: null,
  };
  const delivered: BusEvent[] = [];
  void bus.subscribe({ feeds: new Set<FeedName>(FEED_NAMES), cursor: null }, (batch) => delivered.push(...batch));
  const post = async (body: unknown, headers: Record<string, string> = {}, method = 'POST') => {
    const request = new Request('http://test/api/ingest', {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
      ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const answer = await handleIngest(request, runtime);
    return { status: answer.status, headers: answer.headers, json: JSON.parse(answer.body) as AnswerJson };
  };
  return { bus, runtime, delivered, post };
}

const A = FEEDS.find((feed) => feed.name === FEED_A)!;
const B = FEEDS.find((feed) => feed.name === FEED_B)!;
/** A point of feed A, `offset` above its minimum (so every offset used here is in its range). */
const point = (offset: number, ts?: number) => ({
  feed: FEED_A,
  value: A.min + offset,
  ...(ts === undefined ? {} : { ts }),
});

describe('POST /api/ingest', () => {
  it('applies a batch and delivers it with the next seqs of each feed', async () => {
    const { post, delivered } = setup();
    expect((await post({ points: [point(1), point(2), { feed: FEED_B, value: B.min }] })).json).toEqual({
      accepted: 3,
      duplicate: 0,
    });
    expect((await post({ points: [point(3)] })).status).toBe(200);
    expect(delivered.map((e) => `${e.event.feed}:${e.event.seq}=${e.event.value}`)).toEqual([
      `${FEED_A}:1=${A.min + 1}`,
      `${FEED_A}:2=${A.min + 2}`,
      `${FEED_B}:1=${B.min}`,
      `${FEED_A}:3=${A.min + 3}`,
    ]);
  });

  it('rounds values to the feed decimals and gives points without ts the server time', async () => {
    const { post, delivered } = setup();
    const before = Date.now();
    await post({ points: [point(1.23456)] });
    expect(delivered[0]!.event.value).toBe(Number((A.min + 1.23456).toFixed(A.decimals)));
    expect(delivered[0]!.event.ts).toBeGreaterThanOrEqual(before);
  });

  it('answers 404 to every method while INGEST_TOKEN is unset', async () => {
    const { runtime } = setup();
    const off = { ...runtime, env: parseEnv({}) };
    for (const method of ['POST', 'GET']) {
      const answer = await handleIngest(new Request('http://test/api/ingest', { method }), off);
      expect(answer.status).toBe(404);
    }
  });

  it('answers 405 with Allow to other methods, 401 without a token and 403 with a wrong one', async () => {
    const { post } = setup();
    const get = await post(null, {}, 'GET');
    expect([get.status, get.headers.Allow]).toEqual([405, 'POST']);
    const none = await post({ points: [point(1)] }, { Authorization: '' });
    expect([none.status, none.headers['WWW-Authenticate']]).toEqual([401, 'Bearer realm="ingest"']);
    expect((await post({ points: [point(1)] }, { Authorization: 'Basic abc' })).status).toBe(401);
    expect((await post({ points: [point(1)] }, { Authorization: `Bearer ${TOKEN}x` })).status).toBe(403);
  });

  it('answers 415 to a body that is not JSON by its type, and 413 past the size limit', async () => {
    const { post, delivered } = setup({ INGEST_MAX_BODY_BYTES: '100' });
    expect((await post({ points: [point(1)] }, { 'Content-Type': 'text/plain' })).status).toBe(415);
    const big = await post({ points: Array.from({ length: 20 }, () => point(1)) });
    expect([big.status, big.json.error.code]).toEqual([413, 'body_too_large']);
    expect(delivered).toEqual([]);
  });

  it('answers 429 with Retry-After once the client has spent its budget', async () => {
    const { post } = setup({}, { capacity: 2, perSecond: 1 });
    expect((await post({ points: [point(1)] })).status).toBe(200);
    expect((await post({ points: [point(1)] })).status).toBe(200);
    const refused = await post({ points: [point(1)] });
    expect([refused.status, refused.json.error.code, refused.headers['Retry-After']]).toEqual([
      429,
      'rate_limited',
      '1',
    ]);
  });

  it('refuses a batch with any bad point as a whole, naming each bad point and why', async () => {
    const { post, delivered } = setup();
    const now = Date.now();
    const answer = await post({
      points: [
        point(1),
        { feed: 'disk', value: 1 },
        point(A.max - A.min + 1),
        { feed: FEED_A, value: '1' },
        point(1, now - 3_600_000),
        point(1, now + 3_600_000),
        { feed: FEED_A, value: 1, timestamp: now },
        point(1, 1.5),
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('invalid_points');
    expect(answer.json.error.message).toBe('7 of 8 points are invalid; nothing was applied.');
    const reasons = answer.json.error.points;
    expect(reasons.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reasons[0]!.reason).toMatch(/feed "disk" is not in the catalogue/);
    expect(reasons[1]!.reason).toContain(`outside ${FEED_A}'s range ${A.min}..${A.max}`);
    expect(reasons[2]!.reason).toMatch(/^value: /);
    expect(reasons[3]!.reason).toMatch(/behind the server's clock/);
    expect(reasons[4]!.reason).toMatch(/ahead of the server's clock/);
    expect(reasons[5]!.reason).toMatch(/timestamp/);
    expect(reasons[6]!.reason).toMatch(/^ts: /);
    expect(delivered).toEqual([]);
  });

  it('refuses a point older than its feed newest, and keeps times non-decreasing within a batch', async () => {
    const { post, delivered } = setup();
    const now = Date.now();
    expect((await post({ points: [point(1, now - 1000)] })).status).toBe(200);
    const late = await post({ points: [{ feed: FEED_B, value: B.min }, point(2, now - 2000)] });
    expect(late.status).toBe(400);
    expect(late.json.error.points).toEqual([
      { index: 1, reason: expect.stringContaining(`older than ${FEED_A}'s newest`) },
    ]);
    const unordered = await post({ points: [point(2, now - 500), point(3, now - 900)] });
    expect(unordered.json.error.points).toEqual([
      { index: 1, reason: expect.stringContaining(`older than ${FEED_A}'s newest`) },
    ]);
    expect(delivered).toHaveLength(1);
  });

  it('answers 400 to a body that is not JSON or not {"points": [...]}', async () => {
    const { post } = setup();
    expect((await post('{"points": [')).json.error.code).toBe('invalid_json');
    expect((await post({ point: [] })).json.error.code).toBe('invalid_body');
    expect((await post({ points: [] })).json.error.code).toBe('invalid_body');
    expect((await post({ points: [point(1)] }, { 'Idempotency-Key': '' })).json.error.code).toBe(
      'invalid_idempotency_key',
    );
  });

  it('applies a keyed batch once: a retry gets the first answer with the duplicate counted, another body 422', async () => {
    const { post, delivered } = setup();
    const body = JSON.stringify({ points: [point(1), point(2)] });
    const first = await post(body, { 'Idempotency-Key': '"batch-1"' });
    expect(first.json).toEqual({ accepted: 2, duplicate: 0 });
    const retry = await post(body, { 'Idempotency-Key': 'batch-1' });
    expect([retry.status, retry.json, retry.headers['Idempotent-Replayed']]).toEqual([
      200,
      { accepted: 2, duplicate: 2 },
      'true',
    ]);
    const other = await post({ points: [point(3)] }, { 'Idempotency-Key': 'batch-1' });
    expect([other.status, other.json.error.code]).toEqual([422, 'idempotency_key_reused']);
    expect(delivered.map((e) => e.event.seq)).toEqual([1, 2]);
  });

  it('answers 503 with Retry-After while draining, and applies nothing', async () => {
    const { runtime, delivered } = setup();
    const request = new Request('http://test/api/ingest', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ points: [point(1)] }),
    });
    const answer = await handleIngest(request, { ...runtime, draining: true });
    expect([answer.status, answer.headers.Connection]).toEqual([503, 'close']);
    expect(delivered).toEqual([]);
  });
});
