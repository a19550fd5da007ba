import { describe, expect, it, vi } from 'vitest';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Batch } from './bus';
import { SseConnection, type CloseReason } from './sse-connection';
import { WebStreamSink } from './stream-sink';
import { WriteQueue } from './write-queue';
import { FEED_A, FEED_B } from '@/lib/testing/catalogue';

const decoder = new TextDecoder();
const CPU = new Set<FeedName>([FEED_A]);
const batch = (seq: number): Batch => [
  { cursor: `e.${seq * 2 - 1}`, event: { feed: FEED_A, seq, ts: seq, value: 1 } },
  { cursor: `e.${seq * 2}`, event: { feed: FEED_B, seq, ts: seq, value: 2 } },
];

function connection(maxBacklogBytes = 1 << 20) {
  const onClose = vi.fn<(c: SseConnection, reason: CloseReason) => void>();
  const sink = new WebStreamSink();
  const conn = new SseConnection(
    { feeds: CPU, feedKey: FEED_A, maxBacklogBytes, onClose, writes: new WriteQueue() },
    sink,
  );
  return { conn, onClose, stream: sink.stream };
}

async function readChunks(stream: ReadableStream<Uint8Array>, count: number): Promise<string[]> {
  const reader = stream.getReader();
  const chunks: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(decoder.decode(value));
  }
  reader.releaseLock();
  return chunks;
}

describe('SseConnection', () => {
  it('holds live batches until the preamble is written, then writes them after it', async () => {
    const { conn, stream } = connection();
    conn.pushBatch(batch(1));
    conn.begin(new TextEncoder().encode('PREAMBLE\n\n'));
    conn.pushBatch(batch(2));
    const [preamble, live] = await readChunks(stream, 2);
    expect(preamble).toBe('PREAMBLE\n\n');
    expect(live!.indexOf('"seq":1')).toBeGreaterThan(-1);
    expect(live!.indexOf('"seq":2')).toBeGreaterThan(live!.indexOf('"seq":1'));
  });

  it('writes a tick on its turn in the write queue, not at once, and no later than the next microtask', async () => {
    const { conn, stream } = connection();
    conn.begin(new Uint8Array([58, 10, 10]));
    conn.pushBatch(batch(1));
    expect(conn.backlogBytes).toBeGreaterThan(0); // held for its turn
    await Promise.resolve();
    const [, tick] = await readChunks(stream, 2);
    expect(tick).toContain('"seq":1');
  });

  it('sends the ticks that arrive before its turn as one chunk, in order', async () => {
    const { conn, stream } = connection();
    conn.begin(new Uint8Array([58, 10, 10]));
    for (let seq = 1; seq <= 3; seq += 1) conn.pushBatch(batch(seq));
    conn.pushBatch(batch(4));
    const [, chunk] = await readChunks(stream, 2);
    const seqs = [...chunk!.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));
    expect(seqs).toEqual([1, 2, 3, 4]);
  });

  it('delivers what was pending before a clean end and before an in-band end event', async () => {
    const shutdown = connection();
    shutdown.conn.begin(new TextEncoder().encode(': p\n\n'));
    shutdown.conn.pushBatch(batch(1));
    shutdown.conn.close('shutdown');
    const ended = await readChunks(shutdown.stream, 5);
    expect(ended.join('')).toContain('"seq":1');

    const rotated = connection();
    rotated.conn.begin(new TextEncoder().encode(': p\n\n'));
    rotated.conn.pushBatch(batch(1));
    rotated.conn.endPlanned({ kind: 'rotate', reason: 'max_age' });
    const text = (await readChunks(rotated.stream, 5)).join('');
    expect(text.indexOf('"seq":1')).toBeGreaterThan(-1);
    expect(text.indexOf('event: rotate')).toBeGreaterThan(text.indexOf('"seq":1'));
  });

  it('drops what was pending when the client is gone, and writes nothing after', async () => {
    const { conn, onClose, stream } = connection();
    conn.begin(new Uint8Array([58, 10, 10]));
    const preamble = conn.backlogBytes;
    conn.pushBatch(batch(1));
    expect(conn.backlogBytes).toBeGreaterThan(preamble);
    conn.close('client_gone');
    await Promise.resolve();
    expect(conn.backlogBytes).toBe(preamble);
    expect(onClose).toHaveBeenCalledTimes(1);
    const [first] = await readChunks(stream, 1);
    expect(first).toBe(':\n\n');
  });

  it('writes one chunk per batch with only the subscribed feeds', async () => {
    const { conn, stream } = connection();
    conn.begin(new Uint8Array([58, 10, 10]));
    conn.pushBatch(batch(1));
    const [, tick] = await readChunks(stream, 2);
    expect(tick).toContain(`"feed":"${FEED_A}"`);
    expect(tick).not.toContain('"feed":"memory"');
  });

  it('runs cleanup exactly once whether abort, cancel or both end it', async () => {
    const { conn, onClose, stream } = connection();
    const unsubscribe = vi.fn();
    conn.attach(unsubscribe);
    conn.begin(new Uint8Array([58, 10, 10]));
    conn.close('client_gone');
    await stream.cancel();
    conn.close('shutdown');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledWith(conn, 'client_gone');
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });

  it('treats a cancelled body (the other hook) as the client going away', async () => {
    const { conn, onClose, stream } = connection();
    await stream.cancel();
    expect(onClose).toHaveBeenCalledWith(conn, 'client_gone');
  });

  it('unsubscribes at once if the subscription arrives after the client left', () => {
    const { conn } = connection();
    conn.close('client_gone');
    const unsubscribe = vi.fn();
    conn.attach(unsubscribe);
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });

  it('closes a slow consumer once its unread backlog passes the limit', async () => {
    const { conn, onClose, stream } = connection(2048);
    conn.begin(new Uint8Array(10));
    // Nobody reads the stream: the queue grows with every tick until the limit is hit.
    for (let seq = 1; seq <= 50 && !conn.closed; seq += 1) conn.pushBatch(batch(seq));
    expect(conn.closeReason).toBe('slow_consumer');
    expect(onClose).toHaveBeenCalledWith(conn, 'slow_consumer');
    // The stream errors, dropping the backlog, so the HTTP layer ends the response.
    await expect(stream.getReader().read()).rejects.toThrow('slow_consumer');
  });

  it('does not count bytes the reader has already taken as backlog', async () => {
    const { conn, stream } = connection(2048);
    conn.begin(new Uint8Array(10));
    const reader = stream.getReader();
    await reader.read();
    for (let seq = 1; seq <= 200; seq += 1) {
      conn.pushBatch(batch(seq));
      await reader.read();
    }
    expect(conn.closed).toBe(false);
    expect(conn.backlogBytes).toBe(0);
  });

  it('ends cleanly on shutdown, after what was already queued', async () => {
    const { conn, stream } = connection();
    conn.begin(new TextEncoder().encode('A'));
    conn.close('shutdown');
    const reader = stream.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('A');
    expect((await reader.read()).done).toBe(true);
  });

  it('ends on purpose with the in-band event and a short retry, then a clean end', async () => {
    const { conn, onClose, stream } = connection();
    conn.begin(new TextEncoder().encode(': p\n\n'));
    conn.endPlanned({ kind: 'rotate', reason: 'max_age' });
    const chunks = await readChunks(stream, 5);
    expect(chunks.join('')).toBe(': p\n\nevent: rotate\ndata: {"reason":"max_age"}\n\nretry: 250\n\n');
    expect(onClose).toHaveBeenCalledWith(conn, 'rotate');
    conn.endPlanned({ kind: 'auth', reason: 'expired' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
