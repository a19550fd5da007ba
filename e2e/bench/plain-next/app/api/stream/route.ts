// Benchmark peer (docs/performance.md): a plain Next SSE route written the
// usual way, to measure the app's route handler against what a user writes in an afternoon. One
// timer builds each tick's events once, encodes them once, and enqueues the same chunk to every
// client; a shared heartbeat; the abort signal and cancel() forget a client. No resume, no
// filtering, no caps: those are what the app adds on top, at what cost the bench shows.
// Same wire format as the app (retry, hello, `event: metric` with id and JSON data).

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Client = ReadableStreamDefaultController<Uint8Array>;

const FEEDS = (process.env.FEEDS ?? 'cpu').split(',');
const INTERVAL_MS = Number(process.env.METRICS_INTERVAL_MS ?? 1000);
const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000);

const encoder = new TextEncoder();
const epoch = `peer${Date.now().toString(36)}`;
const clients = new Set<Client>();
let seq = 0;
let offset = 0;

function broadcast(chunk: Uint8Array) {
  for (const client of clients) {
    try {
      client.enqueue(chunk);
    } catch {
      clients.delete(client); // closed from the other side
    }
  }
}

setInterval(() => {
  const ts = Date.now();
  seq += 1;
  let text = '';
  for (const feed of FEEDS) {
    offset += 1;
    const data = JSON.stringify({ feed, seq, ts, value: Math.round(Math.random() * 1000) / 10 });
    text += `id: ${epoch}.${offset}\nevent: metric\ndata: ${data}\n\n`;
  }
  broadcast(encoder.encode(text));
}, INTERVAL_MS);

const heartbeat = encoder.encode(': keep-alive\n\n');
setInterval(() => broadcast(heartbeat), HEARTBEAT_MS);

export function GET(request: Request): Response {
  let client: Client;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      client = controller;
      const hello = { epoch, heartbeatMs: HEARTBEAT_MS, feeds: FEEDS, serverTime: Date.now() };
      controller.enqueue(encoder.encode(`retry: 2000\n\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`));
      clients.add(controller);
    },
    cancel() {
      clients.delete(client);
    },
  });
  request.signal.addEventListener('abort', () => clients.delete(client));
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
}
