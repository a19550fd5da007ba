import { assertExactlyOnce } from '../kit';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '@/lib/metrics/events';
import { health, waitForHealth } from '../fixtures/health';
import type { NextServer } from '../fixtures/next-server';
import { startRedisApp, until } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * `npm run producer`: the source as a process of its own, publishing to Redis, with web
 * instances that never produce (PRODUCER=off), as on a serverless host. The producer is killed
 * (SIGKILL) and stopped (SIGTERM) and started again; a reader on a web instance sees the seqs
 * continue with no gap, no repeat and no reset.
 */

const ROOT = join(__dirname, '..', '..');
/** The npm script's own command line, so this test runs exactly what `npm run producer` runs. */
const PRODUCER_ARGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { producer: string } }
).scripts.producer
  .split(' ')
  .slice(1);

interface Producer {
  child: ChildProcess;
  output(): string;
  stop(signal: NodeJS.Signals): Promise<void>;
}

function startProducer(env: Record<string, string>): Producer {
  let log = '';
  const child = spawn(process.execPath, PRODUCER_ARGS, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  return {
    child,
    output: () => log,
    stop: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

describe.runIf(canRun('redis-server', 'producer process tests'))('npm run producer', () => {
  let redis: RedisServer;
  let web: NextServer[] = [];
  const producers: Producer[] = [];
  let reader: SseClient | undefined;

  const producerEnv = (name: string) => ({
    REDIS_URL: redis.url,
    METRICS_INTERVAL_MS: '100',
    METRICS_SEED: '42',
    INSTANCE_ID: name,
  });

  beforeAll(async () => {
    redis = await startRedis();
    web = await Promise.all([0, 1].map(() => startRedisApp(redis.url, { PRODUCER: 'off' })));
    await Promise.all(web.map((app) => waitForHealth(app.url, (h) => h.status === 'ok')));
  });
  afterEach(() => reader?.close());
  afterAll(async () => {
    await Promise.all(producers.map((producer) => producer.stop('SIGKILL')));
    await Promise.all(web.map((app) => app.stop('SIGKILL')));
    await redis?.stop();
  });

  it('fills an empty log with history, and a restarted producer continues the seqs with no reset', async () => {
    const [a, b] = web as [NextServer, NextServer];
    const first = startProducer(producerEnv('producer-1'));
    producers.push(first);
    await until(
      () => first.output().includes('holds the lease'),
      30_000,
      `the first producer to lead\n${first.output()}`,
    );

    // The log was empty: the producer loaded the demo's last window before producing.
    let snapshot: Snapshot | undefined;
    await until(
      async () => {
        snapshot = (await (await fetch(`${b.url}/api/snapshot?feeds=${FIRST_FEED}`)).json()) as Snapshot;
        return (snapshot.feeds[FIRST_FEED]?.ts.length ?? 0) > 100;
      },
      10_000,
      'the history in the log',
    );
    const epoch = snapshot!.epoch;
    reader = await connectSse(`${a.url}/api/stream?feeds=${FIRST_FEED}`, {
      headers: { 'Last-Event-ID': snapshot!.cursor },
    });
    const count = () => reader!.metrics().length;
    await reader.waitFor(() => count() >= 5, 10_000, 'live points from the first producer');

    // A crash: the lease expires, the next producer takes it and continues.
    await first.stop('SIGKILL');
    const second = startProducer(producerEnv('producer-2'));
    producers.push(second);
    const beforeSecond = count();
    await reader.waitFor(() => count() >= beforeSecond + 5, 20_000, 'points from the second producer');

    // A graceful stop gives the lease up at once.
    await second.stop('SIGTERM');
    expect(second.output()).toMatch(/SIGTERM: giving the lease up/);
    const third = startProducer(producerEnv('producer-3'));
    producers.push(third);
    const beforeThird = count();
    await reader.waitFor(() => count() >= beforeThird + 5, 20_000, 'points from the third producer');

    const seqs = reader.metrics().map((m) => m.seq);
    expect(reader.resets()).toEqual([]);
    expect(reader.hello()?.resumed).toBe(true);
    assertExactlyOnce(reader.metrics());
    expect(seqs[0]).toBe(snapshot!.feeds[FIRST_FEED]!.firstSeq + snapshot!.feeds[FIRST_FEED]!.ts.length);
    // One log throughout: the restarts changed neither the epoch nor who produces.
    expect(third.output()).not.toMatch(/history/);
    expect(await redis.command('GET', 'rtd:producer')).toBe('producer-3');
    for (const app of web) {
      const h = await health(app.url);
      expect([h.epoch, h.producer]).toEqual([
        epoch,
        expect.objectContaining({ mode: 'off', leader: false, running: false, ticks: 0 }),
      ]);
    }
  });
});
