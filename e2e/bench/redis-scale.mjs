// @ts-check
// Redis at scale, part of the scale benchmark: three instances of the app (`next start`, the
// route handler) on one Redis, streams spread evenly over them, growing in steps. Per step:
// delivered events/s, latency, each instance's CPU and RSS, and the Redis commands per second
// per instance from `INFO commandstats` deltas over the window. Each instance reads the shared
// log with one blocking XREAD loop whatever its number of streams, so the command rate should
// stay flat as streams grow.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { FEEDS, streamPath } from './harness/feeds.mjs';
import { track } from './harness/children.mjs';
import { Load } from './harness/load.mjs';
import { brokenStep } from './harness/steps.mjs';
import { treeCpuSeconds, treeRssKb } from './harness/proc.mjs';
import { freePort, startServer } from './harness/servers.mjs';
import { fmt, percentileSorted, sleep } from './harness/stats.mjs';

const INSTANCES = 3;
const STEPS = (process.env.BENCH_SCALE_REDIS_STEPS ?? '1000,2000,3000').split(',').filter(Boolean).map(Number);
const RATE_HZ = 1;
const WARMUP_MS = 3000;

/** @typedef {import('./harness/steps.mjs').Step} Step */

async function startRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const port = await freePort();
  const child = track(
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    }),
  );
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  // Refused connects while redis-server starts are retried below; without a listener ioredis
  // prints each one as an "Unhandled error event". Once connected, errors are worth seeing.
  let connected = false;
  client.on('error', (error) => {
    if (connected) console.error(`[bench redis client] ${String(error)}`);
  });
  for (let i = 0; i < 100; i += 1) {
    try {
      await client.connect();
      connected = true;
      break;
    } catch {
      await sleep(100);
    }
  }
  return { url: `redis://127.0.0.1:${port}`, client, stop: () => (client.disconnect(), child.kill('SIGKILL')) };
}

/**
 * Calls per command since Redis started, from INFO commandstats (our own INFO left out).
 * @param {Redis} client
 */
async function commandCalls(client) {
  /** @type {Record<string, number>} */
  const calls = {};
  for (const match of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] && match[1] !== 'info') calls[match[1]] = Number(match[2]);
  }
  return calls;
}

/**
 * Waits until every instance is serving and one of them produces (holds the lease).
 * @param {{ url: string }[]} servers
 */
async function waitProducing(servers) {
  for (let i = 0; i < 300; i += 1) {
    const health = await Promise.all(
      servers.map(
        async (s) =>
          /** @type {{ status: string, producer: { running: boolean } }} */ (
            await (await fetch(`${s.url}/api/health`)).json()
          ),
      ),
    );
    if (health.every((h) => h.status === 'ok') && health.filter((h) => h.producer.running).length === 1) return;
    await sleep(200);
  }
  throw new Error('the Redis instances never came up with one producer');
}

/**
 * @param {{windowS: number, perProcess: number}} options
 * @returns {Promise<{steps: Step[], report: string} | null>} null when skipped
 */
