// @ts-check
// `npm run start:raw`: the optional raw stream path. One HTTP server in which `GET /api/stream`
// is answered by a plain node:http handler and every other request goes to Next. Every request
// first has its forwarded headers vetted against the socket and its path normalised
// (lib/server/raw-stream-handler.ts, `handleRawRequest`), so no spelling of the stream's path and
// no spoofed X-Forwarded-For reaches a route handler that would believe it.
// Same wire contract v1 and the same server core as the route handler (`npm start`); it serves
// the stream at about the raw node:http cost (docs/performance.md). It gives up what only a
// Next route gets: middleware/proxy and Next's own request handling on that one path, and it
// needs a host that runs a long-lived Node process (not serverless). Needs `npm run build`.
//
// Usage: npm run start:raw [-- -p 3000 -H 127.0.0.1]   (PORT and HOST also work; default 127.0.0.1)
// In the self-contained build (`npm run build` copies this file there):
//   node --max-semi-space-size=8 .next/standalone/raw-server.mjs
// Why the flag: V8 grows its young generation's semi-spaces with what survives its scavenges, up
// to 64 MB each with Node 24 on a 24 GiB host. In this process (Next loaded) they grew to 32 MB
// at 1,000 streams and 64 MB from 2,500, 2–4 × the raw reference's: 30–65 % more RSS per stream
// than the reference. Capped at 8 MB the raw path used less RSS per stream than the reference
// from 1,000 to 10,000 streams; the price is more scavenges, 2.5–6 % of its CPU in GC pauses
// instead of 1.2–1.5 % (docs/performance.md, "Scale"). Set it with NODE_OPTIONS where the
// command line is not yours; on a small container Node's own maximum may already be below 8 MB.
//
// The dispatcher is TypeScript compiled by Next (lib/server/raw-stream-handler.ts); plain Node cannot
// import it, so `instrumentation.ts` publishes it on globalThis when `app.prepare()` boots the
// app, and this file picks it up from there.

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {(req: IncomingMessage, res: ServerResponse) => void} Handler */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? (process.env.HOST || '127.0.0.1');
// Next's types make NODE_ENV read-only; a plain Node process sets it like any other variable.
/** @type {Record<string, string | undefined>} */ (process.env).NODE_ENV ??= 'production';

// The app beside this file: the repository, or .next/standalone (where it is copied by the build).
// The standalone folder has no next.config.js: the build's resolved config is in
// required-server-files.json, handed to Next the way its generated server.js does.
const dir = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(dir, 'next.config.js')) && existsSync(join(dir, '.next', 'required-server-files.json'))) {
  const { config } = JSON.parse(readFileSync(join(dir, '.next', 'required-server-files.json'), 'utf8'));
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= JSON.stringify(config);
}

const { default: next } = await import('next');
const app = next({ dev: false, dir, hostname, port });
await app.prepare();
const handleNext = app.getRequestHandler();

/** Keep in step with RAW_STREAM_HANDLER_KEY in lib/server/raw-stream-handler.ts. */
const handleRequest = /** @type {Record<string, unknown>} */ (globalThis).__realtimeDashboardRawStreamHandler;
if (typeof handleRequest !== 'function') {
  console.error('The raw stream handler was not published: is instrumentation.ts in the build? Run `npm run build`.');
  process.exit(1);
}

/** @type {Handler} */
const toNext = (req, res) => {
  handleNext(req, res).catch((error) => failed(res, error));
};

const server = createServer((req, res) => {
  try {
    /** @type {(req: IncomingMessage, res: ServerResponse, toNext: Handler) => void} */ (handleRequest)(
      req,
      res,
      toNext,
    );
  } catch (error) {
    failed(res, error); // A bug must cost one request, not the process.
  }
});

/**
 * @param {ServerResponse} res
 * @param {unknown} error
 */
function failed(res, error) {
  console.error('[raw-server] request failed', error);
  if (!res.headersSent) {
    res.writeHead(500, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ error: { code: 'internal_error', message: 'The server failed on this request.' } }));
  } else res.destroy();
}

// The app's own handler (lib/server/shutdown.ts, installed during prepare) has already marked the
// runtime draining and ended every stream when this runs; here the HTTP server stops accepting and
// lets go of idle keep-alive sockets, and the process exits once it is closed (or after
// SHUTDOWN_GRACE_MS, the app's own guarantee).
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}

server.listen(port, hostname, () => {
  console.log(`> raw stream path: http://${hostname}:${port} (/api/stream on node:http, the rest on Next)`);
});
