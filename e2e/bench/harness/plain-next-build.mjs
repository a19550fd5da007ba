// @ts-check
// Builds the plain Next peer (e2e/bench/plain-next/) the way the app is built: the same Next
// and node_modules, the app's own next.config.js and tsconfig.json, `next build` (Turbopack,
// production). Rebuilt only when its sources, the config or Next changed.
//
// Why a copy under .tmp/ with node_modules hard-linked in: Next looks for proxy.ts and
// instrumentation.ts in the app's directory *and the directories above it*, so an app built
// anywhere inside this repo would pick up the dashboard's own proxy and instrumentation. The
// copy is made its own workspace root (`turbopack.root`), which stops that search, and Turbopack
// resolves packages only inside its root, hence node_modules linked into it (hard links: no
// extra disk space; symlinks pointing out of the root are refused). Linux (`cp -al`), like the
// rest of the bench (/proc).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCE = 'e2e/bench/plain-next';
export const PEER_DIR = '.tmp/bench-plain-next';
/**
 * The peer's own (linked) Next, for `next build` and `next start`: run from the repo's copy
 * instead, Next would be loaded twice (once per path) and React's contexts would not match.
 */
export const PEER_NEXT_BIN = resolve(PEER_DIR, 'node_modules/next/dist/bin/next');

/**
 * @param {string} dir
 * @returns {string[]} every file under it
 */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...files(SOURCE).sort(), 'next.config.js', 'tsconfig.json', 'node_modules/next/package.json'])
    hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

const CONFIG = `// Written by e2e/bench/harness/plain-next-build.mjs: the app's next.config.js, with this
// directory as the workspace root (see there why).
const app = require('./app.next.config.js');
module.exports = { ...app, turbopack: { root: __dirname }, outputFileTracingRoot: __dirname };
`;

export function ensurePeerBuild() {
  const hash = sourceHash();
  const stamp = join(PEER_DIR, '.source-hash');
  if (existsSync(join(PEER_DIR, '.next/BUILD_ID')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  console.log(`(building the plain Next peer in ${PEER_DIR}: once, about half a minute)`);
  rmSync(PEER_DIR, { recursive: true, force: true });
  mkdirSync(PEER_DIR, { recursive: true });
  cpSync(SOURCE, PEER_DIR, { recursive: true });
  cpSync('tsconfig.json', join(PEER_DIR, 'tsconfig.json'));
  cpSync('next.config.js', join(PEER_DIR, 'app.next.config.js'));
  writeFileSync(join(PEER_DIR, 'next.config.js'), CONFIG);
  writeFileSync(join(PEER_DIR, 'package.json'), '{ "private": true }\n');
  const link = spawnSync('cp', ['-al', 'node_modules', join(PEER_DIR, 'node_modules')], { encoding: 'utf8' });
  if (link.status !== 0) throw new Error(`linking node_modules into ${PEER_DIR} failed: ${link.stderr}`);
  const build = spawnSync(process.execPath, [PEER_NEXT_BIN, 'build'], {
    cwd: PEER_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`building the plain Next peer failed:\n${build.stdout}\n${build.stderr}`);
  writeFileSync(stamp, hash);
}
