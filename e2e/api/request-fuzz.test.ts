import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_PATHS, startNextServer, type NextServer } from '../fixtures/next-server';
import { rawRequest } from './support/raw-http';

/**
 * No request of any method, path or encoding gets a 5xx or logs a stack, on both stream paths
 * (`npm start` and `npm run start:raw`): methods × odd paths × bad encodings × huge headers. The
 * odd ones get a 4xx; anything that happens to name a real endpoint may get its ordinary answer
 * (a 401 without a session, a 308 to the canonical path), never a server error. And the server
 * log stays quiet: a stack per request is a log flood anyone can cause.
 */

const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'TRACK',
  'PROPFIND',
  'PURGE',
  'SEARCH',
  'M-SEARCH',
];

/** Paths that are odd on purpose: traversal, double slashes, bad and overlong percent-encoding, absolute form. */
const ODD_PATHS = [
  '/api/%E0%A4%A',
  '/api/stream%zz',
  '/api/%',
  '/%E0%A4%A',
  '/_next/%E0%A4%A',
  '/api/auth/%C0%AF',
  '/api/./stream',
  '/api/../api/stream',
  '/api/%2e%2e/api/snapshot',
  '/api/%73tream',
  '//api//stream/',
  '/api/stream/..%2f..%2fhealth',
  '/api/stream?feeds=%E0%A4%A',
  '/api/snapshot?feeds=%zz&lastEventId=%00',
  '/api/auth/session?x=%E0',
  '/api/nope',
  '/api/faults',
  '/api/bench/idle-stream',
  `/api/${'a'.repeat(4000)}`,
  'http://evil.example/api/stream',
  '*',
];

/** Requests whose every combination must be a 4xx, not just "not a 5xx". */
const ALWAYS_4XX = new Set(['/api/%E0%A4%A', '/api/stream%zz', '/api/%', '/%E0%A4%A', '/_next/%E0%A4%A']);

const HEADER_SETS: Record<string, Record<string, string>> = {
  plain: {},
  hostile: {
    cookie: 'rtd_session=%%%; __Host-rtd_session=not.a.jwt',
    origin: 'null',
    'last-event-id': 'x'.repeat(300),
    'x-forwarded-for': 'not-an-ip, ::ffff:999.1.1.1',
    'x-forwarded-host': 'evil.example/path',
    'x-forwarded-proto': 'gopher',
    'content-type': 'multipart/form-data; boundary=',
  },
};

describe.each(STREAM_PATHS)('odd requests (%s path)', (streamPath) => {
  let server: NextServer;
  beforeAll(async () => {
    // Auth on, so no request opens a stream that never ends; faults on, so their route answers too.
    server = await startNextServer({ streamPath, env: { ENABLE_FAULTS: '1' } });
  });
  afterAll(() => server?.stop('SIGKILL'));

  it('methods × odd paths × header sets: never a 5xx or a dropped socket; bad encodings and forbidden methods get 4xx', async () => {
    const failures: string[] = [];
    for (const [name, headers] of Object.entries(HEADER_SETS)) {
      for (const path of ODD_PATHS) {
        for (const method of METHODS) {
          const answer = await rawRequest(server.url, path, {
            method,
            headers,
            ...(['POST', 'PUT', 'PATCH'].includes(method) ? { body: '{"user":' } : {}),
          }).catch((error: unknown) => ({ status: `error ${String(error)}` }) as const);
          const status = answer.status;
          const must4xx = ALWAYS_4XX.has(path) || ['TRACE', 'TRACK'].includes(method);
          const ok = typeof status === 'number' && (must4xx ? status >= 400 && status < 500 : status < 500);
          if (!ok) failures.push(`${method} ${path.slice(0, 60)} (${name}) → ${status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('huge and many headers get 431 (or, as Node does it, a close before the client finished sending them)', async () => {
    const cases: Record<string, string>[] = [
      { 'x-big': 'a'.repeat(64 * 1024) },
      Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h${i}`, 'v'.repeat(100)])),
      { cookie: `rtd_session=${'a'.repeat(20_000)}` },
    ];
    for (const headers of cases) {
      for (const path of ['/api/stream', '/api/auth/session', '/']) {
        const answer = await rawRequest(server.url, path, { headers }).catch((error: unknown) => ({
          status: String(error),
        }));
        // Node answers 431 and closes at once; a client still writing its headers may see the reset first.
        expect(String(answer.status), `${path} with ${Object.keys(headers).length} header(s)`).toMatch(
          /^431$|ECONNRESET|EPIPE/,
        );
      }
    }
  });

  it('logged no stack and no error for any of it', () => {
    const log = server.output();
    expect(log).not.toMatch(/^\s+at /m);
    expect(log).not.toMatch(/⨯|Error:|Internal Server Error/);
  });
});
