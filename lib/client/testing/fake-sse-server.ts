import type { WireHello, WireMetric, WireReset, WireSnapshot } from '@/lib/sse/payloads';
import { encodeComment, encodeEvent, encodeJsonEvent, encodeRetry } from '@/lib/sse/wire';
import type { FakeClock } from './fake-clock';
import { FEED_A } from '@/lib/testing/catalogue';

/**
 * Test-only: the server side of the wire contract (docs/protocol.md), small enough to read, on
 * the fake clock: one feed (`FEED`), a log per epoch, resume from a cursor or a reset, heartbeat
 * comments, `GET /api/snapshot`, and a session that can be revoked and signed in again
 * (`POST /api/auth/refresh` renews it while it is valid). Its `fetch` is what a real
 * `ConnectionManager` and snapshot loader are given, so tests drive the real client code.
 *
 * Seq n of epoch number k has cursor `<epoch>.n` and time k·1e6 + n·100: times grow across
 * restarts, as a real clock's would.
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
}

export function createFakeSseServer({ clock, heartbeatMs = 1000 }: FakeSseServerOptions) {
  const encoder = new TextEncoder();
  let epochs = 0;
  let epoch = 'epa';
  let head = 0;
  let signedIn = true;
  const open = new Set<Connection>();
  let maxOpen = 0;
  const connects: { owner: string; cursor: string | null }[] = [];

  const ts = (seq: number) => epochs * 1_000_000 + seq * 100;
  const cursorAt = (seq: number) => `${epoch}.${seq}`;
  const metric = (seq: number): WireMetric => ({ feed: FEED, seq, ts: ts(seq), value: seq });
  const metricEvent = (seq: number) =>
    encodeEvent({ id: cursorAt(seq), event: 'metric', data: JSON.stringify(metric(seq)) });
  /** The whole log of this epoch (the tests' history is short enough for one window). */
  const snapshot = (): WireSnapshot => {
    const seqs = Array.from({ length: head }, (_, i) => i + 1);
    return {
      epoch,
      cursor: cursorAt(head),
      windowMs: 300_000,
      feeds: { [FEED]: { firstSeq: 1, ts: seqs.map(ts), value: seqs } },
    };
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
    const [cursorEpoch, position] = cursor?.split('.') ?? [];
    const seq = Number(position);
    const resumable = cursor !== null && cursorEpoch === epoch && Number.isInteger(seq) && seq <= head;
    const replay = resumable ? Array.from({ length: head - seq }, (_, i) => seq + 1 + i) : [];
    const hello: WireHello = {
      epoch,
      heartbeatMs,
      feeds: [FEED],
      resumed: resumable,
      replayed: replay.length,
      bus: 'memory',
      serverTime: clock.now(),
    };
    let out = encodeRetry(1000) + encodeJsonEvent('hello', hello);
    if (cursor !== null && !resumable) {
      const reset: WireReset = { ...snapshot(), reason: cursorEpoch === epoch ? 'cursor_invalid' : 'epoch_changed' };
      out += encodeJsonEvent('reset', reset, reset.cursor);
    }
    return out + replay.map(metricEvent).join('');
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
            return Promise.resolve(stream(owner, url, signal));
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
    /** Appends `count` events and streams them to every open stream. */
    publish(count = 1) {
      for (let i = 0; i < count; i += 1) {
        head += 1;
        const text = metricEvent(head);
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
