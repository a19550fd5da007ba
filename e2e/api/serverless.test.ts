import { assertExactlyOnce } from '../kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelloData, ResetData, Snapshot } from '@/lib/metrics/events';
import { PUBLIC_DEMO_ENV } from '../fixtures/auth';
import { until } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse, type MetricRecord } from '../fixtures/sse-client';
import { pointsBody, pushUntilAnswered, TEST_INGEST_TOKEN } from './support/ingest-client';
import { startServerlessHost, type ServerlessHost } from './support/serverless-host';
import { COUNTER_FEED } from '../fixtures/test-config';

/**
 * The dashboard on a serverless host (docs/serverless.md), proven here rather than on a
 * platform: web instances that live a few seconds each on one Redis (killed by SIGKILL or
 * SIGTERM and replaced, frozen while idle and thawed later: support/serverless-host.ts), streams
 * rotated by SSE_MAX_STREAM_MS, no instance producing (PRODUCER=off), and a producer outside
 * pushing every point through POST /api/ingest to whichever instance is up, retrying with its
 * Idempotency-Key when an instance dies under it. A reader that resumes from its cursor on
 * whichever instance is up must see every pushed point exactly once, in order, with no reset.
 */

const FEED = COUNTER_FEED;
/** At least this many rotations, over at least this many instances. */
const ROTATIONS = 10;
const INSTANCES = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(canRun('redis-server', 'serverless semantics test'))('serverless semantics', () => {
  let redis: RedisServer;
  let host: ServerlessHost;

  beforeAll(async () => {
    redis = await startRedis();
    host = await startServerlessHost({
      env: {
        ...PUBLIC_DEMO_ENV,
        REDIS_URL: redis.url,
        PRODUCER: 'off',
        INGEST_TOKEN: TEST_INGEST_TOKEN,
        SSE_MAX_STREAM_MS: '1000',
        SSE_HEARTBEAT_MS: '1000',
        SSE_RETRY_MS: '200',
      },
    });
  });
  afterAll(async () => {
    await host?.close();
    await redis?.stop();
  });

  /** One request to any serving instance, with the host told when it is over. */
  async function onAnyInstance<T>(work: (url: string) => Promise<T>): Promise<T | undefined> {
    const instance = host.acquire();
    if (!instance) return undefined;
    try {
      return await work(instance.server.url);
    } catch {
      return undefined;
    } finally {
      host.release(instance);
    }
  }

  it('a reader sees every pushed point exactly once, in order, with no reset, across rotations and dying instances', async () => {
    // Where the reader starts: the cursor of a snapshot, as the page gets it when it renders.
    let cursor: string | undefined;
    await until(
      async () =>
        (cursor = await onAnyInstance(async (url) => {
          const response = await fetch(`${url}/api/snapshot?feeds=${FEED}`);
          return response.ok ? ((await response.json()) as Snapshot).cursor : undefined;
        })) !== undefined,
      30_000,
      'a first snapshot',
    );

    // ── The reader: one stream at a time, on any instance, always resuming from its cursor ──
    let stopReading = false;
    const seen: MetricRecord[] = [];
    const hellos: HelloData[] = [];
    const resets: ResetData[] = [];
    const servedBy = new Set<number>();
    let rotations = 0;
    let thawedServed = false;
    const reading = (async () => {
      while (!stopReading) {
        // A thawed instance is offered first: the next request is what wakes it on a platform.
        const instance = host.acquire('thawed');
        if (!instance) {
          await sleep(50);
          continue;
        }
        try {
          const client = await connectSse(`${instance.server.url}/api/stream?feeds=${FEED}`, {
            headers: { 'Last-Event-ID': cursor! },
          });
          const closer = setInterval(() => stopReading && client.close(), 50);
          await client.ended;
          clearInterval(closer);
          const hello = client.hello();
          if (hello) {
            hellos.push(hello);
            servedBy.add(instance.n);
            if (instance.thaws > 0) thawedServed = true;
          }
          resets.push(...client.resets());
          seen.push(...client.metrics());
          cursor = client.lastCursor() ?? cursor;
          if (client.records.some((r) => r.kind === 'event' && r.event === 'rotate')) rotations += 1;
          if (client.response.status !== 200) await sleep(50);
        } catch {
          await sleep(50); // refused or reset: the instance died under us
        } finally {
          host.release(instance);
        }
      }
    })();

    // ── The producer outside: one point at a time, each retried until it is answered ──
    let stopPushing = false;
    let pushed = 0;
    let retries = 0;
    let duplicates = 0;
    const unanswered: string[] = [];
    const pushing = (async () => {
      while (!stopPushing) {
        const answer = await pushUntilAnswered(pointsBody(FEED, [pushed]), `point-${pushed}`, {
          target: () => {
            const instance = host.acquire();
            // Nobody up: a refused connection, retried.
            if (!instance) return 'http://127.0.0.1:9';
            return { url: instance.server.url, release: () => host.release(instance) };
          },
          onRetry: () => (retries += 1),
        });
        if (answer.json.duplicate) duplicates += 1;
        if (answer.status !== 200) unanswered.push(`${pushed}: ${answer.status} ${JSON.stringify(answer.json)}`);
        pushed += 1;
        await sleep(40);
      }
    })();

    await until(
      () =>
        rotations >= ROTATIONS &&
        servedBy.size >= INSTANCES &&
        host.stats.killed.SIGKILL >= 1 &&
        host.stats.killed.SIGTERM >= 1 &&
        thawedServed,
      120_000,
      `${ROTATIONS} rotations over ${INSTANCES} instances, kills of both kinds and a thawed instance serving ` +
        `(so far ${rotations} rotations, ${servedBy.size} instances, host ${JSON.stringify(host.stats)})`,
    );
    stopPushing = true;
    await pushing;
    // Every answered point must reach the reader: wait for the last one, then stop reading.
    await until(() => seen.some((m) => m.value === pushed - 1), 30_000, 'the last pushed point');
    stopReading = true;
    await reading;

    console.log(
      `[serverless] ${pushed} points (${retries} retried attempts, ${duplicates} answered as duplicates), ${rotations} rotations, ${hellos.length} ` +
        `streams on ${servedBy.size} instances; host ${JSON.stringify(host.stats)}`,
    );
    expect(unanswered).toEqual([]);
    expect(resets).toEqual([]);
    expect(hellos.every((hello) => hello.resumed)).toBe(true);
    expect(seen.map((m) => m.value)).toEqual(Array.from({ length: pushed }, (_, i) => i));
    assertExactlyOnce(seen);
  }, 240_000);
});
