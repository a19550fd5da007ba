import type { WireHello, WireMetric, WireReset, WireSnapshot } from '@/lib/sse/payloads';
import { encodeComment, encodeEvent, encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import type { FakeClock } from './fake-clock';
import { FEED_A } from '@/lib/testing/catalogue';

/**
 * Test-only: the server side of the wire contract (docs/protocol.md), small enough to read, on
 * the fake clock: a log per epoch, resume from a cursor or a reset, heartbeat comments,
 * `GET /api/snapshot`, and a session that can be revoked and signed in again
 * (`POST /api/auth/refresh` renews it while it is valid). Its `fetch` is what a real
 * `ConnectionManager` and snapshot loader are given, so tests drive the real client code.
 *
 * Every tick publishes one event per feed, each feed's seq n at tick n, at time k·1e6 + n·100
 * in epoch number k (times grow across restarts, as a real clock's would). With one feed, tick n
 * has cursor `<epoch>.n` (a memory bus's offset); with several, the i-th feed's event of tick n
 * has `<epoch>.n-i` (as a Redis stream id `ms-n` would). Several feeds matter to a client: its
 * resume cursor (before its oldest hole, in whichever feed) then differs from its newest cursor.
 */

export const FEED = FEED_A;

interface Connection {
  readonly owner: string;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  heartbeat: unknown;
}

export interface FakeSseServerOptions {
  clock: FakeClock;
  /** The heartbeat the server announces and keeps. Default 1000 ms. */
  heartbeatMs?: number;
  /** The feeds every tick publishes to, in publish order. Default one, `FEED`. */
  feeds?: readonly string[];
}

export function createFakeSseServer({ clock, heartbeatMs = 1000, feeds = [FEED] }: FakeSseServerOptions) {
  const encoder = new TextEncoder();
  let epochs = 0;
  let epoch = 'epa';
  let head = 0;
  let signedIn = true;
  let answerMs = 0;
  const open = new Set<Connection>();
  let maxOpen = 0;
  const connects: { owner: string; cursor: string | null }[] = [];

  const ts = (seq: number) => epochs * 1_000_000 + seq * 100;
  const lastIndex = feeds.length - 1;
  /** The cursor of the `index`-th feed's event of tick `seq` (the tick's last by default). */
  const cursorAt = (seq: number, index = lastIndex) =>
    feeds.length === 1 ? `${epoch}.${seq}` : `${epoch}.${seq}-${index}`;
  const metricEvent = (seq: number, index: number) => {
    const metric: WireMetric = { feed: feeds[index]!, seq, ts: ts(seq), value: seq };
    return encodeEvent({ id: cursorAt(seq, index), event: 'metric', data: JSON.stringify(metric) });
  };
  /** Every event of the ticks `from`..head, starting at feed `index` of tick `from`. */
  const eventsFrom = (from: number, index = 0): string[] => {
    const out: string[] = [];
    for (let seq = from; seq <= head; seq += 1) {
      for (let i = seq === from ? index : 0; i < feeds.length; i += 1) out.push(metricEvent(seq, i));
    }
    return out;
  };
  /** The whole log of this epoch (the tests' history is short enough for one window). */
  const snapshot = (): WireSnapshot => {
    const seqs = Array.from({ length: head }, (_, i) => i + 1);
    const window = { firstSeq: 1, ts: seqs.map(ts), value: seqs };
    return {
      epoch,
      cursor: cursorAt(head),
      windowMs: 300_000,
      feeds: Object.fromEntries(feeds.map((feed) => [feed, window])),
    };
  };
  /** Where a cursor of this epoch points: the tick and feed index of its event, or null. */
  const position = (cursor: string): { seq: number; index: number } | null => {
    const [cursorEpoch, at = ''] = cursor.split('.');
    const [tick, feed] = at.split('-');
    const seq = Number(tick);
    const index = feed === undefined ? lastIndex : Number(feed);
    const valid = feeds.length === 1 ? feed === undefined : feed !== undefined;
    if (cursorEpoch !== epoch || !valid || !Number.isInteger(seq) || !Number.isInteger(index)) return null;
    return seq <= head && index >= 0 && index <= lastIndex ? { seq, index } : null;
  };

  const write = (connection: Connection, text: string) => connection.controller.enqueue(encoder.encode(text));
  const end = (connection: Connection, last = '') => {
    if (!open.delete(connection)) return;
    clock.clearTimeout(connection.heartbeat);
    if (last) write(connection, last);
    connection.controller.close();
  };
  const beat = (connection: Connection) => {
    connection.heartbeat = clock.setTimeout(() => {
      write(connection, encodeComment('heartbeat'));
      beat(connection);
    }, heartbeatMs);
  };

  /** The stream's first bytes: hello, then the replay after `cursor`, or a reset. */
  const opening = (cursor: string | null): string => {
    const at = cursor === null ? null : position(cursor);
    // What follows the cursor's event: the next feeds of its tick, then every later tick.
    const replay =
      at === null ? [] : eventsFrom(at.index === lastIndex ? at.seq + 1 : at.seq, (at.index + 1) % feeds.length);
    const hello: WireHello = {
      epoch,
      heartbeatMs,
      feeds: [...feeds],
      resumed: at !== null,
      replayed: replay.length,
      bus: 'memory',
      serverTime: clock.now(),
    };
    let out = encodeRetry(1000) + encodeJsonEvent('hello', hello);
    if (cursor !== null && at === null) {
      const sameEpoch = cursor.split('.')[0] === epoch;
      const reset: WireReset = { ...snapshot(), reason: sameEpoch ? 'cursor_invalid' : 'epoch_changed' };
      out += encodeJsonEvent('reset', reset, reset.cursor);
    }
    return out + replay.join('');
  };

  const stream = (owner: string, url: URL, signal: AbortSignal | null): Response => {
    if (!signedIn) return Response.json({ error: { code: 'session_expired', message: 'expired' } }, { status: 401 });
    const cursor = url.searchParams.get('lastEventId');
    connects.push({ owner, cursor });
    let connection!: Connection;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        connection = { owner, controller, heartbeat: null };
      },
      cancel: () => end(connection),
    });
    open.add(connection);
    maxOpen = Math.max(maxOpen, open.size);
    write(connection, opening(cursor));
    beat(connection);
    signal?.addEventListener('abort', () => {
      if (!open.delete(connection)) return;
      clock.clearTimeout(connection.heartbeat);
      connection.controller.error(new DOMException('aborted', 'AbortError'));
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };

  return {
    get epoch() {
      return epoch;
    },
    get head() {
      return head;
    },
    get signedIn() {
      return signedIn;
    },
    /** Streams open now, and the most ever open at once. */
    get openStreams() {
      return open.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    connects,
    feeds,
    cursorAt,
    ts,
    snapshot,
    /** `fetch` for the page `owner` (a tab's name): its streams end with it (`dropOwner`). */
    fetchFor(owner: string): typeof fetch {
      return (input, init) => {
        const url = new URL(
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
          'http://test.invalid',
        );
        const signal = init?.signal ?? null;
        if (signal?.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
        switch (url.pathname) {
          case '/api/stream':
            if (answerMs === 0) return Promise.resolve(stream(owner, url, signal));
            // A busy server: the response comes later, on the server's time (a page starved of
            // CPU does not slow it down); a page that goes away aborts its request.
            return new Promise<Response>((resolve, reject) => {
              const answer = clock.setTimeout(() => resolve(stream(owner, url, signal)), answerMs);
              signal?.addEventListener('abort', () => {
                clock.clearTimeout(answer);
                reject(new DOMException('aborted', 'AbortError'));
              });
            });
          case '/api/snapshot':
            return Promise.resolve(
              signedIn
                ? Response.json(snapshot())
                : Response.json({ error: { code: 'unauthorized' } }, { status: 401 }),
            );
          case '/api/auth/refresh':
            return Promise.resolve(new Response(null, { status: signedIn ? 204 : 401 }));
          default:
            return Promise.resolve(new Response(null, { status: 404 }));
        }
      };
    },
    /** From now on a stream is answered `ms` after it is asked for (a busy server). Default 0. */
    answerStreamsAfter(ms: number) {
      answerMs = ms;
    },
    /** Appends `count` ticks (an event per feed each) and streams them to every open stream. */
    publish(count = 1) {
      for (let i = 0; i < count; i += 1) {
        head += 1;
        const text = eventsFrom(head).join('');
        for (const connection of open) write(connection, text);
      }
    },
    /** A restart: a new epoch, an empty log, every stream ended. */
    restart() {
      epochs += 1;
      epoch = `ep${String.fromCharCode(97 + (epochs % 26))}${epochs}`;
      head = 0;
      for (const connection of [...open]) end(connection);
    },
    /** Sign-out elsewhere (or a revoked session): streams end with `event: auth`, renewals are refused. */
    revoke() {
      signedIn = false;
      const auth = encodeJsonEvent('auth', { reason: 'revoked' }) + encodeRetry(250);
      for (const connection of [...open]) end(connection, auth);
    },
    /** The user signed in again: the browser holds a valid session (cookies serve every tab). */
    signIn() {
      signedIn = true;
    },
    /** The page `owner` is gone: the browser closed its connections. */
    dropOwner(owner: string) {
      for (const connection of [...open]) if (connection.owner === owner) end(connection);
    },
  };
}

export type FakeSseServer = ReturnType<typeof createFakeSseServer>;
