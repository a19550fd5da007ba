// @ts-check
// `npm run bench -- ingest`: POST /api/ingest measured on a production server (`next start`,
// PRODUCER=off, so the log holds only what the bench pushes), with the memory bus and, when
// `redis-server` is installed, the Redis bus. Prints markdown for docs/performance.md.
//
// - Throughput: SENDERS concurrent senders push batches of 1, 100 and 1000 points for
//   DURATION_S each; accepted points/s and requests/s. The reference, in the same run and on
//   the same server: requests whose body `{"points":[]}` is read and refused (400), which is
//   what a request through Next and the route's checks costs before a point is validated or
//   appended.
// - Latency: one point at a time, LATENCY_HZ per second for LATENCY_S, each with an
//   Idempotency-Key; the time from sending the POST to the point arriving on an open stream
//   (same machine, same clock), p50 and p99, and the POST's own round trip.
//
// env: BENCH_INGEST_SENDERS=8  BENCH_INGEST_DURATION_S=5  BENCH_INGEST_LATENCY_HZ=50
//      BENCH_INGEST_LATENCY_S=10. The senders and the reader run in this process, on the same
//      cores as the server: the figures are the whole machine's, client included.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness/servers.mjs';
import { fmt, percentile, sleep } from './harness/stats.mjs';

const SENDERS = Number(process.env.BENCH_INGEST_SENDERS ?? 8);
const DURATION_S = Number(process.env.BENCH_INGEST_DURATION_S ?? 5);
const LATENCY_HZ = Number(process.env.BENCH_INGEST_LATENCY_HZ ?? 50);
const LATENCY_S = Number(process.env.BENCH_INGEST_LATENCY_S ?? 10);
const TOKEN = 'bench-ingest-token-0123456789abcdef0123';
const BATCHES = [1, 100, 1000];

/**
 * @param {Record<string, string>} env
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
async function startApp(env) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        NODE_ENV: 'production',
        AUTH_MODE: 'off',
        PRODUCER: 'off',
        INGEST_TOKEN: TOKEN,
        INGEST_RATE_BURST: '1000000',
        INGEST_RATE_PER_S: '1000000',
        // Room for every point of a phase: the bench is not about eviction.
        SSE_REPLAY_CAPACITY: '2000000',
        ...env,
      },
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      const health = await (await fetch(`${url}/api/health`)).json();
      if (health.status === 'ok') break;
    } catch {
      // not up yet
    }
    if (i > 300) throw new Error(`${url} never became healthy`);
    await sleep(100);
  }
  return { url, stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.kill('SIGKILL'))) };
}

/** @returns {Promise<{ url: string, stop: () => Promise<void> } | null>} */
async function startRedis() {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
    stdio: 'ignore',
  });
  await sleep(300);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => (rmSync(dir, { recursive: true, force: true }), resolve()));
        child.kill('SIGKILL');
      }),
  };
}

/**
 * A stream of one feed that calls `onValue(value, at)` for every metric point, and resumes from
 * its last cursor if the server ends it (a Redis hiccup on a loaded machine ends open streams).
 * @param {string} url
 * @param {string} feed
 * @param {(value: number, at: number) => void} onValue
 */
function openReader(url, feed, onValue) {
  /** @type {string | null} */
  let cursor = null;
  let closed = false;
  /** @type {import('node:http').ClientRequest | null} */
  let current = null;
  /** @type {() => void} */
  let resolveOpened = () => {};
  /** @type {Promise<void>} */
  const opened = new Promise((resolve) => (resolveOpened = resolve));
  const connect = () => {
    if (closed) return;
    const headers = { Accept: 'text/event-stream', ...(cursor ? { 'Last-Event-ID': cursor } : {}) };
    const req = request(`${url}/api/stream?feeds=${feed}`, { headers, agent: false }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (/** @type {string} */ chunk) => {
        const at = performance.now();
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const value = /^data: \{"feed":"[a-z_0-9]+","seq":\d+,"ts":\d+,"value":([\d.]+)\}$/.exec(line);
          if (value) onValue(Number(value[1]), at);
          else if (line.startsWith('id: ')) cursor = line.slice(4);
          else if (line.startsWith('event: hello')) resolveOpened();
        }
      });
      res.on('end', () => setTimeout(connect, 100));
    });
    current = req;
    req.on('error', () => setTimeout(connect, 100));
    req.end();
  };
  connect();
  return {
    opened,
    close: () => {
      closed = true;
      current?.destroy();
    },
  };
}

/**
 * @param {string} url
 * @param {string} body
 * @param {string} [token]
 * @param {string} [key] an Idempotency-Key
 */
const post = (url, body, token = TOKEN, key) =>
  fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...(key ? { 'Idempotency-Key': key } : {}),
    },
    body,
  });

