import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Answer, Step } from './frames';

/**
 * A tiny HTTP server that answers each stream request with a scripted answer, step by step, so
 * a test controls every byte and every chunk boundary a client sees: what `page.route` cannot do
 * (it cannot stream a response) and what a real server will not do on demand.
 *
 * Connections are answered in the order they arrive with the answers queued by `answer()`; one
 * that arrives with no answer queued gets `204 No Content`, which tells a native EventSource to
 * stop reconnecting. Every state a test needs is awaitable (`connected`, `sent`, `held`,
 * `finished`, `closed`), so tests wait for states, never for time.
 */

export interface ScriptedSseOptions {
  /** Path of the stream. Default `/stream`. Any other path serves a blank HTML page (same origin, for `EventSource`). */
  path?: string;
  /** How long an awaitable state may take before it fails with a readable message. Default 20000 ms. */
  waitTimeoutMs?: number;
}

export interface ScriptedConnection {
  /** 0 for the first stream request, then 1, 2, … */
  readonly index: number;
  /** Path and query of the request. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The `Last-Event-ID` request header, or null when the client sent none. */
  readonly lastEventId: string | null;
  /** When the request arrived (`Date.now()` of the test process). */
  readonly openedAt: number;
  /** When the socket went away, or null while it is open. */
  closedAt: number | null;
  /** Frames (`send`, `split`, `stall`) completely written so far. */
  framesSent: number;
  /** Waiting at a `hold` or in a `stall` for `release()`. */
  held: boolean;
  /** Every step was carried out. */
  finished: boolean;
  /** The socket is gone (the client closed it, or a `cut`/`end` step, or `close()`). */
  closed: boolean;
}

export interface ScriptedSse {
  /** The stream URL, e.g. `http://127.0.0.1:41234/stream`. */
  readonly url: string;
  /** A blank HTML page on the same origin, for a page that opens `new EventSource(url)`. */
  readonly pageUrl: string;
  /** Every stream request so far, in arrival order. */
  readonly connections: readonly ScriptedConnection[];
  /** Queues the answer for the next stream request that has none yet. */
  answer(answer: Answer): void;
  /** Resolves once `count` stream requests have arrived. */
  connected(count: number): Promise<void>;
  /** Resolves once frame `frameIndex` (0-based) of connection `connection` is completely written. */
  sent(frameIndex: number, connection?: number): Promise<void>;
  /** Resolves once connection `connection` waits at a `hold` or in a `stall`. */
  held(connection?: number): Promise<void>;
  /** Lets connection `connection` go on past its `hold` or `stall`. */
  release(connection?: number): void;
  /** Resolves once every step of connection `connection` was carried out. */
  finished(connection?: number): Promise<void>;
  /** Resolves once the socket of connection `connection` is gone. */
  closed(connection?: number): Promise<void>;
  /** Destroys every socket and stops the server. */
  close(): Promise<void>;
}

const BLANK_PAGE = '<!doctype html><meta charset="utf-8"><title>scripted SSE</title><body></body>';

