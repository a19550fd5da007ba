// @ts-check
// Every process a benchmark starts (servers, load generators) is tracked here, so that ending
// the bench (Ctrl-C, SIGTERM, a crash) ends them too instead of leaving a server with 20,000
// open streams behind.
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/**
 * Tracks a child process until it exits; returns it.
 * @template {import('node:child_process').ChildProcess} T
 * @param {T} child
 * @returns {T}
 */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function killAll() {
  for (const child of children) child.kill('SIGKILL');
}

/** Call once, from the entry point. */
export function killChildrenOnExit() {
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
