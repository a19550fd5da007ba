// @ts-check
// Bundle: gzip -9 of every module <script> on `/` (the legacy `noModule` polyfill excluded:
// only legacy browsers fetch it), from a production server.
import { gzipSync } from 'node:zlib';
import { startServer } from './harness/servers.mjs';
import { fmt } from './harness/stats.mjs';

export default async function bundle() {
  console.log('\n## Bundle: first-load JS of /\n');
  const server = await startServer('route');
  try {
    const html = await (await fetch(`${server.url}/`)).text();
    const tags = [...html.matchAll(/<script[^>]*src="([^"]+\.js)"[^>]*>/g)];
    const srcs = [...new Set(tags.filter((m) => !/nomodule/i.test(m[0])).map((m) => m[1] ?? ''))];
    let raw = 0;
    let gzip = 0;
    for (const src of srcs) {
      const body = Buffer.from(await (await fetch(new URL(src, server.url))).arrayBuffer());
      raw += body.length;
      gzip += gzipSync(body, { level: 9 }).length;
    }
    console.log(
      `${srcs.length} scripts: ${fmt(raw / 1024, 1)} KB minified, **${fmt(gzip / 1024, 1)} KB gzip** (target ≤ 160 KB)`,
    );
  } finally {
    await server.stop();
  }
}
