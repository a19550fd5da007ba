// @ts-check
// Benchmark load generator, in its own process (harness/load.mjs forks one or several): opens
// STREAMS SSE streams with node:http and holds them open. Every chunk is parsed as far as the
// bench needs: it counts delivered `event: metric` events, takes one publish→receive latency per
// tick from its `ts` (same machine, same clock), and checks each stream's `seq` for gaps (an
// event the server never delivered). Cheap on purpose: a few indexOf calls per chunk, so the
// generator is not what limits the figures.
//
// Driven over IPC:
//   → {type:'opened', started, failed, errors}   once every stream has its first bytes or failed
//   ← {type:'measure', ms}                       count for `ms` from now, then
//   → {type:'result', result}                    the window's figures (latencies as a list)
//   ← {type:'status'}  → {type:'status', started, failed, errors}   at any time
// It holds the streams until it is killed.
//
// A stream that fails to open (refused, reset, a non-200 answer) is tried again after a second or
// two, up to OPEN_ATTEMPTS times, as a real client would; every failure is counted in `errors`,
// and only a stream that never opened counts as failed.
//
// env: TARGET (http://127.0.0.1:port/api/stream), STREAMS, OPEN_PER_SECOND=2000 (so the server's
// accept queue is not what is measured), OPEN_ATTEMPTS=5, LOCAL_ADDRESS (source address of the
// streams, e.g. 127.0.0.2: one address has ~28,000 ephemeral ports towards one server port),
// FAULTS_TOKEN (sent as X-Fault-Token when set: the do-nothing bench route is locked like the fault route).

import { request } from 'node:http';

const target = new URL(process.env.TARGET ?? 'http://127.0.0.1:3000/api/stream');
const streams = Number(process.env.STREAMS ?? 1000);
const openPerSecond = Number(process.env.OPEN_PER_SECOND ?? 2000);
const openAttempts = Number(process.env.OPEN_ATTEMPTS ?? 5);
const localAddress = process.env.LOCAL_ADDRESS || undefined;
const faultToken = process.env.FAULTS_TOKEN;

/** Streams that received their first bytes (the preamble): really open on the server. */
let started = 0;
/** Streams that did not open in OPEN_ATTEMPTS attempts. */
let failed = 0;
/** Why streams failed to open or ended later: HTTP status or socket error code → count. */
/** @type {Record<string, number>} */
const errors = {};
/** @param {string} why */
const note = (why) => (errors[why] = (errors[why] ?? 0) + 1);

/**
 * @typedef {{ events: number, ticks: number, lostTicks: number, dropped: number, latencies: number[],
 *   heard: Set<number> }} Window
 * @typedef {{ rest: string, lastSeq: number, lastTs: number, open: boolean }} Stream
 */

/** The current measurement window, or null between windows. @type {Window | null} */
let window = null;

/** @returns {Window} */
function newWindow() {
  return { events: 0, ticks: 0, lostTicks: 0, dropped: 0, latencies: [], heard: new Set() };
}

/**
 * One failed attempt: counted, then tried again later or given up.
 * @param {number} index
 * @param {number} attempt
 * @param {string} why
 */
function attemptFailed(index, attempt, why) {
  note(why);
  if (attempt < openAttempts) {
    setTimeout(() => open(index, attempt + 1), 1000 + Math.random() * 1000);
    return;
  }
  failed += 1;
  if (started + failed === streams) process.send?.({ type: 'opened', started, failed, errors });
}

/**
 * @param {number} index
 * @param {number} [attempt]
 */
