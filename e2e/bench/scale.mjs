// @ts-check
// Scale: how the cost of a stream grows with the number of streams. Each server (both stream
// paths of the app, the node:http reference, the plain Next peer) is started once and given
// more and more streams at 1 Hz × every feed; at each step, a window measures delivered events,
// publish→receive latency, the server's CPU, RSS, open file descriptors and event loop. Then the
// push steps go on until something breaks (streams refused, events lost, the process gone), and
// the bench says what. Last, Redis at scale: three instances on one Redis (redis-scale.mjs).
//
// Prints a report, and writes its table into docs/performance.md (between the bench:scale
// markers) and the plot to docs/performance-scale.svg; BENCH_WRITE_DOCS=0 leaves docs alone.
//
// env: BENCH_SCALE_STEPS=1000,2500,5000,10000   BENCH_SCALE_PUSH=15000,20000,25000 ('' skips)
//      BENCH_SCALE_WINDOW_S=10   BENCH_SCALE_KINDS=route,raw,reference,peer
//      BENCH_SCALE_PER_PROCESS=2500 (streams per load generator process)
//      BENCH_SCALE_REDIS_STEPS=1000,2000,3000 (total over three instances; '' skips)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FEEDS, streamPath } from './harness/feeds.mjs';
import { Load } from './harness/load.mjs';
import { fdLimit, openFds, readProbe, treeCpuSeconds, treeRssKb } from './harness/proc.mjs';
import { machineHeader, table, writeDocsBlock } from './harness/report.mjs';
import { LABEL, startServer } from './harness/servers.mjs';
import { fmt, sleep } from './harness/stats.mjs';
import { brokenStep } from './harness/steps.mjs';
import { lineChartSvg } from './harness/svg-plot.mjs';

/** @typedef {import('./harness/steps.mjs').Step} Step */

/**
 * @param {string | undefined} value
 * @param {string} fallback
 */
