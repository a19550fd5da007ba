// `npm run bench`: measures both stream paths of the app (the Next route handler of `npm start`
// and the raw node:http path of `npm run start:raw`) against a raw node:http reference server in
// the same run, and prints figures and ratios. Not a test: nothing here passes or fails. Needs a
// production build (`npm run build`). Documented in docs/performance.md.
//
// env (defaults finish in about five minutes on 2 cores):
//   BENCH_STREAMS=1000  BENCH_RATE_HZ=10  BENCH_DURATION_S=8  BENCH_ROUNDS=3  BENCH_FEEDS=8
//   BENCH_MEMORY_STREAMS=1000 (memory slope: from N to 2N streams at 1 Hz)
//   BENCH_SKIP=fanout,memory,bundle,store,browser,recovery,ingest   (skip parts; ingest: e2e/bench/ingest.mjs)
//   BENCH_RECOVERY_CLIENTS=20  BENCH_RECOVERY_OUTAGES=2  (recovery: clients × outages of 10 s)
// Run only some parts by naming them: `npm run bench -- recovery` (or `-- fanout store`).

import { fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const RATE_HZ = Number(process.env.BENCH_RATE_HZ ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEMORY_STREAMS = Number(process.env.BENCH_MEMORY_STREAMS ?? 1000);
const ALL_FEEDS = [
  'cpu',
  'memory',
  'rps',
  'latency_p95',
  'error_rate',
  'queue_depth',
  'db_connections',
  'cache_hit_rate',
];
const FEEDS = ALL_FEEDS.slice(0, Number(process.env.BENCH_FEEDS ?? 8));
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const PARTS = ['fanout', 'memory', 'bundle', 'store', 'browser', 'recovery', 'ingest'];
const ONLY = process.argv.slice(2);
for (const part of ONLY) {
  if (!PARTS.includes(part)) {
    console.error(`Unknown bench part "${part}": choose from ${PARTS.join(', ')}.`);
    process.exit(1);
  }
}
/** Whether a part runs: the named ones if any were named, else all but BENCH_SKIP. */
const runs = (part) => (ONLY.length ? ONLY.includes(part) : !SKIP.has(part));
const CLK_TCK = 100;
/** The servers measured: both stream paths of the app, and the reference they are compared with. */
const KINDS = ['route', 'raw', 'reference'];
const LABEL = { route: 'route handler', raw: 'raw stream path', reference: 'reference', floor: 'do-nothing route' };

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first.');
  process.exit(1);
}
mkdirSync('.tmp', { recursive: true });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** utime + stime of a process and all its descendants, in seconds. */
function treeCpuSeconds(rootPid) {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop();
    total += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) queue.push(child);
  }
  return total / CLK_TCK;
}

function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Heap in use after a forced GC, from e2e/bench/heap-probe.cjs preloaded into the server. */
async function heapAfterGcKb(pid, dir) {
  const file = `${dir}/${pid}.json`;
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i += 1) {
    await sleep(50);
    if (existsSync(file) && readFileSync(file, 'utf8') !== before)
      return JSON.parse(readFileSync(file, 'utf8')).heapUsed / 1024;
  }
  return NaN;
}

