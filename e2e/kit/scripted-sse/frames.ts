/**
 * Builders for the bytes of a scripted event stream: one SSE frame in the line ends you choose,
 * and the steps a connection's answer is made of. Plain data, so a script reads like the wire.
 */

/** `\n` (LF), `\r\n` (CRLF) or `\r` (CR): the three line ends the SSE format allows. */
export type LineEnd = '\n' | '\r\n' | '\r';

export interface FrameFields {
  /** `: text` lines, written first (one per line of `comment`). Default none. */
  comment?: string;
  /** `event:` line. Default none (the client dispatches `message`). */
  event?: string;
  /** `id:` line, written as given (an empty string clears the last event ID). Default none. */
  id?: string;
  /** `retry:` line, in ms; a string is written verbatim, so malformed values can be sent. Default none. */
  retry?: number | string;
  /** One `data:` line per line of the text (split on `\n`). Default none. */
  data?: string;
}

export interface FrameOptions {
  /** Line end of every line, the blank terminating line included. Default `\n`. */
  eol?: LineEnd;
  /** Write the blank line that makes a client dispatch the event. Default true. */
  terminated?: boolean;
}

/** The text of one SSE frame: comment, event, id, retry, data lines, then the blank line. */
export function frame(fields: FrameFields, options: FrameOptions = {}): string {
  const eol = options.eol ?? '\n';
  const lines: string[] = [];
  if (fields.comment !== undefined) lines.push(...fields.comment.split('\n').map((line) => `: ${line}`));
  if (fields.event !== undefined) lines.push(`event: ${fields.event}`);
  if (fields.id !== undefined) lines.push(`id: ${fields.id}`);
  if (fields.retry !== undefined) lines.push(`retry: ${fields.retry}`);
  if (fields.data !== undefined) lines.push(...fields.data.split('\n').map((line) => `data: ${line}`));
  return lines.map((line) => line + eol).join('') + (options.terminated === false ? '' : eol);
}

/** What the server does next on one connection. */
export type Step =
  /** Writes one frame (counted: `sent(frameIndex)` waits for it). */
  | { kind: 'send'; text: string }
  /** Writes bytes that are not counted as a frame (a stray line, a lone comment, garbage). */
  | { kind: 'write'; text: string }
  /**
   * Writes one frame (counted) in several chunks, cut at the given character offsets; each chunk
   * is flushed to the socket before the next is written.
   */
  | { kind: 'split'; text: string; at: number[] }
  /** Writes the first `at` characters of a frame, waits for `release()`, then writes the rest (counted). */
  | { kind: 'stall'; text: string; at: number }
  /** Waits for `release()` without writing anything. */
  | { kind: 'hold' }
  /**
   * Closes the TCP connection mid-body (FIN after every byte written, no end of the chunked body):
   * the client reads all that was sent, then a network error. Not a reset (RST): a reset lets the
   * receiving kernel drop bytes the client had not read yet, so on a busy machine "the frames before
   * the cut" would sometimes never arrive (seen in CI: a browser that lost all of them).
   */
  | { kind: 'cut' }
  /** Ends the body cleanly (the client sees end of stream and reconnects). */
  | { kind: 'end' };

export const send = (text: string): Step => ({ kind: 'send', text });
export const write = (text: string): Step => ({ kind: 'write', text });
export const split = (text: string, ...at: number[]): Step => ({ kind: 'split', text, at });
export const stall = (text: string, at = Math.floor(text.length / 2)): Step => ({ kind: 'stall', text, at });
export const hold = (): Step => ({ kind: 'hold' });
export const cut = (): Step => ({ kind: 'cut' });
export const end = (): Step => ({ kind: 'end' });

/** How a connection is answered: the response head, then the steps (200 event stream by default). */
export interface Answer {
  /** Default 200. */
  status?: number;
  /** Default `text/event-stream; charset=utf-8`. */
  contentType?: string;
  /** Extra response headers. Default none. */
  headers?: Record<string, string>;
  /** What is written after the head, in order. Default none (then the response stays open). */
  steps?: Step[];
}