function open(index, attempt = 1) {
  /** @type {Stream | null} */
  let stream = null;
  let gaveUp = false;
  /**
   * This attempt failed (once, however many of the request's events say so).
   * @param {string} why
   */
  const fail = (why) => {
    if (gaveUp) return;
    gaveUp = true;
    attemptFailed(index, attempt, why);
  };
  const req = request(
    {
      hostname: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      headers: { Accept: 'text/event-stream', ...(faultToken ? { 'X-Fault-Token': faultToken } : {}) },
      agent: false,
      ...(localAddress ? { localAddress } : {}),
    },
    (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        fail(`HTTP ${res.statusCode}`);
        return;
      }
      res.setEncoding('utf8');
      /** @type {Stream} */
      const opened = { rest: '', lastSeq: -1, lastTs: 0, open: false };
      stream = opened;
      res.on('data', (/** @type {string} */ chunk) => receive(index, opened, chunk));
      res.on('close', () => {
        if (!opened.open) {
          fail('closed before first bytes');
          return;
        }
        // Not reopened: the bench counts streams the server ended, it does not hide them.
        note('ended after opening');
        if (window) window.dropped += 1;
      });
      res.on('error', () => {});
    },
  );
  req.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
    if (stream) return; // the response's close says what happened
    fail(error.code ?? error.message);
  });
  req.end();
}

/**
 * Consumes one chunk: only complete events (up to the last blank line) are looked at.
 * @param {number} index
 * @param {Stream} stream
 * @param {string} chunk
 */
function receive(index, stream, chunk) {
  if (!stream.open) {
    stream.open = true;
    started += 1;
    if (started + failed === streams) process.send?.({ type: 'opened', started, failed, errors });
  }
  const text = stream.rest ? stream.rest + chunk : chunk;
  const end = text.lastIndexOf('\n\n');
  if (end === -1) {
    stream.rest = text;
    return;
  }
  stream.rest = end + 2 === text.length ? '' : text.slice(end + 2);
  const seqAt = text.indexOf('"seq":');
  if (seqAt === -1 || seqAt > end) return; // preamble or heartbeat: no metric event
  // Every feed publishes once per tick with the same seq, so the first seq of a block is the
  // tick it starts with (a block may end in the middle of a tick: then the next starts with it).
  const first = parseInt(text.slice(seqAt + 6, seqAt + 24), 10);
  const lastAt = text.lastIndexOf('"seq":', end);
  const last = parseInt(text.slice(lastAt + 6, lastAt + 24), 10);
  const lost = stream.lastSeq >= 0 && first > stream.lastSeq + 1 ? first - stream.lastSeq - 1 : 0;
  stream.lastSeq = last;
  if (!window) return;
  const now = Date.now();
  window.heard.add(index);
  window.lostTicks += lost;
  for (let i = text.indexOf('event: metric'); i !== -1 && i < end; i = text.indexOf('event: metric', i + 13))
    window.events += 1;
  // One latency per tick (all events of a tick share its ts), however the ticks were chunked.
  for (let i = text.indexOf('"ts":'); i !== -1 && i < end; i = text.indexOf('"ts":', i + 5)) {
    const ts = parseInt(text.slice(i + 5, i + 24), 10);
    if (ts === stream.lastTs) continue;
    stream.lastTs = ts;
    window.ticks += 1;
    if (window.latencies.length < 4_000_000) window.latencies.push(now - ts);
  }
}

// In batches every 50 ms, at OPEN_PER_SECOND.
const batch = Math.max(1, Math.round(openPerSecond / 20));
for (let i = 0; i < streams; i += 1) setTimeout(() => open(i), Math.floor(i / batch) * 50);
if (streams === 0) process.send?.({ type: 'opened', started, failed, errors });

process.on('message', (/** @type {{ type?: string, ms?: number } | undefined} */ message) => {
  if (message?.type === 'status') process.send?.({ type: 'status', started, failed, errors });
  if (message?.type !== 'measure') return;
  window = newWindow();
  const begun = Date.now();
  setTimeout(() => {
    const w = window ?? newWindow();
    window = null;
    process.send?.({
      type: 'result',
      result: {
        streams,
        started,
        failed,
        errors,
        seconds: (Date.now() - begun) / 1000,
        events: w.events,
        ticks: w.ticks,
        lostTicks: w.lostTicks,
        dropped: w.dropped,
        silent: started - w.heard.size,
        latencies: w.latencies,
      },
    });
  }, message.ms ?? 0);
});
process.on('disconnect', () => process.exit(0));
