// @ts-check
// Where a server's CPU goes under the fan-out load: starts one server of the bench with
// `--cpu-prof`, opens the streams, lets the profile cover a steady window, ends the load and the
// server (SIGTERM, so V8 writes the profile), and prints summarize-profile.mjs's summary of the
// window alone (no start-up, no stream opening, no teardown).
//
// Usage: node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON e2e/bench/profile.mjs <kind> [streams=1000] [hz=10] [seconds=8]
//   kind: route | raw | reference | peer (harness/servers.mjs). Profiles stay in .tmp/profiles/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { streamPath } from './harness/feeds.mjs';
import { Load } from './harness/load.mjs';
import { treeCpuSeconds } from './harness/proc.mjs';
import { startServer } from './harness/servers.mjs';
import { fmt, sleep } from './harness/stats.mjs';

const [kindArg = 'route', streamsArg = '1000', hzArg = '10', secondsArg = '8'] = process.argv.slice(2);
const kind = /** @type {'route' | 'raw' | 'reference' | 'peer'} */ (kindArg);
const streams = Number(streamsArg);
const seconds = Number(secondsArg);
const dir = `.tmp/profiles/${kind}-${Date.now()}`;
mkdirSync(dir, { recursive: true });

const server = await startServer(kind, {
  rateHz: Number(hzArg),
  maxStreams: streams,
  // A short grace: the app exits soon after SIGTERM once its streams are ended.
  env: { SHUTDOWN_GRACE_MS: '500' },
  nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
});
const load = new Load();
await load.add(`${server.url}${streamPath(kind)}`, streams);
await sleep(3000);
const pid = server.pid ?? 0;
const cpu0 = treeCpuSeconds(pid);
const startedAt = Date.now();
const window = await load.measure(seconds * 1000);
const cpu = treeCpuSeconds(pid) - cpu0;
const windowEnd = Date.now();
load.close();
server.child.kill('SIGTERM');
await new Promise((resolve) => server.child.once('exit', resolve));
const stoppedAt = Date.now();
console.log(
  `${kind}: ${streams} streams × ${hzArg} Hz: ${fmt(window.eventsPerSecond)} ev/s, ${fmt(window.events / cpu)} ev/CPU-s, p50 ${window.p50} ms, p99 ${window.p99} ms`,
);
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) {
  console.error(`no profile written in ${dir}`);
  process.exit(1);
}
// The window: from its start to its end, counted back from the end of the profile.
const to = (stoppedAt - windowEnd) / 1000;
const last = (windowEnd - startedAt) / 1000;
console.log(`profile: ${dir}/${file} (window: --to ${to.toFixed(2)} --last ${last.toFixed(2)})\n`);
spawnSync(
  process.execPath,
  ['e2e/bench/summarize-profile.mjs', `${dir}/${file}`, '30', '--to', to.toFixed(2), '--last', last.toFixed(2)],
  { stdio: 'inherit' },
);