const list = (value, fallback) =>
  (value ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const STEPS = list(process.env.BENCH_SCALE_STEPS, '1000,2500,5000,10000').map(Number);
const PUSH = list(process.env.BENCH_SCALE_PUSH, '15000,20000,25000').map(Number);
const WINDOW_S = Number(process.env.BENCH_SCALE_WINDOW_S ?? 10);
const KINDS = list(process.env.BENCH_SCALE_KINDS, 'route,raw,reference,peer');
const PER_PROCESS = Number(process.env.BENCH_SCALE_PER_PROCESS ?? 2500);
const RATE_HZ = 1;
const WARMUP_MS = 3000;
const LOCAL_ADDRESSES = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 1}`);
/** The route handler's knee: where p99 publish→receive passes this. */
const KNEE_P99_MS = 1000;
const DOC = 'docs/performance.md';
const PLOT = 'docs/performance-scale.svg';

/** The clients' failed attempts (each is retried), e.g. `ECONNRESET × 236`, or ''. */
/** @param {Record<string, number>} errors */
const attemptsText = (errors) =>
  Object.entries(errors)
    .filter(([why]) => why !== 'ended after opening')
    .sort((a, b) => b[1] - a[1])
    .map(([why, n]) => `${why} × ${fmt(n)}`)
    .join(', ');

/**
 * What the server's log and /proc say about a broken step.
 * @param {{ logFile: string }} server
 * @param {Step} step
 */
function diagnose(server, step) {
  const log = readFileSync(server.logFile, 'utf8');
  const notes = [];
  const attempts = attemptsText(step.errors);
  if (attempts) notes.push(`failed attempts to open: ${attempts}`);
  if (/EMFILE|too many open files/i.test(log)) notes.push('server log: EMFILE (too many open files)');
  if (/heap out of memory|Allocation failed/i.test(log)) notes.push('server log: JavaScript heap out of memory');
  if (step.fds !== undefined && Number.isFinite(step.fds))
    notes.push(
      `server fds ${fmt(step.fds)} of ulimit -n ${fmt(step.fdLimit)}${step.fds >= (step.fdLimit ?? Infinity) - 50 ? ' (at the limit)' : ''}`,
    );
  if (step.eventLoop) notes.push(`event loop ${fmt(step.eventLoop.utilization * 100)} % busy`);
  return notes.join('; ');
}

/**
 * @param {'route' | 'raw' | 'reference' | 'peer'} kind
 * @returns {Promise<{ kind: string, idleRssKb: number, steps: Step[] }>}
 */
async function scaleKind(kind) {
  const probeDir = mkdtempSync(`${tmpdir()}/bench-probe-`);
  const top = Math.max(...STEPS, ...PUSH);
  const server = await startServer(kind, {
    rateHz: RATE_HZ,
    maxStreams: top,
    env: { BENCH_PROBE_DIR: probeDir },
    nodeFlags: ['--import', './e2e/bench/server-probe.mjs'],
  });
  // Each generator process connects from its own loopback address: one address has ~28,000
  // ephemeral ports towards one server port, and the push steps must find the server's limit.
  const load = new Load({ perProcess: PER_PROCESS, localAddresses: LOCAL_ADDRESSES });
  const pid = server.pid ?? 0;
  const idleRssKb = treeRssKb(pid);
  /** @type {Step[]} */
  const steps = [];
  try {
    /** @type {[string, number][]} */
    const plan = [
      ...STEPS.map((n) => /** @type {[string, number]} */ (['step', n])),
      ...PUSH.map((n) => /** @type {[string, number]} */ (['push', n])),
    ];
    for (const [phase, streams] of plan) {
      if (streams <= load.streams) continue;
      const opened = await load.add(`${server.url}${streamPath(kind)}`, streams - load.streams);
      await sleep(WARMUP_MS);
      await readProbe(pid, probeDir); // resets the event loop figures for the window
      const cpu0 = treeCpuSeconds(pid);
      const window = await load.measure(WINDOW_S * 1000);
      const cpuSeconds = treeCpuSeconds(pid) - cpu0;
      const probe = server.alive ? await readProbe(pid, probeDir) : null;
      const rssKb = server.alive ? treeRssKb(pid) : NaN;
      const lostEvents = window.lostTicks * FEEDS.length;
      /** @type {Step} */
      const step = {
        kind,
        phase,
        streams,
        started: opened.started,
        failed: opened.failed,
        errors: opened.errors,
        alive: server.alive,
        exit: server.child.exitCode ?? server.child.signalCode,
        missingWindows: window.missing,
        eventsPerSecond: window.eventsPerSecond,
        ofNominal: window.eventsPerSecond / Math.max(1, opened.started * FEEDS.length * RATE_HZ),
        lostEvents,
        dropped: window.dropped,
        silent: window.silent,
        p50: window.p50,
        p99: window.p99,
        cpuCorePercent: (cpuSeconds / window.seconds) * 100,
        cpuMicrosPerStream: (cpuSeconds / window.seconds / Math.max(1, opened.started)) * 1e6,
        rssKb,
        rssPerStreamKb: (rssKb - idleRssKb) / Math.max(1, opened.started),
        fds: openFds(pid),
        fdLimit: fdLimit(pid),
        eventLoop: probe?.eventLoop ?? null,
      };
      step.broken = brokenStep(step);
      if (step.broken) step.diagnosis = diagnose(server, step);
      steps.push(step);
      console.log(
        `${(LABEL[kind] ?? kind).padEnd(19)} ${fmt(streams).padStart(6)} streams: open ${fmt(step.started)}, ${fmt(step.eventsPerSecond)} ev/s (${fmt(step.ofNominal * 100, 1)} % of nominal, ${fmt(lostEvents)} lost), p50 ${fmt(step.p50)} ms, p99 ${fmt(step.p99)} ms, CPU ${fmt(step.cpuCorePercent)} % of a core (${fmt(step.cpuMicrosPerStream, 1)} µs/stream/s), RSS ${fmt(rssKb / 1024)} MB (${fmt(step.rssPerStreamKb, 1)} KB/stream), fds ${fmt(step.fds)}, event loop ${fmt((step.eventLoop?.utilization ?? NaN) * 100)} % busy${attemptsText(step.errors) ? `\n    failed attempts to open (each retried): ${attemptsText(step.errors)}` : ''}${step.broken ? `\n    BROKE: ${step.broken}; ${step.diagnosis}` : ''}`,
      );
      if (step.broken && phase === 'push') break;
    }
  } finally {
    load.close();
    await server.stop();
    rmSync(probeDir, { recursive: true, force: true });
  }
  return { kind, idleRssKb, steps };
}

/** @type {Record<string, string>} */
const COLORS = { route: '#2563eb', raw: '#16a34a', reference: '#6b7280', peer: '#d97706' };

/** @typedef {{ kind: string, idleRssKb: number, steps: Step[] }} KindResult */

/** @param {KindResult[]} results */
function plot(results) {
  /** @param {'cpuMicrosPerStream' | 'rssPerStreamKb' | 'p99'} key */
  const series = (key) =>
    results.map(({ kind, steps }) => ({
      name: LABEL[kind] ?? kind,
      color: COLORS[kind] ?? '#000000',
      dashed: kind === 'reference' || kind === 'peer',
      points: steps.filter((s) => !s.broken).map((s) => ({ x: s.streams, y: s[key] })),
    }));
  return lineChartSvg({
    title: `Cost per stream against open streams (1 Hz × ${FEEDS.length} feeds)`,
    xLabel: 'open streams (log scale)',
    caption: 'From `npm run bench -- scale` (docs/performance.md says on which machine); broken steps left out.',
    panels: [
      {
        title: 'Server CPU per stream',
        yLabel: 'µs of CPU per stream per second',
        series: series('cpuMicrosPerStream'),
      },
      { title: 'RSS per stream (above idle)', yLabel: 'KB', series: series('rssPerStreamKb') },
      { title: 'p99 publish→receive', yLabel: 'ms', series: series('p99') },
    ],
  });
}

/** @param {Step} s */
function stepRow(s) {
  return [
    s.label ?? LABEL[s.kind],
    `${fmt(s.streams)}${s.phase === 'push' ? ' (push)' : ''}`,
    `${fmt(s.eventsPerSecond)} (${fmt(s.ofNominal * 100)} %)`,
    fmt(s.p50),
    fmt(s.p99),
    fmt(s.cpuCorePercent),
    fmt(s.cpuMicrosPerStream, 1),
    fmt(s.rssPerStreamKb, 1),
    s.eventLoop ? fmt(s.eventLoop.utilization * 100) : '–',
    s.redisCommandsPerInstance === undefined ? '–' : `**${fmt(s.redisCommandsPerInstance, 1)}**`,
    s.broken
      ? `**broke**: ${s.broken}`
      : attemptsText(s.errors ?? {})
        ? `held (retried opens: ${attemptsText(s.errors)})`
        : 'held',
  ];
}

/**
 * The targets, per step: raw path against the reference, the route handler's knee.
 * @param {KindResult[]} results
 */
function verdicts(results) {
  /** @type {Record<string, Step[]>} */
  const byKind = Object.fromEntries(results.map((r) => [r.kind, r.steps]));
  const lines = [];
  const rawSteps = byKind.raw;
  const refSteps = byKind.reference;
  if (rawSteps && refSteps) {
    const rows = STEPS.map((n) => {
      const raw = rawSteps.find((s) => s.streams === n);
      const ref = refSteps.find((s) => s.streams === n);
      if (!raw || !ref) return [fmt(n), '–', '–', '–', '–'];
      const p99 = (raw.p99 ?? 0) / Math.max(1, ref.p99 ?? 0);
      const rss = raw.rssPerStreamKb / ref.rssPerStreamKb;
      return [
        fmt(n),
        raw.broken ? `**no** (${raw.broken})` : 'yes',
        `${fmt(p99, 2)}× ${p99 <= 1.5 ? '' : '**over**'}`,
        `${fmt(rss, 2)}× ${rss <= 1.1 ? '' : '**over**'}`,
        ref.broken ? `reference broke: ${ref.broken}` : '',
      ];
    });
    lines.push(
      table(
        [
          'streams',
          'raw path: every event delivered',
          'raw p99 / ref p99 (≤ 1.5×)',
          'raw RSS per stream / ref (≤ 1.1×)',
          '',
        ],
        rows,
      ),
    );
  }
  for (const kind of ['route', 'peer']) {
    const steps = byKind[kind];
    if (!steps) continue;
    const knee = steps.find((s) => s.p99 !== null && s.p99 > KNEE_P99_MS);
    const before = knee ? steps[steps.indexOf(knee) - 1] : null;
    lines.push(
      knee
        ? `${LABEL[kind]}: knee (p99 past ${KNEE_P99_MS} ms) at ${fmt(knee.streams)} streams (p99 ${fmt(knee.p99)} ms, event loop ${fmt((knee.eventLoop?.utilization ?? NaN) * 100)} % busy, CPU ${fmt(knee.cpuCorePercent)} % of a core)${before ? `; at ${fmt(before.streams)}: p99 ${fmt(before.p99)} ms, event loop ${fmt((before.eventLoop?.utilization ?? NaN) * 100)} % busy` : ''}.`
        : `${LABEL[kind]}: no knee up to ${fmt(steps.at(-1)?.streams)} streams (p99 stayed ≤ ${KNEE_P99_MS} ms).`,
    );
  }
  for (const { kind, steps } of results) {
    const first = steps.find((s) => s.broken);
    lines.push(
      first
        ? `${LABEL[kind]}: first broke at ${fmt(first.streams)} streams: ${first.broken}; ${first.diagnosis}.`
        : `${LABEL[kind]}: held up to ${fmt(steps.at(-1)?.streams)} streams.`,
    );
  }
  return lines.join('\n\n');
}

export default async function scale() {
  console.log(
    `\n## Scale: ${STEPS.map((n) => fmt(n)).join(' / ')} streams, then ${PUSH.length ? PUSH.map((n) => fmt(n)).join(' / ') : 'no push steps'} until something breaks; 1 Hz × ${FEEDS.length} feeds, ${WINDOW_S} s windows, one server process each, load from processes of ≤ ${fmt(PER_PROCESS)} streams\n`,
  );
  const header = machineHeader();
  /** @type {KindResult[]} */
  const results = [];
  for (const kind of KINDS) results.push(await scaleKind(/** @type {'route' | 'raw' | 'reference' | 'peer'} */ (kind)));
  // Optional part: a fork without Redis deletes redis-scale.mjs, and the bench skips the Redis rows.
  const redisBench = existsSync(new URL('./redis-scale.mjs', import.meta.url))
    ? await import('./redis-scale.mjs')
    : null;
  const redis = redisBench ? await redisBench.redisScale({ windowS: WINDOW_S, perProcess: PER_PROCESS }) : null;

  const columns = [
    'server',
    'streams',
    'delivered events/s (% of streams × feeds × 1 Hz)',
    'p50 ms',
    'p99 ms',
    'server CPU, % of a core',
    'CPU µs per stream per s',
    'RSS KB per stream',
    'event loop busy %',
    'Redis commands/s per instance',
    'step',
  ];
  const rows = [...results.flatMap((r) => r.steps), ...(redis?.steps ?? [])].map(stepRow);
  const report = [
    `Generated by \`npm run bench -- scale\`:\n\n${header.replace(/\n/g, '  \n')}`,
    table(columns, rows),
    verdicts(results),
    redis
      ? `Redis rows: three instances of the route handler on one Redis, streams spread evenly over them; p50/p99 are the worst instance's, CPU % the mean per instance.  \n${redis.report}`
      : 'Redis at scale: skipped (no redis-server, or BENCH_SCALE_REDIS_STEPS empty).',
    `![Cost per stream against open streams](performance-scale.svg)`,
  ].join('\n\n');
  console.log(`\n${report}\n`);
  if (process.env.BENCH_WRITE_DOCS !== '0') {
    writeFileSync(PLOT, plot(results));
    const written = writeDocsBlock(DOC, 'scale', report);
    console.log(
      `(wrote ${PLOT}${written ? ` and the bench:scale block of ${DOC}` : `; no bench:scale markers in ${DOC}`})`,
    );
  }
}
