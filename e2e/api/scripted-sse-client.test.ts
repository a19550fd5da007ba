import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionManager } from '@/lib/client/connection';
import type { ConnectionEnv } from '@/lib/client/connection-env';
import { runSseRequest, type TransportEnd } from '@/lib/client/sse-transport';
import type { StreamListener } from '@/lib/client/stream-source';
import type { ConnectionState } from '@/lib/client/connection-status';
import type { SseMessage } from '@/lib/sse/wire';
import {
  cut,
  end,
  frame,
  hold,
  send,
  split,
  stall,
  startScriptedSse,
  write,
  type LineEnd,
  type ScriptedSse,
} from '../kit/scripted-sse';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * This app's SSE client (lib/client: fetch + eventsource-parser in sse-transport.ts, the
 * reconnect in connection.ts) against a scripted stream: the WHATWG parsing rules it relies on,
 * byte by byte and chunk by chunk, from Node over real loopback sockets.
 */

let sse: ScriptedSse;
beforeEach(async () => {
  sse = await startScriptedSse();
});
afterEach(async () => {
  await sse.close();
});

/** One transport request, recording what it hands the connection manager. */
function request() {
  const events: SseMessage[] = [];
  const retries: number[] = [];
  let opened = false;
  const abort = new AbortController();
  const done: Promise<TransportEnd> = runSseRequest(
    { url: sse.url, signal: abort.signal, fetch },
    {
      onOpen: () => void (opened = true),
      onEvent: (message) => void events.push(message),
      onRetry: (ms) => void retries.push(ms),
      onBytes: () => {},
    },
  );
  return { events, retries, done, abort, opened: () => opened };
}

/** Resolves once `read()` holds; the stream's progress has no event of its own to wait on. */
async function until(read: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !read(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!read()) throw new Error(`never: ${what}`);
}

