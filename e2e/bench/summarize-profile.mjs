// @ts-check
// Summarises a V8 .cpuprofile (e.g. from `next start --experimental-cpu-prof`): self time by
// function and by area, to show where a route handler's CPU goes. Used for docs/performance.md.
// Usage: node e2e/bench/summarize-profile.mjs <file.cpuprofile> [top=25] [--from S] [--to S] [--last S]
//   --from/--to: keep only samples between S seconds after the profile started and S seconds
//   before it ended; --last: only the last S seconds before that end. E.g. the steady state of a
//   bench window without start-up (module loading, JIT, opening the streams) and teardown, which
//   `npm run bench` does not count either.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' }, last: { type: 'string' } },
});
const [file = '', topArg] = positionals;
/**
 * A V8 CPU profile (`--cpu-prof`): call-tree nodes, and which node was on the CPU at each sample.
 * @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }[],
 *   samples: number[], timeDeltas: number[], startTime: number, endTime: number }}
 */
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const windowEnd = profile.endTime - Number(values.to ?? 0) * 1e6;
const windowStart = Math.max(
  profile.startTime + Number(values.from ?? 0) * 1e6,
  values.last ? windowEnd - Number(values.last) * 1e6 : -Infinity,
);
const selfMicros = new Map();
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i += 1) {
  at += profile.timeDeltas[i] ?? 0;
  if (at < windowStart || at > windowEnd) continue;
  const id = profile.samples[i];
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

/** @param {{ functionName: string, url: string }} frame */
const area = ({ functionName, url }) => {
  if (functionName === '(idle)' || functionName === '(program)') return functionName;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (/node:internal\/webstreams|internal\/webstreams/.test(url)) return 'WHATWG streams (Node)';
  if (
    /node:(net|_http|internal\/stream|stream|internal\/streams)/.test(url) ||
    /^(writev|writeBuffer|writeUtf8String)$/.test(functionName)
  )
    return 'Node sockets & http';
  if (/next\/dist\/server\/(pipe-readable|base-http|lib\/router|send-response|stream-utils)/.test(url))
    return 'Next response piping';
  if (/next\/dist/.test(url)) return 'Next (other)';
  if (/\.next\/server/.test(url)) return 'app code (bundled)';
  if (/async_hooks|promise/.test(url) || /Promise|runMicrotasks/.test(functionName)) return 'promises & async context';
  return url ? 'other JS' : 'native (other)';
};

const byFunction = new Map();
const byArea = new Map();
let total = 0;
for (const [id, micros] of selfMicros) {
  const callFrame = byId.get(id)?.callFrame;
  if (!callFrame || callFrame.functionName === '(idle)') continue;
  total += micros;
  const key = `${(callFrame.functionName || '(anonymous)').slice(0, 60)}  ${callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/\.next\//, '.next/')}:${callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  const a = area(callFrame);
  byArea.set(a, (byArea.get(a) ?? 0) + micros);
}

/** @param {number} micros */
const pct = (micros) => `${((micros / total) * 100).toFixed(1).padStart(5)}%`;
const span = (Math.min(windowEnd, profile.endTime) - Math.max(windowStart, profile.startTime)) / 1e6;
console.log(`busy CPU in profile: ${(total / 1e6).toFixed(2)} s of ${span.toFixed(2)} s\n\nby area:`);
for (const [name, micros] of [...byArea].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(micros)}  ${name}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(micros)}  ${name}`);
