// @ts-check
// The self-contained server's entry, copied to .next/standalone/start.mjs by scripts/standalone.mjs:
//   HOST=0.0.0.0 PORT=3000 AUTH_SECRET=… node .next/standalone/start.mjs
// Next's generated server.js binds HOSTNAME, and defaults to every interface. HOSTNAME is the
// wrong variable to rely on: shells and container runtimes set it to the machine's own name,
// so the server would bind wherever that name resolves. This entry binds HOST instead, with
// the same default as `npm start` (127.0.0.1: reachable only from this machine, e.g. by nginx
// on the same host); a container sets HOST=0.0.0.0 so its published port reaches the server.

process.env.HOSTNAME = process.env.HOST || '127.0.0.1';
// Next's types make NODE_ENV read-only; a plain Node process sets it like any other variable.
/** @type {Record<string, string | undefined>} */ (process.env).NODE_ENV ??= 'production';
// Next's generated server, beside this file once copied (it does not exist here in scripts/).
const server = './server.js';
await import(server);