/** Starts the server on 127.0.0.1, on a free port. */
export async function startScriptedSse(options: ScriptedSseOptions = {}): Promise<ScriptedSse> {
  const path = options.path ?? '/stream';
  const waitTimeoutMs = options.waitTimeoutMs ?? 20_000;
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  const queued: Answer[] = [];
  const connections: ScriptedConnection[] = [];
  const releases = new Map<number, () => void>();
  const sockets = new Set<Socket>();
  const changed = () => changes.emit('change');

  const until = (what: () => string | null, done: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`scripted SSE: ${what() ?? 'state'} not reached within ${waitTimeoutMs} ms`));
      }, waitTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        changes.off('change', check);
      };
      changes.on('change', check);
      check();
    });

  const describe = (index: number) => {
    const c = connections[index];
    return c
      ? `connection ${index} (${c.framesSent} frame(s) sent${c.held ? ', held' : ''}${c.finished ? ', finished' : ''}${c.closed ? ', closed' : ''})`
      : `connection ${index} (not arrived; ${connections.length} so far)`;
  };

  async function run(connection: ScriptedConnection, response: ServerResponse, steps: Step[]): Promise<void> {
    const socket = response.socket;
    // Each write is its own TCP segment, so a chunk boundary the script sets is one on the wire.
    socket?.setNoDelay(true);
    const flush = (text: string) =>
      new Promise<void>((resolve) => {
        if (connection.closed) return resolve();
        response.write(text, () => setImmediate(resolve));
      });
    const waitRelease = () =>
      new Promise<void>((resolve) => {
        connection.held = true;
        releases.set(connection.index, resolve);
        changed();
      }).then(() => {
        connection.held = false;
        changed();
      });
    const frameDone = () => {
      connection.framesSent += 1;
      changed();
    };

    for (const step of steps) {
      if (connection.closed) return;
      switch (step.kind) {
        case 'send':
          await flush(step.text);
          frameDone();
          break;
        case 'write':
          await flush(step.text);
          break;
        case 'split': {
          let from = 0;
          for (const at of [...step.at, step.text.length]) {
            await flush(step.text.slice(from, at));
            from = at;
          }
          frameDone();
          break;
        }
        case 'stall':
          await flush(step.text.slice(0, step.at));
          await waitRelease();
          await flush(step.text.slice(step.at));
          frameDone();
          break;
        case 'hold':
          await waitRelease();
          break;
        case 'cut':
          await new Promise<void>((resolve) => (socket ? socket.end(resolve) : resolve()));
          break;
        case 'end':
          await new Promise<void>((resolve) => response.end(resolve));
          break;
      }
    }
    connection.finished = true;
    changed();
  }

  function onStream(request: IncomingMessage, response: ServerResponse): void {
    const header = request.headers['last-event-id'];
    const connection: ScriptedConnection = {
      index: connections.length,
      url: request.url ?? '',
      headers: request.headers,
      lastEventId: typeof header === 'string' ? header : null,
      openedAt: Date.now(),
      closedAt: null,
      framesSent: 0,
      held: false,
      finished: false,
      closed: false,
    };
    connections.push(connection);
    response.on('close', () => {
      connection.closed = true;
      connection.closedAt = Date.now();
      releases.get(connection.index)?.();
      changed();
    });
    const answer = queued.shift();
    if (!answer) {
      response.writeHead(204).end();
      connection.finished = true;
      changed();
      return;
    }
    response.writeHead(answer.status ?? 200, {
      'Content-Type': answer.contentType ?? 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      ...answer.headers,
    });
    response.flushHeaders();
    changed();
    void run(connection, response, answer.steps ?? []);
  }

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://scripted.invalid');
    if (pathname === path) return onStream(request, response);
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(BLANK_PAGE);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}${path}`,
    pageUrl: `${origin}/`,
    connections,
    answer: (answer) => void queued.push(answer),
    connected: (count) =>
      until(
        () => `${count} connection(s) (${connections.length} so far)`,
        () => connections.length >= count,
      ),
    sent: (frameIndex, connection = 0) =>
      until(
        () => `frame ${frameIndex} of ${describe(connection)}`,
        () => (connections[connection]?.framesSent ?? 0) > frameIndex,
      ),
    held: (connection = 0) =>
      until(
        () => `hold of ${describe(connection)}`,
        () => connections[connection]?.held === true,
      ),
    release(connection = 0) {
      const resolve = releases.get(connection);
      if (!resolve) throw new Error(`scripted SSE: ${describe(connection)} is not held`);
      releases.delete(connection);
      resolve();
    },
    finished: (connection = 0) =>
      until(
        () => `end of script of ${describe(connection)}`,
        () => connections[connection]?.finished === true,
      ),
    closed: (connection = 0) =>
      until(
        () => `close of ${describe(connection)}`,
        () => connections[connection]?.closed === true,
      ),
    async close() {
      for (const resolve of releases.values()) resolve();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
