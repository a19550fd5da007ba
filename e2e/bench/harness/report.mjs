// @ts-check
// How the bench reports: a self-describing header (machine, load, versions, date), Markdown
// tables, and generated blocks in docs/performance.md that a run rewrites in place.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fmt } from './stats.mjs';

/** One line per fact a reader needs to judge the figures that follow. */
export function machineHeader() {
  const next = JSON.parse(readFileSync('node_modules/next/package.json', 'utf8')).version;
  return [
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB`,
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1, 5, 15 min; above ~${cpus().length} the figures are taken under load)`,
    `Node ${process.version}, Next ${next}, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
  ].join('\n');
}

/**
 * A Markdown table from a header row and rows of cells.
 * @param {readonly unknown[]} header
 * @param {readonly (readonly unknown[])[]} rows
 */
export function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/**
 * Replaces the text between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->` in `file`
 * (the markers stay). Returns false, changing nothing, when the markers are missing. Set
 * BENCH_WRITE_DOCS=0 to leave the docs alone (a run on a laptop, say).
 * @param {string} file
 * @param {string} name
 * @param {string} text
 */
export function writeDocsBlock(file, name, text) {
  if (process.env.BENCH_WRITE_DOCS === '0' || !existsSync(file)) return false;
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from === -1 || to < from) return false;
  writeFileSync(file, `${doc.slice(0, from + begin.length)}\n${text.trim()}\n${doc.slice(to)}`);
  return true;
}
