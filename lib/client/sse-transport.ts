import { createParser } from 'eventsource-parser';
import type { SseMessage } from '@/lib/sse/wire';

/**
 * One SSE request over fetch: status and headers are visible (a native EventSource hides them),
 * headers can be sent (auth-ready), and the request can be aborted. Framework-free; the
 * connection manager decides what each outcome means.
 *
 * Two kinds of failure are kept apart on purpose: the network's (the read failed) and the
 * consumer's (a handler threw while handling an event). A bug downstream must not look like a
 * flaky link and be retried forever.
 */

export interface TransportHandlers {
  /** The server answered 200 with an event stream; events follow. */
  onOpen(response: Response): void;
  /** One parsed event, not yet decoded (lib/sse/decode.ts does that). */
  onEvent(message: SseMessage): void;
  onRetry(ms: number): void;
  /** Any bytes arrived, heartbeats included: the stall watchdog's food. */
  onBytes(): void;
}

export type TransportEnd =
  /** The server ended the body (shutdown, slow consumer): reconnect. */
  | { kind: 'ended' }
  /** The server answered something other than a 200 event stream. */
  | { kind: 'http'; status: number; retryAfter: string | null; message: string }
  /**
   * The network failed. `connect`: no answer at all (refused, DNS, no route; the browser does not
   * say which). `stream`: an open stream broke (reset, cut mid-body): it was reachable a moment ago.
   */
  | { kind: 'network'; phase: 'connect' | 'stream'; message: string }
  /** We aborted it (stop, stall, reconnect now). */
  | { kind: 'aborted' }
  /** A handler threw: the request was cancelled, and the error is handed back untouched. */
  | { kind: 'consumer-error'; error: unknown };

export interface TransportRequest {
  url: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
  fetch: typeof fetch;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: fall through to the status text.
  }
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

const networkEnd = (request: TransportRequest, phase: 'connect' | 'stream', error: unknown): TransportEnd =>
  request.signal.aborted ? { kind: 'aborted' } : { kind: 'network', phase, message: String(error) };

export async function runSseRequest(request: TransportRequest, handlers: TransportHandlers): Promise<TransportEnd> {
  let response: Response;
  try {
    response = await request.fetch(request.url, {
      // `X-Stream-Refusals: status`: this client reads 429/503 + Retry-After, so the server need
      // not turn them into the in-band retry a native EventSource gets (docs/protocol.md).
      headers: { Accept: 'text/event-stream', 'X-Stream-Refusals': 'status', ...request.headers },
      cache: 'no-store',
      credentials: 'same-origin',
      signal: request.signal,
    });
  } catch (error) {
    return networkEnd(request, 'connect', error);
  }

  const type = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
    const message = response.status === 200 ? `unexpected content type "${type}"` : await errorMessage(response);
    return { kind: 'http', status: response.status, retryAfter: response.headers.get('retry-after'), message };
  }

  const reader = response.body.getReader();
  const parser = createParser({
    onEvent: ({ event, id, data }) =>
      handlers.onEvent({ data, ...(event === undefined ? {} : { event }), ...(id === undefined ? {} : { id }) }),
    onRetry: (ms) => handlers.onRetry(ms),
  });
  const decoder = new TextDecoder();
  const consumerFailed = (error: unknown): TransportEnd => {
    reader.cancel().catch(() => {}); // Nothing to learn from how the cancel went.
    return { kind: 'consumer-error', error };
  };

  try {
    handlers.onOpen(response);
  } catch (error) {
    return consumerFailed(error);
  }
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      return networkEnd(request, 'stream', error);
    }
    if (chunk.done) return { kind: 'ended' };
    try {
      handlers.onBytes();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
    } catch (error) {
      return consumerFailed(error);
    }
  }
}
