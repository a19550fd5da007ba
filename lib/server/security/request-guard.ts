import 'server-only';
import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { errorAnswer, type PlainAnswer } from '../http';

/**
 * Requests Next cannot represent, answered with a 4xx before they reach it.
 *
 * Next turns every request into a fetch `Request` (for routes and for proxy.ts), and fetch
 * refuses to build one for `CONNECT`, `TRACE` or `TRACK`: Next then answers `500` and logs a
 * stack, on any path, once per request. A path whose percent-encoding does not decode
 * (`/api/%E0%A4%A`) fails the same way on a dynamic route, and so does the request target `*`
 * (`OPTIONS *`). None is a server fault, so none may look like one: they get `405` and `400`
 * JSON here, and nothing is logged.
 *
 * Installed once per process from `bootServer` on Node's HTTP server, ahead of whatever answers
 * requests (Next's own server under `npm start`, raw-server.mjs under `npm run start:raw`): a
 * route handler cannot see a request that never becomes a `Request`, so this has to sit lower.
 */

/** Methods the fetch standard forbids in a `Request` (so no route can ever serve them). */
const UNREPRESENTABLE_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The methods this app serves somewhere, for `Allow`. */
const SERVED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * The request path as routing sees it: percent-decoded, dot segments resolved, repeated and
 * trailing slashes dropped, from any request-target form (`/a`, `http://host/a`, `*`). Null when
 * the path does not decode. `/api/./stream`, `/api/../api/stream`, `/api/%73tream` and
 * `//api/stream/` are all `/api/stream`.
 */
export function normalisedPath(target: string): string | null {
  let pathname: string;
  try {
    // Origin-form targets are appended, so `//api/x` stays a path (not a host named `api`);
    // the URL parser also resolves `.`, `..` and their `%2e` spellings.
    const url = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
    pathname = url.pathname;
  } catch {
    return null;
  }
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    for (const part of segment.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') segments.pop();
      else segments.push(part);
    }
  }
  return `/${segments.join('/')}`;
}

/** The 4xx for a request Next cannot represent, or null for any other request. */
export function unservableRequest(method: string | undefined, target: string | undefined): PlainAnswer | null {
  if (method && UNREPRESENTABLE_METHODS.has(method.toUpperCase())) {
    return errorAnswer(405, 'method_not_allowed', `${method} is not served here.`, { Allow: SERVED_METHODS });
  }
  const path = target ?? '/';
  // Origin-form (`/path`) or absolute-form (`http://host/path`); not `*` or anything else.
  if (!path.startsWith('/') && !/^https?:\/\//i.test(path)) {
    return errorAnswer(400, 'bad_target', 'The request target must be a path.');
  }
  if (normalisedPath(path) === null) {
    return errorAnswer(400, 'bad_path', 'The request path is not valid percent-encoding.');
  }
  return null;
}

function answer(res: ServerResponse, plain: PlainAnswer): void {
  res.writeHead(plain.status, { ...plain.headers, Connection: 'close' });
  res.end(plain.body);
}

const INSTALLED_KEY = '__realtimeDashboardRequestGuard';

/**
 * Puts the guard in front of every `request` event of every node:http server in this process.
 * Idempotent. The one piece of the app that touches Node's HTTP server directly: Next offers no
 * hook that runs before it builds the `Request`.
 */
export function installRequestGuard(): void {
  const g = globalThis as Record<string, unknown>;
  if (g[INSTALLED_KEY]) return;
  g[INSTALLED_KEY] = true;
  // Called below with `Reflect.apply(emit, this, …)`: on the server it belongs to, never unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emit = Server.prototype.emit;
  Server.prototype.emit = function guardedEmit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const refusal = unservableRequest(req.method, req.url);
      if (refusal) {
        answer(res, refusal);
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof Server.prototype.emit;
}
