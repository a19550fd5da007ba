import { createParser } from 'eventsource-parser';

/**
 * One SSE request over fetch: status and headers are visible (a native EventSource hides them),
 * headers can be sent (auth-ready), and the request can be aborted. Framework-free; the
 * connection manager decides what each outcome means.
 */

export interface SseMessage {
  event: string;
  id: string | undefined;
  data: string;
}

export interface TransportHandlers {
  /** The server answered 200 with an event stream; events follow. */
  onOpen(response: Response): void;
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
  /** DNS, refused, reset, or a body cut mid-stream. */
  | { kind: 'network'; message: string }
  /** We aborted it (stop, stall, reconnect now). */
  | { kind: 'aborted' };

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

export async function runSseRequest(request: TransportRequest, handlers: TransportHandlers): Promise<TransportEnd> {
  let response: Response;
  try {
    response = await request.fetch(request.url, {
      headers: { Accept: 'text/event-stream', ...request.headers },
      cache: 'no-store',
      credentials: 'same-origin',
      signal: request.signal,
    });
  } catch (error) {
    return request.signal.aborted ? { kind: 'aborted' } : { kind: 'network', message: String(error) };
  }

  const type = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
    const message = response.status === 200 ? `unexpected content type "${type}"` : await errorMessage(response);
    return { kind: 'http', status: response.status, retryAfter: response.headers.get('retry-after'), message };
  }

  handlers.onOpen(response);
  const parser = createParser({
    onEvent: (event) => handlers.onEvent({ event: event.event ?? 'message', id: event.id, data: event.data }),
    onRetry: handlers.onRetry,
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { kind: 'ended' };
      handlers.onBytes();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    return request.signal.aborted ? { kind: 'aborted' } : { kind: 'network', message: String(error) };
  }
}
