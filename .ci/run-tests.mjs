// @ts-check
// The whole gate behind `npm test`: typecheck, format, lint, unused code, the docs check, unit tests,
// production build (`npm run build`), integration tests against `next start`, and the Playwright
// e2e suite (docs/testing.md). Every step runs even if an earlier
// one failed (except what needs the build), and the last line is a plain
// `N passed, N failed` summary that CI reads.
//
// Usage: npm test                      (everything)
//        npm test -- unit integration  (only these steps, in the usual order)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

// The project runs on Node 24 LTS (package.json `engines`, .nvmrc). `npm test` puts
// node_modules/.bin first on PATH, where the pinned `node` devDependency provides it even when the
// system Node is older; anything else is a set-up mistake worth a clear message, not odd failures.
const MIN_NODE_MAJOR = 24;
const nodeMajor = Number(process.versions.node.split('.')[0]);
console.log(`Node ${process.version} (${process.execPath})`);
if (nodeMajor < MIN_NODE_MAJOR) {
  console.error(
    `This project needs Node ${MIN_NODE_MAJOR} or newer; this is ${process.version}. Run it through npm ` +
      '(`npm test`), which uses the Node 24 that `npm install` put in node_modules/.bin, or install Node 24.',
  );
  mkdirSync('.tmp', { recursive: true });
  writeFileSync('.tmp/summary.txt', '0 passed, 1 failed\n');
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

const TMP = '.tmp';
mkdirSync(TMP, { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: process.env.CI ? '0' : '1' };
/** @param {string} name */
const bin = (name) => `node_modules/.bin/${name}`;

/**
 * @param {string} file
 * @returns {any} the parsed report, whose shape the caller knows, or null
 */
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

/**
 * @typedef {{ passed: number, failed: number, skipped: number, note?: string }} Counts
 * @typedef {{ name: string, needsBuild: boolean, run(): Counts }} Step
 * @typedef {{ status?: string, projectName: string, annotations?: { type: string, description?: string }[], results?: { status: string }[] }} PlaywrightTest
 * @typedef {{ title: string, suites?: PlaywrightSuite[], specs?: { title: string, tests?: PlaywrightTest[] }[] }} PlaywrightSuite
 * @typedef {{ suites?: PlaywrightSuite[] }} PlaywrightReport
 */

/**
 * A vitest project: counts come from its JSON report.
 * @param {string} project
 * @returns {Step}
 */
const vitestStep = (project) => ({
  name: project,
  needsBuild: project !== 'unit',
  run() {
    const out = `${TMP}/${project}.json`;
    rmSync(out, { force: true });
    const code = sh(bin('vitest'), [
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
    ]);
    const report = readJson(out);
    if (!report) return { passed: 0, failed: 1, skipped: 0, note: `no report (exit ${code})` };
    const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
    return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests };
  },
});

/**
 * A command that passes or fails as a whole (typecheck, lint, build): one check.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @returns {Step}
 */
const commandStep = (name, command, args, needsBuild = false) => ({
  name,
  needsBuild,
  run() {
    const code = sh(command, args);
    return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
  },
});

const STEPS = [
  commandStep('typecheck', bin('tsc'), ['--noEmit']),
  commandStep('format', bin('prettier'), ['--check', '.']),
  commandStep('lint', bin('eslint'), ['--max-warnings=0', '.']),
  commandStep('unused', bin('knip'), ['--no-progress']),
  commandStep('docs', process.execPath, ['scripts/check-docs.mjs']),
  vitestStep('unit'),
  {
    // `npm run build`, as documented: `next build`, then the self-contained server's assets
    // (scripts/standalone.mjs), which a spec starts the documented way. Then the tiny foreign app
    // the drop kit is proven on (e2e/naive-app.spec.ts), with webpack: Turbopack, rooted at this
    // repo's lockfile, picks up the root's instrumentation.ts for it and fails on the dashboard's
    // imports.
    name: 'build',
    needsBuild: false,
    run() {
      const code = sh('npm', ['run', 'build']) || sh('npm', ['run', 'build:naive-app']);
      return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
    },
  },
  vitestStep('integration'),
  {
    name: 'e2e',
    needsBuild: true,
    run() {
      const out = `${TMP}/e2e.json`;
      rmSync(out, { force: true });
      const code = sh(bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
      const report = readJson(out);
      const stats = report?.stats;
      if (!stats) return { passed: 0, failed: 1, skipped: 0, note: `no report (exit ${code})` };
      printSkips(report);
      const failed = stats.unexpected + (code !== 0 && stats.unexpected === 0 ? 1 : 0);
      return { passed: stats.expected + stats.flaky, failed, skipped: stats.skipped };
    },
  },
];

/**
 * Every skipped Playwright test with its project and reason: a skip is never silent.
 * @param {PlaywrightReport} report
 */
function printSkips(report) {
  /** @type {string[]} */
  const skips = [];
  /**
   * @param {PlaywrightSuite} suite
   * @param {string[]} titles
   */
  const walk = (suite, titles) => {
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === 'skipped' || t.results?.every((r) => r.status === 'skipped')) {
          const note = t.annotations?.find((a) => a.type === 'skip' || a.type === 'fixme');
          const reason = note
            ? `${note.type === 'fixme' ? 'known failure, to fix: ' : ''}${note.description ?? 'no reason given'}`
            : 'no reason given';
          skips.push(`  [${t.projectName}] ${[...titles, spec.title].filter(Boolean).join(' › ')}: ${reason}`);
        }
  };
  for (const suite of report.suites ?? []) walk(suite, [suite.title]);
  if (skips.length) console.log(`\nSkipped e2e tests (${skips.length}):\n${skips.join('\n')}`);
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} [extraEnv]
 */
function sh(command, args, extraEnv = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status ?? 1;
}

const wanted = process.argv.slice(2);
const steps = STEPS.filter(
  (step) =>
    wanted.length === 0 ||
    wanted.includes(step.name) ||
    (step.name === 'build' && wanted.some((w) => STEPS.find((s) => s.name === w)?.needsBuild)),
);
/** @type {(Counts & { name: string, seconds?: number })[]} */
const results = [];
let buildFailed = false;
for (const step of steps) {
  if (step.name === 'e2e' && !existsSync('playwright.config.ts')) continue;
  if (step.needsBuild && buildFailed) {
    results.push({ name: step.name, passed: 0, failed: 1, skipped: 0, note: 'not run: build failed' });
    continue;
  }
  const started = Date.now();
  const result = step.run();
  if (step.name === 'build' && result.failed) buildFailed = true;
  results.push({ name: step.name, ...result, seconds: Math.round((Date.now() - started) / 1000) });
}

const total = results.reduce(
  (sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log('\nstep          passed  failed  skipped  time');
for (const r of results) {
  console.log(
    `${r.name.padEnd(13)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds ?? '-'}s${r.note ? `  (${r.note})` : ''}`,
  );
}
const summary = `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`;
writeFileSync(`${TMP}/summary.txt`, `${summary}\n`);
console.log(`\n${summary}`);
process.exit(total.failed > 0 ? 1 : 0);
