/**
 * Server-Sent Events wire encoding (WHATWG HTML §9.2), shared by the server and the tests. The
 * decoding side (parsed event → typed payload) is decode.ts.
 *
 * Pure functions over strings: no Node or browser APIs, so the same framing rules are used by
 * both stream bindings (the route handler and the raw stream path) and the tests. The
 * benchmark's reference server (e2e/bench/reference-server.mjs, plain JavaScript) writes the
 * same format by hand, on purpose: it shares no app code.
 */

/** Headers every SSE response carries. `no-transform` stops Next (and proxies) from gzipping. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless told not to, which would hold events back.
  'X-Accel-Buffering': 'no',
  // No `Connection: keep-alive`: it is implied by HTTP/1.1 and malformed in HTTP/2.
};

/** The event names of wire contract v1 (see docs/protocol.md). */
export const EVENT_TYPES = {
  hello: 'hello',
  metric: 'metric',
  reset: 'reset',
  /** A planned end (`SSE_MAX_STREAM_MS`): reconnect at once from the cursor; nothing went wrong. */
  rotate: 'rotate',
  /** The session no longer grants this stream (expired, revoked, invalid): renew, then resume. */
  auth: 'auth',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** One SSE event, as encoded by the server and as parsed by the client's transport. */
export interface SseMessage {
  /** Sets the client's last-event-ID; omitted when undefined (the client keeps its previous one). */
  id?: string;
  /** Event name; omitted means the client dispatches a plain `message`. */
  event?: string;
  /** Payload; may contain any line breaks, each becomes its own `data:` line. */
  data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * A field value that goes on one line (`id`, `event`). A CR or LF there would end the field
 * early and let the rest be read as another field, so it is a programming error, not data.
 */
function singleLine(name: string, value: string): string {
  if (LINE_BREAK.test(value)) throw new TypeError(`SSE ${name} must not contain CR or LF`);
  // The spec ignores an id containing NUL; refusing it here makes the mistake visible.
  if (name === 'id' && value.includes('\0')) throw new TypeError('SSE id must not contain NUL');
  return value;
}

/** Encodes one event, ending with the blank line that dispatches it. */
export function encodeEvent(message: SseMessage): string {
  let out = '';
  if (message.id !== undefined) out += `id: ${singleLine('id', message.id)}\n`;
  if (message.event !== undefined) out += `event: ${singleLine('event', message.event)}\n`;
  // Splitting on every kind of line break means a value with CR/LF cannot break the framing:
  // the client joins `data:` lines back with LF.
  for (const line of message.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line: ignored by every SSE parser, used as the keep-alive heartbeat. */
export function encodeComment(text = ''): string {
  const lines = text.split(LINE_BREAK);
  return `${lines.map((line) => (line ? `: ${line}` : ':')).join('\n')}\n\n`;
}

/** The reconnection delay the client should use, in ms (digits only, per the spec). */
export function encodeRetry(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError('SSE retry must be a non-negative integer');
  return `retry: ${ms}\n\n`;
}

/** Encodes an event whose payload is JSON (JSON.stringify never emits raw line breaks). */
export function encodeJsonEvent(event: EventType, data: unknown, id?: string): string {
  return encodeEvent(
    id === undefined ? { event, data: JSON.stringify(data) } : { id, event, data: JSON.stringify(data) },
  );
}
