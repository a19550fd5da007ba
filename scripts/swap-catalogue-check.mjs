// @ts-check
// Proves the test suite follows the catalogue and the test users: copies the repository (as it is
// on disk, uncommitted edits included) to a temporary directory, swaps in a different feed
// catalogue (three feeds with other names, units and bounds), a different user directory and the
// matching test users, and runs the usual gate there (.ci/run-tests.mjs) with no test file changed.
//
// What it replaces is what a fork replaces: lib/metrics/feeds.ts (the catalogue), the demo
// simulation's table (lib/server/demo-simulation/feed-simulation.ts, one entry per feed), the demo
// users (lib/server/auth/demo-users.ts) and the test users block of e2e/fixtures/test-config.ts
// (the kit's one fixture config). Anything else a failing run points at names the demo in a test.
//
// Usage: npm run test:swapped                          (every step: typecheck … e2e; long)
//        npm run test:swapped -- typecheck unit        (only these steps of .ci/run-tests.mjs)
//        npm run test:swapped -- --keep build          (keep the copy, to run more in it by hand)
//        npm run test:swapped -- --e2e=e2e/reload.spec.ts,e2e/charts.spec.ts build
//                                                      (then only these Playwright specs)

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Three host metrics with names, units and bounds unlike the demo's: no test may name a demo feed. */
const SWAPPED_DEMO_FEEDS = `export const DEMO_FEEDS = [
  { name: 'disk_used', label: 'Disk used', unit: 'GB', min: 0, max: 2000, decimals: 1 },
  { name: 'temperature', label: 'CPU temperature', unit: '°C', min: 20, max: 105, decimals: 1 },
  { name: 'load_avg', label: 'Load average', unit: 'load', min: 0, max: 64, decimals: 2 },
] as const satisfies readonly FeedDefinition[];`;

const SWAPPED_FILES = {
  'lib/server/demo-simulation/feed-simulation.ts': `import 'server-only';
import type { DemoFeedName } from '@/lib/metrics/feeds';

/** How each swapped-in feed moves (scripts/swap-catalogue-check.mjs). */
export interface FeedSimulation {
  start: number;
  volatility: number;
  spikeChance: number;
  spikeSize: number;
}

export const FEED_SIMULATION: Readonly<Record<DemoFeedName, FeedSimulation>> = {
  disk_used: { start: 700, volatility: 0.002, spikeChance: 0.02, spikeSize: 0.3 },
  temperature: { start: 55, volatility: 0.01, spikeChance: 0.02, spikeSize: 0.35 },
  load_avg: { start: 3, volatility: 0.01, spikeChance: 0.02, spikeSize: 0.25 },
};
`,
  'lib/server/auth/demo-users.ts': `import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';

/** Swapped-in users (scripts/swap-catalogue-check.mjs): other ids, names and scopes than the demo's. */
export interface DemoUser {
  id: string;
  name: string;
  feeds: 'all' | readonly FeedName[];
}

export const DEMO_USERS = [
  { id: 'admin', name: 'Admin (everything)', feeds: 'all' },
  { id: 'guest', name: 'Guest (host health)', feeds: ['temperature', 'load_avg'] },
] as const satisfies readonly DemoUser[];

export function findDemoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.id === id);
}
`,
};

/** The test users block of e2e/fixtures/test-config.ts, between its markers. */
const TEST_USERS_BLOCK = `// >>> test users (the swap job replaces this block: keep the markers)
/** Swapped-in test users (scripts/swap-catalogue-check.mjs). */
export const TEST_USERS = {
  full: { id: 'admin', displayName: 'Admin', credentials: { user: 'admin' }, feeds: 'all' },
  limited: { id: 'guest', displayName: 'Guest', credentials: { user: 'guest' }, feeds: ['temperature', 'load_avg'] },
} as const satisfies Record<string, TestUser>;
// <<< test users`;

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const e2eSpecs = args
  .find((arg) => arg.startsWith('--e2e='))
  ?.slice('--e2e='.length)
  .split(',');
