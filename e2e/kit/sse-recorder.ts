import { createParser } from 'eventsource-parser';

/**
 * A real SSE client for Node tests (fetch + eventsource-parser) that records everything with
 * arrival times: events, comments, `retry:` fields, and the raw chunks, so a test can assert
 * framing and timing as well as content.
 *
 *   const sse = await connectSse(`${server.url}/api/events`);
 *   await sse.waitFor((s) => s.events().length >= 3, 10_000, 'three events');
 *   sse.close();
 */

export type SseRecord =
  | { kind: 'event'; event: string; id: string | undefined; data: string; at: number; chunk: number }
  | { kind: 'comment'; text: string; at: number; chunk: number }
  | { kind: 'retry'; ms: number; at: number; chunk: number };

export type SseEventRecord = Extract<SseRecord, { kind: 'event' }>;

export interface SseClient {
  readonly response: Response;
  readonly records: SseRecord[];
  /** Decoded body chunks as they arrived. */
  readonly chunks: string[];
  /** Resolves when the stream ends: cleanly (`end`), broken (`error`), or by `close()` (`aborted`). */
  readonly ended: Promise<'end' | 'error' | 'aborted'>;
  /** The events so far, oldest first; only those named `event` when given (unnamed ones are `message`). */
  events: (event?: string) => SseEventRecord[];
  /** The `id` of the newest event that had one: what a reconnect would send as `Last-Event-ID`. */
  lastEventId: () => string | undefined;
  /** Waits until `predicate` holds (re-checked on every chunk); rejects if the stream ends first. Default 10 000 ms. */
  waitFor(predicate: (client: SseClient) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close: () => void;
}

export interface ConnectOptions {
  /** Request headers on top of `Accept: text/event-stream` (e.g. `Last-Event-ID`). Default none. */
  headers?: Record<string, string>;
}

/** Opens a stream. A non-2xx answer resolves too: check `response.status` before reading records. */
export async function connectSse(url: string, options: ConnectOptions = {}): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...options.headers },
    signal: controller.signal,
  });
  const records: SseRecord[] = [];
  const chunks: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((check) => check());

  const parser = createParser({
    onEvent: (e) =>
      records.push({
        kind: 'event',
        event: e.event ?? 'message',
        id: e.id,
        data: e.data,
        at: Date.now(),
        chunk: chunks.length - 1,
      }),
    onComment: (text) => records.push({ kind: 'comment', text, at: Date.now(), chunk: chunks.length - 1 }),
    onRetry: (ms) => records.push({ kind: 'retry', ms, at: Date.now(), chunk: chunks.length - 1 }),
  });

  let finished = false;
  const ended = (async (): Promise<'end' | 'error' | 'aborted'> => {
    if (!response.ok || !response.body) return 'end';
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'end';
        const text = decoder.decode(value, { stream: true });
        chunks.push(text);
        parser.feed(text);
        notify();
      }
    } catch {
      return controller.signal.aborted ? 'aborted' : 'error';
    } finally {
      finished = true;
      notify();
    }
  })();

  const events = (name?: string) =>
    records.filter((r): r is SseEventRecord => r.kind === 'event' && (name === undefined || r.event === name));

  const client: SseClient = {
    response,
    records,
    chunks,
    ended,
    events,
    lastEventId: () => events().findLast((r) => r.id !== undefined)?.id,
    waitFor(predicate, timeoutMs = 10_000, what = 'condition') {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(client)) {
            cleanup();
            resolve();
          } else if (finished) {
            cleanup();
            reject(new Error(`stream ended before ${what}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
  return client;
}
