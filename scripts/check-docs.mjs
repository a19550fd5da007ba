// @ts-check
// Checks that the docs can be trusted as a map, run by `npm test` (step `docs`):
// - every relative link in the Markdown files resolves to a file in the repository (and a
//   `#heading` to a heading of it), and none leaves the repository: a reader of a fresh clone has
//   nothing outside it;
// - no doc or code comment cites a private tracker or notes kept elsewhere: a reader who never
//   saw them cannot follow the reference;
// - every environment variable the code reads is documented in docs/configuration.md (the
//   benchmark's `BENCH_*` ones in docs/performance.md);
// - the README stays a map: at most 200 lines.
//
// Usage: node scripts/check-docs.mjs   (exits 1 and prints one line per problem)

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README_MAX_LINES = 200;
/** Directories never read: dependencies, build output, scratch space. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.next', '.tmp', 'test-results', 'playwright-report']);
const CODE_EXTENSIONS = /\.(ts|tsx|mts|mjs|js)$/;

/** @type {string[]} */
const problems = [];

/**
 * Every file under `dir` (relative to the repository root) whose name matches `pattern`.
 * @param {string} dir
 * @param {RegExp} pattern
 * @returns {string[]}
 */
function walk(dir, pattern) {
  /** @type {string[]} */
  const found = [];
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return found;
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const rel = dir === '.' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...walk(rel, pattern));
    else if (pattern.test(entry.name)) found.push(rel);
  }
  return found;
}

/** @param {string} rel */
const read = (rel) => readFileSync(join(ROOT, rel), 'utf8');

/**
 * GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
 * @param {string} heading
 */
const slug = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/**
 * The anchors of a Markdown file's headings (outside code blocks).
 * @param {string} text
 */
function anchors(text) {
  const result = new Set();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) result.add(slug(heading[1] ?? ''));
  }
  return result;
}

/**
 * Markdown links and images, outside code blocks and inline code.
 * @param {string} text
 * @returns {{ target: string, line: number }[]}
 */
function links(text) {
  /** @type {{ target: string, line: number }[]} */
  const result = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      result.push({ target: match[1] ?? '', line: index + 1 });
    }
  });
  return result;
}

// ── Links ───────────────────────────────────────────────────────────────────────────────────
const markdown = walk('.', /\.md$/);
for (const file of markdown) {
  const text = read(file);
  for (const { target, line } of links(text)) {
    if (/^(https?:|mailto:)/.test(target)) continue;
    const where = `${file}:${line}`;
    const [path, anchor] = target.split('#');
    const resolved = path ? resolve(ROOT, dirname(file), decodeURI(path)) : join(ROOT, file);
    if (resolved !== ROOT && !resolved.startsWith(ROOT + sep)) {
      problems.push(`${where}: link leaves the repository: ${target}`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${where}: broken link: ${target}`);
      continue;
    }
    if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      if (!anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
        problems.push(`${where}: no heading #${anchor} in ${relative(ROOT, resolved)}`);
      }
    }
  }
}

// ── References a reader cannot follow ───────────────────────────────────────────────────────
/** Cited in docs: a tracker's issues, specs and items, notes kept outside the repository. */
const DOC_REFERENCE = /\bissues? #?\d+|\bspec \d+\s*:|\bitems? \d+\b|sse-pitfalls|\.\.\/shared\//i;
/** Cited in code comments: the same, less "item N" (a plain word in code). */
const CODE_REFERENCE = /\bissues? #?\d+|\bspec \d+\s*:|sse-pitfalls|\.\.\/shared\//i;
for (const file of markdown) {
  read(file)
    .split('\n')
    .forEach((line, index) => {
      const hit = DOC_REFERENCE.exec(line);
      if (hit) problems.push(`${file}:${index + 1}: cites "${hit[0]}", which a reader of the repository cannot open`);
    });
}
const code = ['lib', 'app', 'e2e', 'scripts', '.ci', 'deploy'].flatMap((dir) => walk(dir, CODE_EXTENSIONS));
code.push(...walk('.', CODE_EXTENSIONS).filter((file) => !file.includes('/')));
for (const file of code) {
  if (file === 'scripts/check-docs.mjs') continue; // names the patterns it looks for
  read(file)
    .split('\n')
    .forEach((line, index) => {
      const hit = CODE_REFERENCE.exec(line);
      if (hit) problems.push(`${file}:${index + 1}: cites "${hit[0]}", which a reader of the repository cannot open`);
    });
}

// ── Environment variables ───────────────────────────────────────────────────────────────────
/**
 * Not settings: set by Next for its own use, by the benchmark for the processes it starts, or by
 * the system (HOME; HOSTNAME, which the standalone entry sets for Next from HOST).
 */
const NOT_SETTINGS = new Set(['NEXT_RUNTIME', 'BENCH_PROBE_DIR', 'HOME', 'HOSTNAME']);
/** @type {Map<string, string>} name → where it is read */
const appVars = new Map();
/** @type {Map<string, string>} */
const benchVars = new Map();
for (const file of code) {
  const text = read(file);
  // The naive app (e2e/naive-app) is a foreign app the kit tests, with its own settings.
  if (file.startsWith('e2e/naive-app/')) continue;
  const bench = file.startsWith('e2e/bench/');
  for (const match of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) {
    const name = match[1] ?? match[2] ?? '';
    if (NOT_SETTINGS.has(name)) continue;
    if (bench) {
      if (name.startsWith('BENCH_')) benchVars.set(name, file);
    } else appVars.set(name, file);
  }
}
// The validated settings: the keys of the env schemas.
for (const file of ['lib/server/env.ts', 'lib/server/auth/auth-config.ts']) {
  if (!existsSync(join(ROOT, file))) continue;
  for (const match of read(file).matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)) appVars.set(match[1] ?? '', file);
}
/**
 * Whether `text` names the variable as a word (`NAME`, `NAME=1`).
 * @param {string} text
 * @param {string} name
 */
const names = (text, name) => new RegExp(`\\b${name}\\b`).test(text);
const configuration = existsSync(join(ROOT, 'docs/configuration.md')) ? read('docs/configuration.md') : '';
for (const [name, file] of appVars) {
  if (!names(configuration, name))
    problems.push(`${file}: reads ${name}, which docs/configuration.md does not document`);
}
const performance = existsSync(join(ROOT, 'docs/performance.md')) ? read('docs/performance.md') : '';
for (const [name, file] of benchVars) {
  if (!names(performance, name)) problems.push(`${file}: reads ${name}, which docs/performance.md does not document`);
}

// ── The README is a map ─────────────────────────────────────────────────────────────────────
const readmeLines = read('README.md').trimEnd().split('\n').length;
if (readmeLines > README_MAX_LINES) {
  problems.push(`README.md: ${readmeLines} lines; keep it a map of at most ${README_MAX_LINES} (details go in docs/)`);
}

for (const problem of problems) console.error(problem);
console.log(
  problems.length
    ? `check-docs: ${problems.length} problem(s)`
    : `check-docs: ${markdown.length} Markdown files, ${appVars.size} settings, README ${readmeLines} lines: ok`,
);
process.exit(problems.length ? 1 : 0);
