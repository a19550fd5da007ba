// Benchmark load generator, in its own process: opens N SSE streams with node:http, counts
// delivered metric events and measures publish→receive latency from each tick's `ts` (same
// machine, same clock). Prints one JSON line with its results when told to stop (SIGTERM) or
// after DURATION_MS.
//
// env: TARGET (http://127.0.0.1:port/api/stream), STREAMS, WARMUP_MS, DURATION_MS, FAULTS_TOKEN (sent if set)
//      DURATION_MS=0: hold mode for memory measurements: open the streams, report
//      `{type: 'opened'}` once every one has its first bytes, and keep them open until killed.

import { request } from 'node:http';

const target = new URL(process.env.TARGET ?? 'http://127.0.0.1:3290/api/stream');
const streams = Number(process.env.STREAMS ?? 1000);
const warmupMs = Number(process.env.WARMUP_MS ?? 3000);
const durationMs = Number(process.env.DURATION_MS ?? 10000);
const FAULT_TOKEN = process.env.FAULTS_TOKEN;

let measuring = false;
let events = 0;
let opened = 0;
let failed = 0;
/** Streams that have received their first bytes (the preamble): really open on the server. */
let started = 0;
const latencies = [];
const TS = /"ts":(\d+)/;

function open() {
  const req = request(
    {
      hostname: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      // The do-nothing bench route wants the fault token (app/api/bench/idle-stream); the stream ignores it.
      headers: { Accept: 'text/event-stream', ...(FAULT_TOKEN ? { 'X-Fault-Token': FAULT_TOKEN } : {}) },
      agent: false,
    },
    (res) => {
      if (res.statusCode !== 200) {
        failed += 1;
        res.resume();
        return;
      }
      opened += 1;
      res.setEncoding('utf8');
      let first = true;
      res.on('data', (chunk) => {
        if (first) {
          first = false;
          started += 1;
          if (durationMs === 0 && started + failed === streams) process.send?.({ type: 'opened', opened, failed });
        }
        if (!measuring) return;
        const now = Date.now();
        // A chunk is one tick (all its events share a ts): count them, time the tick once.
        let count = 0;
        for (let i = chunk.indexOf('event: metric'); i !== -1; i = chunk.indexOf('event: metric', i + 13)) count += 1;
        if (count === 0) return;
        events += count;
        const match = TS.exec(chunk);
        if (match && latencies.length < 2_000_000) latencies.push(now - Number(match[1]));
      });
      res.on('error', () => {});
    },
  );
  req.on('error', () => (failed += 1));
  req.end();
}

// Open gradually (200 per 50 ms) so the server's accept queue is not the thing measured.
for (let i = 0; i < streams; i += 1) setTimeout(open, Math.floor(i / 200) * 50);

/** Resolves once every stream has its first bytes or has failed (at most 120 s): a state, not a guess. */
async function allStarted() {
  const deadline = Date.now() + 120_000;
  while (started + failed < streams && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function measure() {
  measuring = true;
  const begun = Date.now();
  process.send?.({ type: 'measuring', opened, failed });
  setTimeout(() => {
    measuring = false;
    const seconds = (Date.now() - begun) / 1000;
    latencies.sort((a, b) => a - b);
    const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? null;
    const result = {
      opened,
      started,
      failed,
      events,
      seconds,
      eventsPerSecond: events / seconds,
      p50: pick(0.5),
      p99: pick(0.99),
    };
    if (process.send) process.send({ type: 'result', result });
    else console.log(JSON.stringify(result));
    setTimeout(() => process.exit(0), 100);
  }, durationMs);
}

// Measure only once every stream is open on the server and a warm-up has passed, so opening
// streams (which a loaded machine can make slow) is never part of the measured window.
if (durationMs > 0) void allStarted().then(() => setTimeout(measure, warmupMs));