async function waitHealthy(url) {
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never became healthy`);
}

const SERVER_ARGS = {
  route: (port) => ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'],
  raw: (port) => ['raw-server.mjs', '-p', String(port), '-H', '127.0.0.1'],
  reference: () => ['e2e/bench/reference-server.mjs'],
};

async function startServer(kind, extraEnv = {}, nodeFlags = []) {
  const port = await freePort();
  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
    PORT: String(port),
    METRICS_INTERVAL_MS: String(Math.round(1000 / RATE_HZ)),
    SSE_MAX_CONNECTIONS: String(Math.max(STREAMS, 2 * MEMORY_STREAMS) + 100),
    // Auth is not what the bench measures: a public demo (npm start refuses to start without
    // AUTH_SECRET otherwise), and every load stream comes from one IP, so no per-client cap.
    AUTH_MODE: 'off',
    SSE_MAX_STREAMS_PER_CLIENT: String(Math.max(STREAMS, 2 * MEMORY_STREAMS) + 100),
    FEEDS: FEEDS.join(','),
    ...extraEnv,
  };
  const child = spawn(process.execPath, [...nodeFlags, ...SERVER_ARGS[kind](port)], { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  // Let start-up work (JIT, first ticks) settle before measuring anything.
  await sleep(1000);
  return {
    child,
    url,
    stop: () =>
      new Promise((resolve) =>
        child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGKILL')),
      ),
  };
}

async function measure(kind) {
  const server = await startServer(kind);
  const path =
    kind !== 'reference' && FEEDS.length < ALL_FEEDS.length ? `/api/stream?feeds=${FEEDS.join(',')}` : '/api/stream';
  const generator = fork('e2e/bench/load-generator.mjs', [], {
    env: {
      ...process.env,
      TARGET: `${server.url}${path}`,
      STREAMS: String(STREAMS),
      WARMUP_MS: '3000',
      DURATION_MS: String(DURATION_S * 1000),
    },
  });
  let cpuStart = 0;
  const result = await new Promise((resolve, reject) => {
    generator.on('message', (message) => {
      if (message.type === 'measuring') {
        cpuStart = treeCpuSeconds(server.child.pid);
      }
      if (message.type === 'result')
        resolve({ ...message.result, cpuSeconds: treeCpuSeconds(server.child.pid) - cpuStart });
    });
    generator.on('exit', (code) => code !== 0 && reject(new Error(`load generator exited ${code}`)));
  });
  await server.stop();
  return { ...result, eventsPerCpuSecond: result.events / Math.max(result.cpuSeconds, 0.01) };
}

/** Opens `count` streams that stay open; resolves with a handle once all have their first bytes. */
function holdStreams(url, count, extraEnv = {}) {
  const generator = fork('e2e/bench/load-generator.mjs', [], {
    env: { ...process.env, TARGET: url, STREAMS: String(count), DURATION_MS: '0', ...extraEnv },
  });
  return new Promise((resolve, reject) => {
    generator.on('message', (message) => message.type === 'opened' && resolve({ ...message, generator }));
    generator.on('exit', (code) => reject(new Error(`load generator exited ${code}`)));
  });
}

/** RSS and heap after GC at N and 2N open streams, 1 Hz: the marginal cost of one more stream. */
async function memorySlope(kind) {
  const heapDir = mkdtempSync(`${tmpdir()}/bench-heap-`);
  // `floor`: the route server's do-nothing streaming route handler (app/api/bench/idle-stream).
  const floor = kind === 'floor';
  // The floor route is locked like the fault route: ENABLE_FAULTS=1 and the token on every request.
  const faults = floor ? { ENABLE_FAULTS: '1', FAULTS_TOKEN: randomBytes(18).toString('base64url') } : {};
  const env = { METRICS_INTERVAL_MS: '1000', BENCH_HEAP_DIR: heapDir, ...faults };
  const server = await startServer(floor ? 'route' : kind, env, [
    '--expose-gc',
    '--import',
    './e2e/bench/heap-probe.mjs',
  ]);
  const pid = server.child.pid;
  const points = [];
  const holders = [];
  try {
    for (const step of [1, 2]) {
      const held = await holdStreams(
        `${server.url}${floor ? '/api/bench/idle-stream' : '/api/stream'}`,
        MEMORY_STREAMS,
        faults,
      );
      holders.push(held.generator);
      // A few ticks and a heartbeat-free settle, so every stream has written something.
      await sleep(3000);
      points.push({
        streams: step * MEMORY_STREAMS,
        failed: held.failed,
        rssKb: rssKb(pid),
        heapKb: await heapAfterGcKb(pid, heapDir),
      });
    }
  } finally {
    holders.forEach((g) => g.kill('SIGKILL'));
    await server.stop();
    rmSync(heapDir, { recursive: true, force: true });
  }
  const [a, b] = points;
  const streams = b.streams - a.streams;
  return { points, rssPerStreamKb: (b.rssKb - a.rssKb) / streams, heapPerStreamKb: (b.heapKb - a.heapKb) / streams };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function fanOut() {
  console.log(
    `\n## Fan-out: ${STREAMS} streams × ${FEEDS.length} feeds × ${RATE_HZ} Hz, ${DURATION_S} s windows, ${ROUNDS} rounds (route, raw, reference in turn)\n`,
  );
  const runs = { route: [], raw: [], reference: [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const kind of KINDS) {
      const r = await measure(kind);
      runs[kind].push(r);
      console.log(
        `round ${round} ${LABEL[kind].padEnd(15)} open ${r.started}/${STREAMS}  ${fmt(r.eventsPerSecond)} ev/s  ${fmt(r.eventsPerCpuSecond)} ev/CPU-s  p50 ${r.p50} ms  p99 ${r.p99} ms`,
      );
    }
  }
  const summary = (kind) => ({
    eventsPerSecond: median(runs[kind].map((r) => r.eventsPerSecond)),
    eventsPerCpuSecond: median(runs[kind].map((r) => r.eventsPerCpuSecond)),
    p50: median(runs[kind].map((r) => r.p50)),
    p99: median(runs[kind].map((r) => r.p99)),
  });
  const [route, raw, ref] = KINDS.map(summary);
  // Per round, each path against the reference measured in the same round; the median of those.
  const ratio = (kind, key) =>
    median(runs[kind].map((r, i) => r[key] / Math.max(runs.reference[i][key], key.startsWith('p') ? 1 : 0.01)));
  console.log(
    '\n| median | route handler | raw stream path | raw node:http reference | route / ref | raw / ref | targets |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const row = (label, key, digits, target) =>
    console.log(
      `| ${label} | ${fmt(route[key], digits)} | ${fmt(raw[key], digits)} | ${fmt(ref[key], digits)} | **${fmt(ratio('route', key), 2)}×** | **${fmt(ratio('raw', key), 2)}×** | ${target} |`,
    );
  row('delivered events/s', 'eventsPerSecond', 0, '');
  row('events per server-CPU-second', 'eventsPerCpuSecond', 0, 'route ≥ 0.5×, raw ≥ 0.9×');
  row('p50 publish→receive (ms)', 'p50', 0, '');
  row('p99 publish→receive (ms)', 'p99', 0, 'route ≤ 1.5×');
  console.log('\n(ratios: median over rounds of each path against the reference of the same round)');
}

