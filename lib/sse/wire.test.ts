import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { SSE_HEADERS, encodeComment, encodeEvent, encodeJsonEvent, encodeRetry } from './wire';

/** Parses bytes the way a browser would, so the tests check meaning, not only text. */
function parse(text: string): { events: EventSourceMessage[]; retries: number[]; comments: string[] } {
  const events: EventSourceMessage[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (e) => events.push(e),
    onRetry: (r) => retries.push(r),
    onComment: (c) => comments.push(c),
  });
  parser.feed(text);
  return { events, retries, comments };
}

describe('encodeEvent', () => {
  it('writes id, event and data fields and ends with a blank line', () => {
    expect(encodeEvent({ id: 'e.1', event: 'metric', data: '{"a":1}' })).toBe(
      'id: e.1\nevent: metric\ndata: {"a":1}\n\n',
    );
  });

  it('omits id and event when not given', () => {
    expect(encodeEvent({ data: 'x' })).toBe('data: x\n\n');
  });

  it('splits multi-line data into one data line per line, and a parser joins them back with LF', () => {
    const text = encodeEvent({ event: 'note', data: 'one\ntwo\nthree' });
    expect(text).toBe('event: note\ndata: one\ndata: two\ndata: three\n\n');
    expect(parse(text).events).toEqual([{ id: undefined, event: 'note', data: 'one\ntwo\nthree' }]);
  });

  it('cannot be broken out of by CR, LF or CRLF inside the data', () => {
    const hostile = 'a\r\nevent: reset\rid: evil\n\ndata: injected';
    const { events } = parse(
      encodeEvent({ id: 'good', event: 'metric', data: hostile }) + encodeEvent({ data: 'next' }),
    );
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ id: 'good', event: 'metric' });
    // Every line break comes back as LF inside the one event; nothing became a field.
    expect(events[0]?.data).toBe('a\nevent: reset\nid: evil\n\ndata: injected');
    expect(events[1]?.data).toBe('next');
  });

  it('keeps empty lines and a trailing line break inside the data', () => {
    expect(parse(encodeEvent({ data: 'a\n\nb\n' })).events[0]?.data).toBe('a\n\nb\n');
  });

  it('refuses CR or LF in single-line fields, and NUL in ids', () => {
    expect(() => encodeEvent({ id: 'a\nb', data: 'x' })).toThrow(/CR or LF/);
    expect(() => encodeEvent({ event: 'a\rb', data: 'x' })).toThrow(/CR or LF/);
    expect(() => encodeEvent({ id: 'a\0b', data: 'x' })).toThrow(/NUL/);
  });
});

describe('encodeJsonEvent', () => {
  it('round-trips JSON with line breaks in string values', () => {
    const payload = { text: 'line1\nline2\r\nline3', n: 1 };
    const { events } = parse(encodeJsonEvent('hello', payload));
    expect(JSON.parse(events[0]?.data ?? '')).toEqual(payload);
    expect(events[0]?.event).toBe('hello');
  });
});

describe('encodeComment and encodeRetry', () => {
  it('writes comments that parsers ignore as events', () => {
    const { events, comments } = parse(encodeComment('keep-alive') + encodeComment());
    expect(events).toEqual([]);
    expect(comments).toEqual(['keep-alive', '']);
  });

  it('keeps a multi-line comment as comments', () => {
    const { events, comments } = parse(encodeComment('a\nb'));
    expect(events).toEqual([]);
    expect(comments).toEqual(['a', 'b']);
  });

  it('writes digits-only retry values and refuses others', () => {
    expect(encodeRetry(2000)).toBe('retry: 2000\n\n');
    expect(parse(encodeRetry(2000)).retries).toEqual([2000]);
    expect(() => encodeRetry(-1)).toThrow(RangeError);
    expect(() => encodeRetry(1.5)).toThrow(RangeError);
  });
});

describe('SSE_HEADERS', () => {
  it('turn off caching, transforms and proxy buffering, and set no Connection header (invalid in HTTP/2)', () => {
    expect(SSE_HEADERS['Content-Type']).toMatch(/^text\/event-stream/);
    expect(SSE_HEADERS['Cache-Control']).toBe('no-cache, no-transform');
    expect(SSE_HEADERS['X-Accel-Buffering']).toBe('no');
    expect(Object.keys(SSE_HEADERS).map((h) => h.toLowerCase())).not.toContain('connection');
  });
});