export async function redisScale({ windowS, perProcess }) {
  if (!STEPS.length) return null;
  const redis = await startRedis();
  if (!redis) {
    console.log('Redis at scale: skipped (no redis-server on PATH).');
    return null;
  }
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  /** @type {Awaited<ReturnType<typeof startServer>>[]} */
  const servers = [];
  /** @type {Load[]} */
  const loads = [];
  /** @type {Step[]} */
  const steps = [];
  try {
    for (let i = 1; i <= INSTANCES; i += 1) {
      servers.push(
        await startServer('route', {
          rateHz: RATE_HZ,
          maxStreams: Math.max(...STEPS),
          env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, INSTANCE_ID: `bench-${i}` },
        }),
      );
      loads.push(new Load({ perProcess }));
    }
    await waitProducing(servers);
    const pids = servers.map((s) => s.pid ?? 0);
    const idleRss = pids.map((pid) => treeRssKb(pid));
    for (const total of STEPS) {
      const opened = await Promise.all(
        servers.map((s, i) => {
          const target = Math.floor(total / INSTANCES) + (i < total % INSTANCES ? 1 : 0);
          const load = /** @type {Load} */ (loads[i]);
          return load.add(`${s.url}${streamPath('route')}`, Math.max(0, target - load.streams));
        }),
      );
      await sleep(WARMUP_MS);
      const calls0 = await commandCalls(redis.client);
      const cpu0 = pids.map((pid) => treeCpuSeconds(pid));
      const windows = await Promise.all(loads.map((load) => load.measure(windowS * 1000)));
      const cpu = pids.map((pid, i) => treeCpuSeconds(pid) - (cpu0[i] ?? 0));
      const calls1 = await commandCalls(redis.client);
      const seconds = Math.max(...windows.map((w) => w.seconds));
      const perCommand = Object.entries(calls1)
        .map(([name, n]) => /** @type {[string, number]} */ ([name, (n - (calls0[name] ?? 0)) / seconds]))
        .filter(([, rate]) => rate > 0)
        .sort((a, b) => b[1] - a[1]);
      const commandsPerSecond = perCommand.reduce((sum, [, rate]) => sum + rate, 0);
      const started = opened.reduce((sum, o) => sum + o.started, 0);
      const events = windows.reduce((sum, w) => sum + w.events, 0);
      const lostEvents = windows.reduce((sum, w) => sum + w.lostTicks, 0) * FEEDS.length;
      // Percentiles over all instances: each window's p50/p99 weighted by its ticks would be an
      // approximation; the worst instance's is what a client can meet, so it is reported.
      /** @param {'p50' | 'p99'} key */
      const worst = (key) =>
        percentileSorted(
          windows.map((w) => w[key] ?? Infinity).sort((a, b) => a - b),
          100,
        );
      /** @type {Step} */
      const step = {
        kind: 'redis',
        label: `${INSTANCES} × route handler on Redis`,
        phase: 'step',
        streams: total,
        started,
        failed: opened.reduce((sum, o) => sum + o.failed, 0),
        errors: Object.assign({}, ...opened.map((o) => o.errors)),
        alive: servers.every((s) => s.alive),
        exit: servers.map((s) => s.child.exitCode ?? s.child.signalCode).join(' / '),
        missingWindows: windows.reduce((sum, w) => sum + w.missing, 0),
        eventsPerSecond: events / seconds,
        ofNominal: events / seconds / Math.max(1, started * FEEDS.length * RATE_HZ),
        lostEvents,
        dropped: windows.reduce((sum, w) => sum + w.dropped, 0),
        silent: windows.reduce((sum, w) => sum + w.silent, 0),
        p50: worst('p50'),
        p99: worst('p99'),
        cpuCorePercent: (cpu.reduce((a, b) => a + b, 0) / seconds / INSTANCES) * 100,
        cpuMicrosPerStream: (cpu.reduce((a, b) => a + b, 0) / seconds / Math.max(1, started)) * 1e6,
        rssPerStreamKb:
          pids.reduce((sum, pid, i) => sum + treeRssKb(pid) - (idleRss[i] ?? 0), 0) / Math.max(1, started),
        redisCommandsPerInstance: commandsPerSecond / INSTANCES,
        perCommand,
        perInstance: windows.map((w, i) => ({
          eventsPerSecond: w.eventsPerSecond,
          p99: w.p99,
          cpuCorePercent: ((cpu[i] ?? 0) / seconds) * 100,
        })),
      };
      step.broken = brokenStep(step);
      if (step.broken) step.broken += logNotes(servers);
      steps.push(step);
      console.log(
        `${INSTANCES} × route handler on Redis, ${fmt(total)} streams: ${fmt(step.eventsPerSecond)} ev/s (${fmt(step.ofNominal * 100, 1)} % of nominal, ${fmt(lostEvents)} lost), p99 ${fmt(step.p99)} ms (worst instance), Redis ${fmt(commandsPerSecond, 1)} commands/s (${perCommand.map(([name, rate]) => `${name} ${fmt(rate, 1)}`).join(', ')}), per instance ${fmt(step.redisCommandsPerInstance, 1)}/s${step.broken ? `\n    BROKE: ${step.broken}` : ''}`,
      );
    }
  } finally {
    loads.forEach((load) => load.close());
    await Promise.all(servers.map((s) => s.stop()));
    redis.stop();
  }
  return { steps, report: redisReport(steps) };
}

/**
 * What the instances logged about Redis and the producer lease (once per distinct line).
 * @param {{ logFile: string }[]} servers
 */
function logNotes(servers) {
  const lines = servers.flatMap((s, i) =>
    readFileSync(s.logFile, 'utf8')
      .split('\n')
      .filter((line) => /^\[(redis-bus|producer)\]/.test(line))
      .map((line) => `instance ${i + 1}: ${line.replace(/\s*\(further failures not logged\)/, '').slice(0, 120)}`),
  );
  return lines.length ? `; the instances logged: ${[...new Set(lines)].join('; ')}` : '';
}

/**
 * The commands behind each step's rate, for the line under the table.
 * @param {Step[]} steps
 */
function redisReport(steps) {
  return steps
    .map(
      (s) =>
        `Redis, ${fmt(s.streams)} streams: ${(s.perCommand ?? []).map(([name, rate]) => `${name} ${fmt(rate, 1)}/s`).join(', ')} (all instances); CPU per instance ${(s.perInstance ?? []).map((i) => `${fmt(i.cpuCorePercent)} %`).join(' / ')} of a core.`,
    )
    .join('  \n');
}