async function memory() {
  console.log(
    `\n## Memory: marginal cost of a stream, from ${MEMORY_STREAMS} to ${2 * MEMORY_STREAMS} open streams at 1 Hz\n`,
  );
  const results = {};
  for (const kind of [...KINDS, 'floor']) {
    results[kind] = await memorySlope(kind);
    const [a, b] = results[kind].points;
    console.log(
      `${LABEL[kind].padEnd(16)} RSS ${fmt(a.rssKb / 1024, 1)} → ${fmt(b.rssKb / 1024, 1)} MB, heap after GC ${fmt(a.heapKb / 1024, 1)} → ${fmt(b.heapKb / 1024, 1)} MB${a.failed + b.failed ? `  (${a.failed + b.failed} streams refused)` : ''}`,
    );
  }
  console.log(
    '\n| per extra open stream | route handler | raw stream path | raw node:http reference | do-nothing streaming route handler (floor) | targets |',
  );
  console.log('|---|---|---|---|---|---|');
  const row = (label, key, target) =>
    console.log(
      `| ${label} | **${fmt(results.route[key], 1)}** | **${fmt(results.raw[key], 1)}** | ${fmt(results.reference[key], 1)} | ${fmt(results.floor[key], 1)} | ${target} |`,
    );
  row('RSS (KB)', 'rssPerStreamKb', 'route ≤ 60 KB, raw ≤ 40 KB');
  row('heap after GC (KB)', 'heapPerStreamKb', '');
}

