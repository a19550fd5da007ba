// @ts-check
// `npm run bench`: the benchmarks of this app, one file each beside this one. Each measures the
// app against a reference in the same run and prints figures and ratios; nothing here passes or
// fails, and none of it runs in `npm test`. Needs a production build (`npm run build`).
// Documented in docs/performance.md (what each part measures, its parameters, the figures).
//
//   npm run bench                    every part below, in this order
//   npm run bench -- scale           only the named parts (`-- fanout memory`, ...)
//   BENCH_SKIP=browser,scale npm run bench   every part but these
//   BENCH_FEEDS=4                    stream only the first N feeds of the catalogue (default all)
//
// To add a benchmark: a file exporting `default async function`, and one line below.

import { existsSync, mkdirSync } from 'node:fs';
import { killChildrenOnExit } from './harness/children.mjs';
import { machineHeader } from './harness/report.mjs';

const BENCHMARKS = {
  fanout: () => import('./fanout.mjs'),
  counting: () => import('./counting.mjs'),
  memory: () => import('./memory.mjs'),
  bundle: () => import('./bundle.mjs'),
  store: () => import('./store.mjs'),
  browser: () => import('./browser.mjs'),
  'browser-trace': () => import('./browser-trace.mjs'),
  recovery: () => import('./recovery.mjs'),
  ingest: () => import('./ingest.mjs'),
  scale: () => import('./scale.mjs'),
};

const named = process.argv.slice(2);
const unknown = named.filter((name) => !(name in BENCHMARKS));
if (unknown.length) {
  console.error(`Unknown bench part "${unknown.join('", "')}": choose from ${Object.keys(BENCHMARKS).join(', ')}.`);
  process.exit(1);
}
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const parts = named.length ? named : Object.keys(BENCHMARKS).filter((name) => !skip.has(name));

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first.');
  process.exit(1);
}
mkdirSync('.tmp', { recursive: true });
killChildrenOnExit();

console.log(`# npm run bench ${parts.join(' ')}\n${machineHeader()}`);
for (const part of parts) {
  const { default: run } = await BENCHMARKS[/** @type {keyof typeof BENCHMARKS} */ (part)]();
  await run();
}