/**
 * SENDERS loops posting `body` for `seconds`: requests answered `expected` (any, for 0) per
 * second, and how many were answered 200 (their points are in the log).
 * @param {string} url
 * @param {string} body
 * @param {string} token
 * @param {number} expected
 * @param {number} [seconds]
 */
async function throughput(url, body, token, expected, seconds = DURATION_S) {
  let answered = 0;
  let other = 0;
  let ok = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (performance.now() < until) {
        const response = await post(url, body, token);
        await response.arrayBuffer();
        if (response.status === 200) ok += 1;
        if (response.status === expected || expected === 0) answered += 1;
        else other += 1;
      }
    }),
  );
  return { ok, perSecond: answered / ((performance.now() - started) / 1000), other };
}

/**
 * @param {string} label
 * @param {Record<string, string>} env
 */
async function measureBus(label, env) {
  const app = await startApp(env);
  try {
    let received = 0;
    const reader = openReader(app.url, 'cpu', () => (received += 1));
    await reader.opened;
    /** @param {number} n */
    const points = (n) =>
      JSON.stringify({ points: Array.from({ length: n }, (_, i) => ({ feed: 'cpu', value: i % 100 })) });
    let accepted = 0;
    // Warm-up: JIT and each path's first run.
    for (const [size, body] of /** @type {[number, string][]} */ ([
      [0, JSON.stringify({ points: [] })],
      [1, points(1)],
      [100, points(100)],
    ]))
      accepted += (await throughput(app.url, body, TOKEN, 0, 1)).ok * size;
    const floor = await throughput(app.url, JSON.stringify({ points: [] }), TOKEN, 400);
    console.log(`\n### ${label}\n`);
    console.log('| batch | accepted points/s | requests/s | requests vs. the reference |');
    console.log('|---|---|---|---|');
    console.log(
      `| none: \`{"points":[]}\` refused after reading (400, reference) | – | ${fmt(floor.perSecond)} | 1.00× |`,
    );
    for (const size of BATCHES) {
      const run = await throughput(app.url, points(size), TOKEN, 200);
      accepted += run.ok * size;
      const note = run.other ? ` (${run.other} other answers)` : '';
      console.log(
        `| ${size} | **${fmt(run.perSecond * size)}** | ${fmt(run.perSecond)}${note} | ${fmt(run.perSecond / floor.perSecond, 2)}× |`,
      );
    }
    // Every accepted point must reach the open stream (the reader's work is part of the cost).
    const drainStarted = performance.now();
    for (let i = 0; i < 600 && received < accepted; i += 1) await sleep(100);
    console.log(
      `\nthe open stream received ${fmt(received)} of the ${fmt(accepted)} points accepted, the last ` +
        `${fmt((performance.now() - drainStarted) / 1000, 1)} s after the senders stopped`,
    );
    reader.close();

    // Latency: one point at a time, each with its own key, as a careful producer sends them.
    /** @type {Map<number, number>} */
    const sentAt = new Map();
    /** @type {number[]} */
    const endToEnd = [];
    /** @type {number[]} */
    const roundTrips = [];
    const latencyReader = openReader(app.url, 'queue_depth', (value, at) => {
      const sent = sentAt.get(value);
      if (sent !== undefined) endToEnd.push(at - sent);
    });
    await latencyReader.opened;
    const count = LATENCY_HZ * LATENCY_S;
    for (let i = 0; i < count; i += 1) {
      const value = i % 10_000;
      const body = JSON.stringify({ points: [{ feed: 'queue_depth', value }] });
      const started = performance.now();
      sentAt.set(value, started);
      const response = await post(app.url, body, TOKEN, `bench-${label}-${i}`);
      await response.arrayBuffer();
      roundTrips.push(performance.now() - started);
      await sleep(Math.max(0, 1000 / LATENCY_HZ - (performance.now() - started)));
    }
    await sleep(500);
    latencyReader.close();
    console.log(
      `\nend-to-end, POST sent → point on an open stream (${endToEnd.length} of ${count} points, ${LATENCY_HZ}/s): ` +
        `p50 **${fmt(percentile(endToEnd, 50), 1)} ms**, p99 **${fmt(percentile(endToEnd, 99), 1)} ms**; ` +
        `the POST's round trip: p50 ${fmt(percentile(roundTrips, 50), 1)} ms, p99 ${fmt(percentile(roundTrips, 99), 1)} ms`,
    );
  } finally {
    await app.stop();
  }
}

export default async function ingest() {
  console.log(
    `\n## Ingest: POST /api/ingest (${SENDERS} concurrent senders, ${DURATION_S} s per batch size, one open reader; senders, reader and server on the same machine)`,
  );
  await measureBus('Memory bus', {});
  const redis = await startRedis();
  if (!redis) return console.log('\n(Redis bus skipped: redis-server is not installed.)');
  try {
    await measureBus('Redis bus', { REDIS_URL: redis.url });
  } finally {
    await redis.stop();
  }
}
