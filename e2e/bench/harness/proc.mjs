// @ts-check
// What the bench reads about a server process from /proc (Linux): CPU, memory, file descriptors.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { sleep } from './stats.mjs';

/** Kernel clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every Linux this runs on). */
const CLK_TCK = 100;

/**
 * The pids of a process and all its descendants.
 * @param {number} rootPid
 */
function processTree(rootPid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop();
    tree.push(pid);
    for (const [child, parent] of parents) if (parent === pid) queue.push(child);
  }
  return tree;
}

/**
 * utime + stime of a process and all its descendants, in seconds.
 * @param {number} rootPid
 */
export function treeCpuSeconds(rootPid) {
  let ticks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / CLK_TCK;
}

/**
 * Resident memory of a process and its descendants, in KB (a `next start` may fork a worker).
 * @param {number} rootPid
 */
export function treeRssKb(rootPid) {
  let total = 0;
  for (const pid of processTree(rootPid)) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/**
 * Open file descriptors of one process (each open stream holds one socket).
 * @param {number} pid
 */
export function openFds(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/**
 * The soft limit on open files of a process (`ulimit -n` as that process sees it).
 * @param {number} pid
 */
export function fdLimit(pid) {
  try {
    return Number(/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1]);
  } catch {
    return NaN;
  }
}

/**
 * Reads the probe preloaded into a server (e2e/bench/server-probe.mjs, BENCH_PROBE_DIR=dir):
 * signalled with SIGUSR2, it writes `<dir>/<pid>.json`. Resolves with that report, heap in KB
 * (after GC if the server runs with --expose-gc), or null if none came.
 * @param {number} pid
 * @param {string} dir
 * @returns {Promise<{ heapKb: number, eventLoop?: { utilization: number } } | null>}
 */
export async function readProbe(pid, dir) {
  const file = `${dir}/${pid}.json`;
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i += 1) {
    await sleep(50);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text && text !== before) {
      const report = JSON.parse(text);
      return { ...report, heapKb: report.heapUsed / 1024 };
    }
  }
  return null;
}
