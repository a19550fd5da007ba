// Bench scaffolding, run by `npm run bench` (recovery.mjs forks it; see scripts/ts-hooks.mjs for how Node runs
// TypeScript here). Recovery latency after an outage, measured on the REAL client connection
// manager (lib/client/connection.ts, with its backoff and retry policy) in Node: fetch, timers
// and Math.random of the runtime, against a production server behind the chaos proxy.
//
// One outage: the proxy cuts every stream and refuses every connection for OUTAGE_MS, then lets
// them through again ("server back"). Measured per client: the time from "server back" to its
// next `live` (hello received), and its connection attempts during the outage. CLIENTS clients
// live through OUTAGES outages together (their backoffs are independent: each has its own
// random jitter, as each browser does); between outages they stay live HEALTHY_MS, more than
// the 5 s after which a stream counts as healthy and the backoff starts again from its base.
//
// env (set by recovery.mjs): TARGET_PORT (the server), CLIENTS=20, OUTAGES=2, OUTAGE_MS=10000,
// HEALTHY_MS=6000, STREAM_PATH=/api/stream. Sends one `{ type: 'result', result }` message.

import { ConnectionManager } from '@/lib/client/connection';
import type { ConnectionEnv } from '@/lib/client/connection-env';
import type { ConnectionState } from '@/lib/client/connection-status';
import type { StreamListener } from '@/lib/client/stream-source';
import { startChaosProxy } from '../kit';

const CLIENTS = Number(process.env.CLIENTS ?? 20);
const OUTAGES = Number(process.env.OUTAGES ?? 2);
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 10_000);
const HEALTHY_MS = Number(process.env.HEALTHY_MS ?? 6000);
/** A client not live this long after the server is back counts as not recovered. */
const GIVE_UP_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Client {
  state: ConnectionState;
  /** When it last went `live` (Date.now()). */
  liveAt: number;
  /** Requests started (each `fetch` is one connection attempt). */
  attempts: number;
  manager: ConnectionManager;
}

function startClient(url: string): Client {
  let cursor: string | null = null;
  const client: Client = { state: 'connecting', liveAt: 0, attempts: 0, manager: null as unknown as ConnectionManager };
  const env: ConnectionEnv = {
    fetch: (input, init) => {
      client.attempts += 1;
      return fetch(input, init);
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    now: () => Date.now(),
    random: Math.random,
    isOnline: () => true,
    listen: () => () => {},
    reportError: (error) => console.error(error),
  };
  const listener: StreamListener = {
    resumeCursor: () => cursor,
    onHello: () => {},
    onMetric: (_event, at) => void (cursor = at),
    onReset: (reset) => void (cursor = reset.cursor),
    onStatus: (status, transition) => {
      client.state = status.state;
      if (transition?.to === 'live') client.liveAt = transition.at;
    },
    onRecovered: () => {},
    onProtocolError: (error) => console.error(error.message),
  };
  client.manager = new ConnectionManager({ url, env });
  client.manager.start(listener);
  return client;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await sleep(20);
  }
  return true;
}

const proxy = await startChaosProxy({ target: Number(process.env.TARGET_PORT) });
const clients = Array.from({ length: CLIENTS }, () =>
  startClient(`${proxy.url}${process.env.STREAM_PATH ?? '/api/stream'}`),
);
if (!(await waitFor(() => clients.every((c) => c.state === 'live'), GIVE_UP_MS)))
  throw new Error('clients never went live');
await sleep(HEALTHY_MS);

/** Seconds from "server back" to live, one per client and outage (null: not live within GIVE_UP_MS). */
const latencies: (number | null)[] = [];
/** Attempts per second during the outage, one per client and outage. */
const attemptRates: number[] = [];
for (let outage = 0; outage < OUTAGES; outage += 1) {
  const before = clients.map((c) => c.attempts);
  proxy.refuse(true);
  proxy.cut();
  await sleep(OUTAGE_MS);
  const back = Date.now();
  clients.forEach((c, i) => attemptRates.push((c.attempts - before[i]!) / (OUTAGE_MS / 1000)));
  proxy.refuse(false);
  await waitFor(() => clients.every((c) => c.state === 'live' && c.liveAt >= back), GIVE_UP_MS);
  for (const c of clients) latencies.push(c.state === 'live' && c.liveAt >= back ? (c.liveAt - back) / 1000 : null);
  await sleep(HEALTHY_MS);
}

clients.forEach((c) => c.manager.stop());
await proxy.close();
process.send?.({ type: 'result', result: { latencies, attemptRates } });