describe('scripted SSE against lib/client', () => {
  it.each<[string, LineEnd]>([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('%s line ends: fields, multi-line data joined with LF, comments ignored', async (_name, eol) => {
    sse.answer({
      steps: [
        send(frame({ comment: 'hello\nsecond comment line' }, { eol })),
        send(frame({ event: 'metric', id: 'a.1', data: 'one\ntwo\nthree' }, { eol })),
        send(frame({ data: 'plain' }, { eol })),
        end(),
      ],
    });
    const client = request();
    expect(await client.done).toEqual({ kind: 'ended' });
    expect(client.events).toEqual([{ event: 'metric', id: 'a.1', data: 'one\ntwo\nthree' }, { data: 'plain' }]);
  });

  it('CR line ends: an event is dispatched only when a byte follows its last CR; at the end of the body it is lost', async () => {
    // eventsource-parser cannot tell a CR that ends a chunk from the first half of a CRLF, so it
    // waits for the next byte. The app's server ends lines with LF, so its events never wait.
    sse.answer({
      steps: [
        send(frame({ event: 'metric', id: 'c.1', data: 'one\ntwo' }, { eol: '\r' })),
        hold(),
        write(': next\r'),
        send(frame({ data: 'last' }, { eol: '\r' })),
        end(),
      ],
    });
    const client = request();
    await sse.held();
    expect(client.events).toEqual([]);
    sse.release();
    expect(await client.done).toEqual({ kind: 'ended' });
    expect(client.events).toEqual([{ event: 'metric', id: 'c.1', data: 'one\ntwo' }]);
  });

  it('a CRLF split between its CR and its LF is one line end, not two', async () => {
    const text = frame({ id: 'x.1', data: 'a' }, { eol: '\r\n' }) + frame({ data: 'b' }, { eol: '\r\n' });
    // Cut right after the first line's CR: a parser that took CR alone as the end would see an
    // empty line next (the LF) and dispatch too early.
    sse.answer({ steps: [split(text, text.indexOf('\r') + 1), end()] });
    const client = request();
    expect(await client.done).toEqual({ kind: 'ended' });
    expect(client.events).toEqual([{ id: 'x.1', data: 'a' }, { data: 'b' }]);
  });

  it('the id is reported only on the event that carries it; an id with NUL is ignored', async () => {
    // Unlike EventSource's `lastEventId`, the transport does not carry an id forward: the client
    // requires an `id:` on every metric (lib/sse/decode.ts) and keeps its own cursor.
    sse.answer({
      steps: [
        send(frame({ id: 'a.1', data: 'first' })),
        send(frame({ data: 'no id' })),
        send(frame({ id: 'a.\0bad', data: 'nul id' })),
        send(frame({ id: '', data: 'empty id' })),
        end(),
      ],
    });
    const client = request();
    await client.done;
    expect(client.events).toEqual([
      { id: 'a.1', data: 'first' },
      { data: 'no id' },
      { data: 'nul id' },
      { id: '', data: 'empty id' },
    ]);
  });

  it('retry: a number is reported, anything else ignored', async () => {
    sse.answer({
      steps: [
        send(frame({ retry: 2500 })),
        send(frame({ retry: 'soon' })),
        send(frame({ retry: 40, data: 'x' })),
        end(),
      ],
    });
    const client = request();
    await client.done;
    expect(client.retries).toEqual([2500, 40]);
    expect(client.events).toEqual([{ data: 'x' }]);
  });

  it('an event split across chunks is dispatched once, whole, after its last byte', async () => {
    const event = frame({ event: 'metric', id: 'a.7', data: '{"feed":"cpu","seq":7}' });
    sse.answer({ steps: [send(frame({ data: 'before' })), stall(event, 9), end()] });
    const client = request();
    await sse.held();
    await until(() => client.events.length === 1, 'the first event');
    // Half an event on the wire (`event: metric\nid`): nothing more dispatched while it is held.
    expect(client.events).toEqual([{ data: 'before' }]);
    sse.release();
    expect(await client.done).toEqual({ kind: 'ended' });
    expect(client.events).toEqual([{ data: 'before' }, { event: 'metric', id: 'a.7', data: '{"feed":"cpu","seq":7}' }]);
  });

  it('a cut after frame N: the N frames are delivered, an unterminated last event is not, and the end is a network error', async () => {
    sse.answer({
      steps: [
        send(frame({ id: 'a.1', data: 'one' })),
        send(frame({ id: 'a.2', data: 'two' })),
        write(frame({ id: 'a.3', data: 'three' }, { terminated: false })),
        cut(),
      ],
    });
    const client = request();
    const ended = await client.done;
    expect(ended).toMatchObject({ kind: 'network', phase: 'stream' });
    expect(client.events.map((e) => e.id)).toEqual(['a.1', 'a.2']);
  });

  it('a non-200 answer fails the request with its status, Retry-After and message', async () => {
    sse.answer({
      status: 503,
      contentType: 'application/json',
      headers: { 'Retry-After': '7' },
      steps: [write(JSON.stringify({ error: { code: 'busy', message: 'too many streams' } })), end()],
    });
    const client = request();
    expect(await client.done).toEqual({ kind: 'http', status: 503, retryAfter: '7', message: 'too many streams' });
    expect(client.opened()).toBe(false);
  });

  it('a 200 with the wrong content type fails the request and reads no event', async () => {
    sse.answer({ contentType: 'text/plain', steps: [send(frame({ data: 'looks like SSE' })), end()] });
    const client = request();
    expect(await client.done).toEqual({
      kind: 'http',
      status: 200,
      retryAfter: null,
      message: 'unexpected content type "text/plain"',
    });
    expect(client.events).toEqual([]);
  });

  it('the connection manager reconnects after a cut with Last-Event-ID = the last event applied', async () => {
    const hello = (resumed: boolean) =>
      frame({
        event: 'hello',
        data: JSON.stringify({
          epoch: 'e1',
          heartbeatMs: 60_000,
          feeds: [FIRST_FEED],
          resumed,
          replayed: 0,
          bus: 'memory',
          serverTime: Date.now(),
        }),
      });
    const metric = (seq: number, eol: LineEnd = '\n', terminated = true) =>
      frame(
        {
          event: 'metric',
          id: `e1.${seq}`,
          data: JSON.stringify({ feed: FIRST_FEED, seq, ts: seq * 1000, value: seq }),
        },
        { eol, terminated },
      );
    sse.answer({
      steps: [
        send(frame({ retry: 50 }) + hello(false)),
        send(metric(1, '\r\n')),
        split(metric(2, '\r'), 5, 20),
        write(metric(3, '\n', false)),
        cut(),
      ],
    });
    sse.answer({ steps: [send(hello(true)), send(metric(3)), hold()] });

    const states: ConnectionState[] = [];
    let cursor: string | null = null;
    const listener: StreamListener = {
      resumeCursor: () => cursor,
      onHello: () => {},
      onMetric: (_metric, at) => void (cursor = at),
      onReset: () => {},
      onStatus: (status) => void states.push(status.state),
      onRecovered: () => {},
      onProtocolError: (error) => {
        throw error;
      },
    };
    const env: ConnectionEnv = {
      fetch,
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
      random: () => 0,
      isOnline: () => true,
      listen: () => () => {},
      reportError: (error) => {
        throw error;
      },
    };
    const connection = new ConnectionManager({ url: sse.url, env });
    connection.start(listener);
    try {
      await sse.connected(2);
      await sse.sent(1, 1);
      await until(() => cursor === 'e1.3', 'metric 3 applied after the reconnect');
    } finally {
      connection.stop();
    }
    expect(sse.connections[0]!.lastEventId).toBeNull();
    // The unterminated third metric was never applied: the resume starts after the second.
    expect(sse.connections[1]!.lastEventId).toBe('e1.2');
    expect(new URL(sse.connections[1]!.url, sse.url).searchParams.get('lastEventId')).toBe('e1.2');
    expect(states).toEqual(expect.arrayContaining(['live', 'reconnecting']));
    expect(states.at(-1)).toBe('live');
  });
});
