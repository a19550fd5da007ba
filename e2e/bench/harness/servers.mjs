// @ts-check
// Starting and stopping the servers a benchmark measures, each a fresh process on a free port:
//   route      the app on `next start`: /api/stream is the Next route handler (the default)
//   raw        the app on `raw-server.mjs` (`npm run start:raw`): /api/stream on node:http
//   reference  e2e/bench/reference-server.mjs: the same wire format on raw node:http, nothing else
//   peer       e2e/bench/plain-next/: a plain Next route written the usual way (one shared chunk
//              per tick, one enqueue per client), built like the app (plain-next-build.mjs)
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { track } from './children.mjs';
import { FEEDS } from './feeds.mjs';
import { PEER_DIR, PEER_NEXT_BIN, ensurePeerBuild } from './plain-next-build.mjs';
import { sleep } from './stats.mjs';

/** @type {Record<string, string>} the reports' name of each kind of server */
export const LABEL = {
  route: 'route handler',
  raw: 'raw stream path',
  reference: 'node:http reference',
  peer: 'plain Next route',
  floor: 'do-nothing route',
};

/** @returns {Promise<number>} a port nothing listens on (yet) */
export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });

/**
 * @param {string} url
 * @param {import('node:child_process').ChildProcess} child
 */
async function waitHealthy(url, child) {
  for (let i = 0; i < 600; i += 1) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode}) before it was healthy`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never became healthy`);
}

const NEXT = 'node_modules/next/dist/bin/next';
/** @type {Record<'route' | 'raw' | 'reference' | 'peer', (port: number) => string[]>} */
const ARGS = {
  route: (port) => [NEXT, 'start', '-p', String(port), '-H', '127.0.0.1'],
  // As `npm run start:raw` runs it, with its young generation capped (raw-server.mjs says why).
  raw: (port) => ['--max-semi-space-size=8', 'raw-server.mjs', '-p', String(port), '-H', '127.0.0.1'],
  reference: () => ['e2e/bench/reference-server.mjs'],
  peer: (port) => [PEER_NEXT_BIN, 'start', PEER_DIR, '-p', String(port), '-H', '127.0.0.1'],
};

/**
 * Starts a server of `kind` and resolves once it answers /api/health and start-up has settled.
 * Its stderr goes to `.tmp/bench-logs/` (`logFile`), where a benchmark can look for what broke.
 *
 * @param {'route'|'raw'|'reference'|'peer'} kind
 * @param {{rateHz?: number, maxStreams?: number, env?: Record<string,string>, nodeFlags?: string[]}} options
 */
export async function startServer(kind, { rateHz = 1, maxStreams = 2000, env = {}, nodeFlags = [] } = {}) {
  if (kind === 'peer') ensurePeerBuild();
  const port = await freePort();
  mkdirSync('.tmp/bench-logs', { recursive: true });
  const logFile = `.tmp/bench-logs/${kind}-${port}.log`;
  const log = openSync(logFile, 'w');
  const child = track(
    spawn(process.execPath, [...nodeFlags, ...ARGS[kind](port)], {
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        NODE_ENV: 'production',
        PORT: String(port),
        METRICS_INTERVAL_MS: String(Math.round(1000 / rateHz)),
        SSE_MAX_CONNECTIONS: String(maxStreams + 100),
        // Auth is not what the bench measures: a public demo (npm start refuses to start without
        // AUTH_SECRET otherwise), and every load stream comes from one IP, so no per-client cap.
        AUTH_MODE: 'off',
        SSE_MAX_STREAMS_PER_CLIENT: String(maxStreams + 100),
        // The references publish exactly these feeds (the app publishes its whole catalogue).
        FEEDS: FEEDS.join(','),
        ...env,
      },
      stdio: ['ignore', 'ignore', log],
    }),
  );
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Let start-up work (JIT, first ticks) settle before measuring anything.
  await sleep(1000);
  return {
    kind,
    child,
    pid: child.pid,
    url,
    logFile,
    /** Whether the process is still running. */
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    /** @returns {Promise<void>} */
    stop: () =>
      new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve()
          : (child.once('exit', () => resolve()), child.kill('SIGKILL')),
      ),
  };
}
