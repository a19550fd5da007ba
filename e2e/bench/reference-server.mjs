// @ts-check
// Benchmark reference: a raw `node:http` SSE server emitting the app's wire format (retry,
// hello, one coalesced chunk of `event: metric` per tick, shared heartbeat) at the same rate.
// No Next.js, no web streams: the floor the route handler is measured against.
//
// Usage: node e2e/bench/reference-server.mjs   (env: PORT, METRICS_INTERVAL_MS, SSE_HEARTBEAT_MS, FEEDS=a,b,...)

import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 3290);
const intervalMs = Number(process.env.METRICS_INTERVAL_MS ?? 100);
const heartbeatMs = Number(process.env.SSE_HEARTBEAT_MS ?? 15000);
// The bench passes the feeds it streams; alone, it serves the app's whole catalogue.
const feeds = process.env.FEEDS
  ? process.env.FEEDS.split(',')
  : (await import('../../lib/metrics/feeds.ts')).FEED_NAMES;
const epoch = `ref${Date.now().toString(36)}`;
const clients = new Set();
/** @type {Map<string, number>} */
const seqs = new Map(feeds.map((feed) => [feed, 0]));
let offset = 0;

setInterval(() => {
  const ts = Date.now();
  let chunk = '';
  for (const feed of feeds) {
    const seq = (seqs.get(feed) ?? 0) + 1;
    seqs.set(feed, seq);
    offset += 1;
    chunk += `id: ${epoch}.${offset}\nevent: metric\ndata: {"feed":"${feed}","seq":${seq},"ts":${ts},"value":${(Math.random() * 100).toFixed(1)}}\n\n`;
  }
  // Encoded once, written to every client: the same lever the app uses.
  const bytes = Buffer.from(chunk);
  for (const res of clients) res.write(bytes);
}, intervalMs);

const heartbeat = Buffer.from(': keep-alive\n\n');
setInterval(() => {
  for (const res of clients) res.write(heartbeat);
}, heartbeatMs);

const server = createServer((req, res) => {
  if (req.url?.startsWith('/api/health')) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', connections: clients.size, pid: process.pid }));
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  res.write(
    `retry: 2000\n\nevent: hello\ndata: {"epoch":"${epoch}","heartbeatMs":${heartbeatMs},"feeds":${JSON.stringify(feeds)},"resumed":false,"replayed":0,"bus":"reference","serverTime":${Date.now()}}\n\n`,
  );
  clients.add(res);
  res.on('close', () => clients.delete(res));
});
server.listen(port, '127.0.0.1', () => console.log(`reference SSE server on 127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
