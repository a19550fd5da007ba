// @ts-check
// `npm run dev` / `npm start`: `next dev|start` bound to HOST (default 127.0.0.1, reachable only
// from this machine; HOST=0.0.0.0 to listen on every interface, e.g. in a container). PORT and
// any further arguments work as with `next` itself (`npm start -- -p 3001`; a `-H` given there wins).
// Runs Next's CLI in this process, so signals reach the server directly (graceful shutdown).

import { createRequire } from 'node:module';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'dev' && command !== 'start') {
  console.error('usage: node scripts/next-host.mjs dev|start [next options]');
  process.exit(2);
}
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
process.argv = [process.execPath, nextBin, command, '-H', process.env.HOST || '127.0.0.1', ...rest];
await import(nextBin);
