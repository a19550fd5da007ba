import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChaosProxy, type ChaosProxy } from '../kit';
import { waitForHealth } from '../fixtures/health';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { REDIS_APP_ENV } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { ingest, pointsBody, pushUntilAnswered, TEST_INGEST_TOKEN } from './support/ingest-client';
import { COUNTER_FEED } from '../fixtures/test-config';

/**
 * Exactly once across retries: a producer that sends a batch with an `Idempotency-Key` and
 * retries until it gets an answer must see it applied once, whether the first answer was cut
 * on the way back or the instance died after applying it, and wherever the retry lands. Two
 * instances on one Redis; the first is reached through the chaos proxy, which cuts the answer
 * after the batch is in the log (the reader on the second instance is what says so).
 */

/**
 * How long the proxy holds each chunk. The answer is cut once the point reaches the reader, so
 * this only has to outlast that notice (milliseconds); it is the window a busy machine gets.
 */
const HOLD_MS = 2500;

describe.runIf(canRun('redis-server', 'ingest idempotency tests'))('Idempotency-Key across instances', () => {
  let redis: RedisServer;
  let a: NextServer;
  let b: NextServer;
  let proxy: ChaosProxy;
  let reader: SseClient;

  const values = () => reader.metrics().map((m) => m.value);
  const start = (redisUrl: string) =>
    startNextServer({
      env: { ...REDIS_APP_ENV, REDIS_URL: redisUrl, PRODUCER: 'off', INGEST_TOKEN: TEST_INGEST_TOKEN },
    });

  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([start(redis.url), start(redis.url)]);
    proxy = await startChaosProxy({ target: a.port });
    await Promise.all([a, b].map((app) => waitForHealth(app.url, (h) => h.status === 'ok')));
    reader = await connectSse(`${b.url}/api/stream?feeds=${COUNTER_FEED}`);
    await reader.waitFor((c) => c.hello() !== undefined, 10_000, 'hello');
  });
  afterAll(async () => {
    reader?.close();
    await proxy?.close();
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await redis?.stop();
  });

  /** Sends `value` under `key` through the proxy, and cuts the answer once the point is in the log. */
  async function pushAndCutTheAnswer(value: number, key: string, afterCut: () => Promise<void>, retryTo: () => string) {
    const reasons: string[] = [];
    let attempt = 0;
    proxy.latency(HOLD_MS);
    const pushing = pushUntilAnswered(pointsBody(COUNTER_FEED, [value]), key, {
      target: () => (attempt++ === 0 ? proxy.url : retryTo()),
      attemptTimeoutMs: 30_000,
      onRetry: (reason) => reasons.push(reason),
    });
    await reader.waitFor((c) => c.metrics().some((m) => m.value === value), 20_000, `point ${value} in the log`);
    proxy.latency(0);
    proxy.cut();
    await afterCut();
    return { answer: await pushing, reasons };
  }

  it('retried after the answer was cut, a batch is applied once and answered as the first time', async () => {
    const { answer, reasons } = await pushAndCutTheAnswer(
      7,
      'batch-7',
      () => Promise.resolve(),
      () => proxy.url,
    );
    expect(reasons).toHaveLength(1);
    expect([answer.attempts, answer.status, answer.json]).toEqual([2, 200, { accepted: 1, duplicate: 1 }]);
    expect(answer.headers.get('idempotent-replayed')).toBe('true');
  });

  it('retried on another instance after the first died mid-request, a batch is applied once', async () => {
    const { answer } = await pushAndCutTheAnswer(
      8,
      'batch-8',
      async () => void (await a.stop('SIGKILL')),
      () => b.url,
    );
    expect([answer.attempts, answer.status, answer.json]).toEqual([2, 200, { accepted: 1, duplicate: 1 }]);
    // The key is in Redis, not in the dead instance: the same key with another body is still refused.
    const reused = await ingest(b.url, pointsBody(COUNTER_FEED, [9]), { key: 'batch-8' });
    expect([reused.status, reused.json.error?.code]).toEqual([422, 'idempotency_key_reused']);

    await ingest(b.url, pointsBody(COUNTER_FEED, [10]));
    await reader.waitFor((c) => c.metrics().some((m) => m.value === 10), 10_000, 'the last point');
    expect(values()).toEqual([7, 8, 10]);
    expect(reader.metrics().map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});
