// @ts-check
// Recovery after an outage: the real client connection manager (recovery.ts, run in Node)
// against the production route handler behind the chaos proxy; time from "server back" to
// `live`, and connection attempts during the outage, against the targets.
//
// env: BENCH_RECOVERY_CLIENTS=20  BENCH_RECOVERY_OUTAGES=2  (outages of 10 s)
import { fork } from 'node:child_process';
import { track } from './harness/children.mjs';
import { streamPath } from './harness/feeds.mjs';
import { table } from './harness/report.mjs';
import { startServer } from './harness/servers.mjs';
import { fmt, median, percentile } from './harness/stats.mjs';

export default async function recovery() {
  const clients = Number(process.env.BENCH_RECOVERY_CLIENTS ?? 20);
  const outages = Number(process.env.BENCH_RECOVERY_OUTAGES ?? 2);
  const outageMs = 10_000;
  console.log(
    `\n## Recovery after an outage: ${clients} clients × ${outages} outages of ${outageMs / 1000} s = ${clients * outages} samples (real ConnectionManager in Node, production server behind the chaos proxy; the clients of one outage run in parallel, each with its own jitter)\n`,
  );
  // The fan-out's default rate: reconnecting clients get a steady stream to go live on.
  const server = await startServer('route', { rateHz: 10 });
  const child = track(
    fork('e2e/bench/recovery.ts', [], {
      execArgv: [
        '--experimental-transform-types',
        '--disable-warning=ExperimentalWarning',
        '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
        '--import',
        './scripts/ts-hooks.mjs',
      ],
      env: {
        ...process.env,
        TARGET_PORT: new URL(server.url).port,
        CLIENTS: String(clients),
        OUTAGES: String(outages),
        OUTAGE_MS: String(outageMs),
        STREAM_PATH: streamPath('route'),
      },
    }),
  );
  /** @type {{ latencies: (number | null)[], attemptRates: number[] }} the client's figures (recovery.ts) */
  let result;
  try {
    result = await new Promise((resolve, reject) => {
      child.on('message', (/** @type {{ type: string, result?: typeof result }} */ message) => {
        if (message.type === 'result' && message.result) resolve(message.result);
      });
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
  /** @param {boolean} ok */
  const met = (ok) => (ok ? 'met' : '**not met**');
  console.log(
    table(
      ['figure', 'measured', 'target', 'met?'],
      [
        ['median, server back → `live`', `${fmt(med, 2)} s`, '≤ 3 s', met(med !== null && med <= 3)],
        ['p95, server back → `live`', `${fmt(p95, 2)} s`, '≤ 8 s', met(p95 !== null && p95 <= 8)],
        ['attempts per client per second during the outage (mean)', fmt(rate, 2), '≤ 1', met(rate <= 1)],
      ],
    ),
  );
  console.log(
    `\nslowest ${fmt(Math.max(...recovered), 2)} s, fastest ${fmt(Math.min(...recovered), 2)} s; most attempts by one client in one outage: ${fmt(Math.max(...result.attemptRates) * (outageMs / 1000))}${missing ? `; ${missing} client(s) not live within 60 s` : ''}`,
  );
}