async function bundle() {
  console.log('\n## Bundle: first-load JS of /\n');
  const server = await startServer('route');
  const html = await (await fetch(`${server.url}/`)).text();
  // Module scripts only: the `noModule` polyfill is fetched by legacy browsers alone.
  const tags = [...html.matchAll(/<script[^>]*src="([^"]+\.js)"[^>]*>/g)];
  const srcs = [...new Set(tags.filter((m) => !/nomodule/i.test(m[0])).map((m) => m[1]))];
  let raw = 0;
  let gzip = 0;
  for (const src of srcs) {
    const body = Buffer.from(await (await fetch(new URL(src, server.url))).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  await server.stop();
  console.log(
    `${srcs.length} scripts: ${fmt(raw / 1024, 1)} KB minified, **${fmt(gzip / 1024, 1)} KB gzip** (target ≤ 160 KB)`,
  );
}

function store() {
  console.log('\n## Store merge (Vitest bench)\n');
  const out = '.tmp/bench-store.json';
  spawnSync('node_modules/.bin/vitest', ['bench', '--run', '--project', 'unit', `--outputJson=${out}`, 'lib/store'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    for (const file of report.files) {
      for (const group of file.groups) {
        for (const b of group.benchmarks) {
          const perOp = Number(/(\d+) events/.exec(b.name)?.[1] ?? 1);
          console.log(
            `${b.name}: ${fmt(b.hz)} ops/s → **${fmt(b.hz * perOp)} events/s** (target ≥ 1,000,000) ±${fmt(b.rme, 1)}%`,
          );
        }
      }
    }
  } catch (error) {
    console.log(`store bench failed: ${error}`);
  }
}

async function browser() {
  console.log('\n## Browser under load: ≥ 2,000 events/s for 10 s (Chromium, headless)\n');
  const { chromium } = await import('@playwright/test');
  const executablePath =
    process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  // 8 feeds every 3 ms: Node timers fire a little late, so this lands just above 2,000 events/s.
  const server = await startServer('route', { METRICS_INTERVAL_MS: '3' });
  const b = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await b.newPage();
  await page.addInitScript(() => {
    window.__perf = { longTasks: [], frames: [] };
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => window.__perf.longTasks.push(e.duration)),
    ).observe({ type: 'longtask', buffered: true });
    const frame = (t) => {
      window.__perf.frames.push(t);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.goto(server.url);
  await page.waitForSelector('[data-state="live"]');
  await sleep(2000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await page.evaluate(() => {
    window.__perf.longTasks = [];
    window.__perf.frames = [];
  });
  const applied0 = Number(await page.getAttribute('[data-testid="dashboard"]', 'data-events-applied'));
  const busy0 = await busy();
  const started = Date.now();
  await sleep(10_000);
  const wall = (Date.now() - started) / 1000;
  const busy1 = await busy();
  const applied1 = Number(await page.getAttribute('[data-testid="dashboard"]', 'data-events-applied'));
  const perf = await page.evaluate(() => window.__perf);
  await b.close();
  await server.stop();
  const deltas = perf.frames.slice(1).map((t, i) => t - perf.frames[i]);
  const dropped = deltas.reduce((sum, d) => sum + Math.max(0, Math.round(d / (1000 / 60)) - 1), 0);
  console.log(`events applied by the store: ${fmt((applied1 - applied0) / wall)} /s`);
  console.log(
    `long tasks (> 50 ms): **${perf.longTasks.length}**${perf.longTasks.length ? `, longest ${fmt(Math.max(...perf.longTasks))} ms` : ''} (target: none)`,
  );
  console.log(`frames: ${perf.frames.length} in ${fmt(wall, 1)} s, ~${dropped} dropped at 60 Hz`);
  console.log(`main-thread busy: ${fmt(((busy1 - busy0) / wall) * 100, 1)}%`);
}

/** Nearest-rank percentile. */
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function recovery() {
  const clients = Number(process.env.BENCH_RECOVERY_CLIENTS ?? 20);
  const outages = Number(process.env.BENCH_RECOVERY_OUTAGES ?? 2);
  const outageMs = 10_000;
  console.log(
    `\n## Recovery after an outage: ${clients} clients × ${outages} outages of ${outageMs / 1000} s = ${clients * outages} samples (real ConnectionManager in Node, production server behind the chaos proxy; the clients of one outage run in parallel, each with its own jitter)\n`,
  );
  // Auth off: this measures the connection policy, not sign-in (AUTH_MODE is ignored where unknown).
  const server = await startServer('route', { AUTH_MODE: 'off' });
  const child = fork('e2e/bench/recovery.ts', [], {
    execArgv: [
      '--experimental-transform-types',
      '--disable-warning=ExperimentalWarning',
      '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
      '--import',
      './e2e/bench/ts-hooks.mjs',
    ],
    env: {
      ...process.env,
      TARGET_PORT: new URL(server.url).port,
      CLIENTS: String(clients),
      OUTAGES: String(outages),
      OUTAGE_MS: String(outageMs),
      STREAM_PATH: FEEDS.length < ALL_FEEDS.length ? `/api/stream?feeds=${FEEDS.join(',')}` : '/api/stream',
    },
  });
  let result;
  try {
    result = await new Promise((resolve, reject) => {
      child.on('message', (message) => message.type === 'result' && resolve(message.result));
      child.on('exit', (code) => reject(new Error(`recovery client exited ${code} without a result`)));
    });
  } finally {
    child.kill();
    await server.stop();
  }
  const recovered = result.latencies.filter((s) => s !== null);
  const missing = result.latencies.length - recovered.length;
  const med = recovered.length ? median(recovered) : null;
  const p95 = missing > result.latencies.length * 0.05 ? null : percentile(recovered, 95);
  const rate = result.attemptRates.reduce((a, b) => a + b, 0) / result.attemptRates.length;
  const met = (ok) => (ok ? 'met' : '**not met**');
  console.log('| figure | measured | target | met? |');
  console.log('|---|---|---|---|');
  console.log(`| median, server back → \`live\` | ${fmt(med, 2)} s | ≤ 3 s | ${met(med !== null && med <= 3)} |`);
  console.log(`| p95, server back → \`live\` | ${fmt(p95, 2)} s | ≤ 8 s | ${met(p95 !== null && p95 <= 8)} |`);
  console.log(
    `| attempts per client per second during the outage (mean) | ${fmt(rate, 2)} | ≤ 1 | ${met(rate <= 1)} |`,
  );
  console.log(
    `\nslowest ${fmt(Math.max(...recovered), 2)} s, fastest ${fmt(Math.min(...recovered), 2)} s; most attempts by one client in one outage: ${fmt(Math.max(...result.attemptRates) * (outageMs / 1000))}${missing ? `; ${missing} client(s) not live within 60 s` : ''}`,
  );
}

console.log(
  `# npm run bench\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(
      ' ',
    )} at start\nNode ${process.version}, Next ${JSON.parse(readFileSync('node_modules/next/package.json', 'utf8')).version}`,
);
if (runs('fanout')) await fanOut();
if (runs('memory')) await memory();
if (runs('bundle')) await bundle();
if (runs('store')) store();
if (runs('browser')) await browser();
if (runs('recovery')) await recovery();
if (runs('ingest')) await (await import('./ingest.mjs')).ingest();
