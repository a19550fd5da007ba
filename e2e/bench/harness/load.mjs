// @ts-check
// Load from one or several generator processes (load-generator.mjs): a single Node process
// reading 10,000 streams would itself become the bottleneck on a small machine, so streams are
// spread over processes of at most `perProcess` each, and their windows are merged here.
import { fork } from 'node:child_process';
import { track } from './children.mjs';
import { percentileSorted } from './stats.mjs';

const GENERATOR = new URL('../load-generator.mjs', import.meta.url).pathname;

/**
 * An IPC message of load-generator.mjs: plain JSON whose fields its `type` decides (`opened`;
 * `status` with started, failed, errors; `result` with the window's counts).
 * @typedef {{ type: string, [field: string]: any }} GeneratorMessage
 */

/**
 * Waits for one message of `type` from a child, or gives up after `ms` (resolves null).
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} type
 * @param {number} ms
 * @returns {Promise<GeneratorMessage | null>}
 */
function nextMessage(child, type, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(null), ms);
    /** @param {GeneratorMessage | undefined} message */
    const onMessage = (message) => message?.type === type && finish(message);
    const onExit = () => finish(null);
    /** @param {GeneratorMessage | null} value */
    function finish(value) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(value);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export class Load {
  /**
   * @param {{perProcess?: number, openPerSecond?: number, openTimeoutMs?: number, localAddresses?: string[]}} options
   *   openPerSecond: new streams per second over all the generators of one `add` (default 2000)
   */
  constructor({ perProcess = 2500, openPerSecond = 2000, openTimeoutMs = 300_000, localAddresses = [] } = {}) {
    this.perProcess = perProcess;
    this.openPerSecond = openPerSecond;
    this.openTimeoutMs = openTimeoutMs;
    this.localAddresses = localAddresses;
    /** @type {{ child: import('node:child_process').ChildProcess, streams: number, timedOut?: boolean }[]} */
    this.generators = [];
  }

  /** Streams asked for so far. */
  get streams() {
    return this.generators.reduce((sum, g) => sum + g.streams, 0);
  }

  /**
   * Opens `count` more streams to `url`; resolves once each has its first bytes or failed (or the
   * open timeout passed), with `{started, failed, errors}` over all streams held so far. `env` is
   * added to the generators' environment (e.g. FAULTS_TOKEN for the do-nothing bench route).
   * @param {string} url
   * @param {number} count
   * @param {Record<string, string>} [env]
   */
  async add(url, count, env = {}) {
    const added = [];
    const processes = Math.ceil(count / this.perProcess);
    for (let left = count; left > 0; left -= this.perProcess) {
      const streams = Math.min(left, this.perProcess);
      const localAddress = this.localAddresses[this.generators.length % (this.localAddresses.length || 1)] ?? '';
      const child = track(
        fork(GENERATOR, [], {
          env: {
            ...process.env,
            TARGET: url,
            STREAMS: String(streams),
            OPEN_PER_SECOND: String(Math.max(1, Math.round(this.openPerSecond / processes))),
            LOCAL_ADDRESS: localAddress,
            ...env,
          },
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        }),
      );
      /** @type {{ child: import('node:child_process').ChildProcess, streams: number, timedOut?: boolean }} */
      const generator = { child, streams };
      this.generators.push(generator);
      added.push(generator);
    }
    await Promise.all(
      added.map(async (g) => {
        const opened = await nextMessage(g.child, 'opened', this.openTimeoutMs);
        g.timedOut = opened === null;
      }),
    );
    return this.status();
  }

  /** Streams open and failed so far, and why they failed. */
  async status() {
    const replies = await Promise.all(
      this.generators.map((g) => {
        if (g.child.connected) g.child.send({ type: 'status' });
        return nextMessage(g.child, 'status', 5000);
      }),
    );
    /** @type {Record<string, number>} */
    const errors = {};
    let started = 0;
    let failed = 0;
    replies.forEach((reply, i) => {
      if (!reply) {
        errors['load generator did not answer'] = (errors['load generator did not answer'] ?? 0) + 1;
        failed += this.generators[i]?.streams ?? 0;
        return;
      }
      started += reply.started;
      failed += reply.failed;
      for (const [why, n] of Object.entries(reply.errors)) errors[why] = (errors[why] ?? 0) + n;
    });
    const pending = this.streams - started - failed;
    if (pending > 0) errors['no first bytes in time'] = pending;
    return { streams: this.streams, started, failed: failed + Math.max(0, pending), errors };
  }

  /**
   * Counts for `ms` on every generator at once; the merged window.
   * @param {number} ms
   */
  async measure(ms) {
    const results = await Promise.all(
      this.generators.map((g) => {
        if (g.child.connected) g.child.send({ type: 'measure', ms });
        return nextMessage(g.child, 'result', ms + 60_000);
      }),
    );
    const merged = { events: 0, ticks: 0, lostTicks: 0, dropped: 0, silent: 0, seconds: 0, missing: 0 };
    /** @type {number[]} */
    let latencies = [];
    for (const message of results) {
      if (!message) {
        merged.missing += 1;
        continue;
      }
      const r = message.result;
      for (const key of /** @type {const} */ (['events', 'ticks', 'lostTicks', 'dropped', 'silent']))
        merged[key] += r[key];
      merged.seconds = Math.max(merged.seconds, r.seconds);
      latencies = latencies.concat(r.latencies);
    }
    latencies.sort((a, b) => a - b);
    return {
      ...merged,
      eventsPerSecond: merged.events / Math.max(merged.seconds, 0.001),
      p50: percentileSorted(latencies, 50),
      p99: percentileSorted(latencies, 99),
      max: latencies.at(-1) ?? null,
    };
  }

  /** Kills every generator (their streams close with them). */
  close() {
    for (const g of this.generators) g.child.kill('SIGKILL');
    this.generators = [];
  }
}