const steps = args.filter((arg) => !arg.startsWith('--'));

const repo = process.cwd();
const copy = mkdtempSync(join(tmpdir(), 'swapped-catalogue-'));
console.log(`[swap] copying ${repo} to ${copy}`);

// Tracked and untracked-but-not-ignored files: the repository as it is on disk, without build output.
const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  cwd: repo,
  encoding: 'utf8',
});
if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
for (const file of listed.stdout.split('\0').filter(Boolean)) {
  if (!existsSync(join(repo, file))) continue; // deleted in the work tree
  mkdirSync(dirname(join(copy, file)), { recursive: true });
  cpSync(join(repo, file), join(copy, file));
}
// Hard links, not a symlink: Next's bundler refuses a node_modules that points outside the project.
const linked = spawnSync('cp', ['-al', join(repo, 'node_modules'), join(copy, 'node_modules')], { stdio: 'inherit' });
if (linked.status !== 0) throw new Error('could not link node_modules into the copy');

for (const [file, text] of Object.entries(SWAPPED_FILES)) writeFileSync(join(copy, file), text);
// The catalogue: only the demo's feeds are swapped (what a fork replaces); the rest of the file
// (the "this server" feeds, the switch and the helpers) stays as it is.
const feedsFile = join(copy, 'lib/metrics/feeds.ts');
const feeds = readFileSync(feedsFile, 'utf8');
const demoFeeds = /export const DEMO_FEEDS = \[[\s\S]*?\] as const satisfies readonly FeedDefinition\[\];/;
if (!demoFeeds.test(feeds))
  throw new Error('lib/metrics/feeds.ts lost its `export const DEMO_FEEDS = [...] as const` list');
writeFileSync(feedsFile, feeds.replace(demoFeeds, SWAPPED_DEMO_FEEDS));
const configFile = join(copy, 'e2e/fixtures/test-config.ts');
const config = readFileSync(configFile, 'utf8');
const block = /\/\/ >>> test users[\s\S]*?\/\/ <<< test users/;
if (!block.test(config)) throw new Error('e2e/fixtures/test-config.ts lost its "// >>> test users" markers');
writeFileSync(configFile, config.replace(block, TEST_USERS_BLOCK));
run('node_modules/.bin/prettier', [
  '--log-level=warn',
  '--write',
  'lib/metrics/feeds.ts',
  ...Object.keys(SWAPPED_FILES),
  'e2e/fixtures/test-config.ts',
]);
console.log(
  `[swap] swapped in: ${['lib/metrics/feeds.ts (DEMO_FEEDS)', ...Object.keys(SWAPPED_FILES), 'e2e/fixtures/test-config.ts (test users)'].join(', ')}`,
);

let failed = false;
const gateSteps = e2eSpecs ? steps.filter((step) => step !== 'e2e') : steps;
if (!e2eSpecs || gateSteps.length > 0) failed = run('node', ['.ci/run-tests.mjs', ...gateSteps]) !== 0;
if (e2eSpecs) {
  if (!existsSync(join(copy, '.next/BUILD_ID'))) failed = run('node_modules/.bin/next', ['build']) !== 0 || failed;
  failed = run('node_modules/.bin/playwright', ['test', '--reporter=list', ...e2eSpecs]) !== 0 || failed;
}

if (keep || failed) console.log(`[swap] the swapped copy is kept at ${copy}`);
else rmSync(copy, { recursive: true, force: true });
console.log(`[swap] ${failed ? 'FAILED' : 'passed'} with the swapped catalogue and users`);
process.exit(failed ? 1 : 0);

/**
 * Runs `command` in the swapped copy, its output inherited; resolves to its exit code.
 * @param {string} command
 * @param {string[]} commandArgs
 */
function run(command, commandArgs) {
  console.log(`\n[swap] $ ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, {
    cwd: copy,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  return result.status ?? 1;
}
