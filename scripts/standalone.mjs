// @ts-check
// Runs after `next build` (`npm run build` = `next build && node scripts/standalone.mjs`): turns
// Next's `output: 'standalone'` folder into a server that runs as it is. Next traces and copies
// the server code and the node_modules it needs into .next/standalone, but not the browser's
// assets (.next/static), not public/, and not files it never saw imported (raw-server.mjs): without
// this step that server answers every script and stylesheet with 404 and the page never runs.
//
// After it, .next/standalone is the whole deployable (copy that one folder to a host or an image):
//   node .next/standalone/start.mjs        the page, its assets and /api/stream (the route handler)
//   node --max-semi-space-size=8 .next/standalone/raw-server.mjs
//                                          the same, with /api/stream on raw node:http
// Both bind HOST (default 127.0.0.1; a container sets 0.0.0.0) and PORT (default 3000).

import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const standalone = join(root, '.next', 'standalone');

if (!existsSync(join(standalone, 'server.js'))) {
  console.error(`[standalone] ${standalone}/server.js is missing: does next.config.js still say output: 'standalone'?`);
  process.exit(1);
}

/**
 * Replaces `to` with a copy of `from` (a rebuild must not keep the previous build's hashed files).
 * @param {string} from
 * @param {string} to
 */
function copy(from, to) {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

copy(join(root, '.next', 'static'), join(standalone, '.next', 'static'));
if (existsSync(join(root, 'public'))) copy(join(root, 'public'), join(standalone, 'public'));
copy(join(root, 'raw-server.mjs'), join(standalone, 'raw-server.mjs'));
copy(join(root, 'scripts', 'standalone-start.mjs'), join(standalone, 'start.mjs'));

console.log(
  '[standalone] ready: node .next/standalone/start.mjs (or node --max-semi-space-size=8 .next/standalone/raw-server.mjs), HOST and PORT choose where',
);
