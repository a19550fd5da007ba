// The way a typical Next user streams: one in-memory counter that ticks for everybody, and a
// route handler that writes each tick to every open EventSource. Deliberately naive (no replay
// by Last-Event-ID, no heartbeat): see ../../../README.md for what that costs.

export const dynamic = 'force-dynamic';

const TICK_MS = Number(process.env.TICK_MS ?? 1000);
const listeners = new Set<(n: number) => void>();
let n = 0;
setInterval(() => {
  n += 1;
  for (const listener of listeners) listener(n);
}, TICK_MS);

export function GET() {
  const encoder = new TextEncoder();
  let listener: (n: number) => void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      listener = (value) =>
        controller.enqueue(encoder.encode(`id: ${value}\ndata: ${JSON.stringify({ n: value })}\n\n`));
      listeners.add(listener);
    },
    cancel() {
      listeners.delete(listener);
    },
  });
  return new Response(stream, {
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' },
  });
}
