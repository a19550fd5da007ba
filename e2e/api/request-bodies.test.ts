import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, signIn } from '../fixtures/auth';
import { KIT_FAULTS_TOKEN } from '../fixtures/faults';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { TEST_USERS } from '../fixtures/test-config';

/**
 * Every write route limits its body while reading it (lib/server/request-body.ts): a declared
 * `Content-Length` over the limit is refused before the body is read, and an undeclared (chunked)
 * one is cut off as soon as it passes the limit. So the answer is a 413 at once, and the server's
 * memory does not follow what clients send: eight 200 MB uploads at once leave it where it was.
 */

const MB = 1 << 20;

interface Upload {
  status: number | string;
  code?: string;
  /** Bytes the client managed to send before the server answered or closed. */
  sent: number;
}

/**
 * POSTs a body of `bytes` (declared with Content-Length unless `chunked`), sending until answered.
 * `firstChunkOnly`: send 1 MB of it and wait: an answer then cannot have waited for the rest.
 */
function upload(
  url: string,
  path: string,
  bytes: number,
  {
    chunked = false,
    headers = {},
    firstChunkOnly = false,
  }: { chunked?: boolean; headers?: Record<string, string>; firstChunkOnly?: boolean } = {},
): Promise<Upload> {
  const { hostname, port } = new URL(url);
  const chunk = Buffer.alloc(MB, 'a');
  return new Promise((resolve) => {
    let sent = 0;
    let settled = false;
    const finish = (result: Omit<Upload, 'sent'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, sent });
      req.destroy();
    };
    const req = request(
      {
        host: hostname,
        port,
        method: 'POST',
        path,
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(chunked ? {} : { 'content-length': String(bytes) }),
          ...headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
          } catch {
            // not JSON
          }
          finish({ status: res.statusCode ?? 0, ...(code ? { code } : {}) });
        });
      },
    );
    // The server may close while we are still sending: that is the point, not a failure.
    req.on('error', (error: NodeJS.ErrnoException) => finish({ status: `closed (${error.code})` }));
    const pump = () => {
      if (firstChunkOnly) {
        sent += chunk.length;
        return void req.write(chunk);
      }
      while (!settled && sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!settled) req.end();
    };
    pump();
  });
}

const rssMb = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

describe('request bodies are limited while read', () => {
  let server: NextServer;
  beforeAll(async () => {
    server = await startNextServer({ env: { ENABLE_FAULTS: '1' } });
  });
  afterAll(() => server?.stop('SIGKILL'));

  it('answers a declared oversize body with 413 before reading it, on every write route', async () => {
    const cookie = await signIn(server.url, 'full');
    for (const [path, headers] of [
      ['/api/auth/session', {}],
      ['/api/auth/session', { origin: server.url }],
      ['/api/auth/refresh', { cookie }],
      ['/api/faults', { 'content-type': 'application/json', 'x-fault-token': KIT_FAULTS_TOKEN }],
    ] as const) {
      // 1 MB of the declared 200 MB goes out, then nothing: the 413 cannot have waited for the rest.
      const answer = await upload(server.url, path, 200 * MB, { headers, firstChunkOnly: true });
      expect(answer, path).toMatchObject({ status: 413, code: 'body_too_large' });
    }
    const out = await fetch(`${server.url}/api/auth/session`, {
      method: 'DELETE',
      headers: { cookie, 'content-length': String(10 * MB) },
      body: 'x',
    }).catch((error: unknown) => error);
    // A lying Content-Length is refused all the same (413) or the socket is closed: never a 2xx or 5xx.
    if (out instanceof Response) expect(out.status).toBe(413);
  });

  it('cuts off an undeclared (chunked) body as soon as it passes the limit', async () => {
    const answer = await upload(server.url, '/api/auth/session', 200 * MB, { chunked: true });
    expect(answer.status === 413 || String(answer.status).startsWith('closed')).toBe(true);
    expect(answer.sent).toBeLessThan(100 * MB);
    // And the server is fine: a normal sign-in still works.
    const ok = await fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_USERS.full.credentials),
    });
    expect(cookieFrom(ok)).toMatch(/^rtd_session=/);
  });

  it('keeps memory flat under eight concurrent 200 MB sign-in bodies, declared or not', async () => {
    const before = rssMb(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 25);
    try {
      const answers = await Promise.all(
        // Declared and chunked, with and without the Origin header every browser POST carries.
        Array.from({ length: 8 }, (_, i) =>
          upload(server.url, '/api/auth/session', 200 * MB, {
            chunked: i % 2 === 1,
            headers: i < 4 ? { origin: server.url } : {},
          }),
        ),
      );
      for (const answer of answers) expect(answer.sent).toBeLessThan(100 * MB);
    } finally {
      clearInterval(sampler);
    }
    // Before the limit this took the server from ~300 MB to gigabytes; now it is noise.
    console.log(`[request-bodies] RSS before ${before} MB, peak ${peak} MB (8 × 200 MB offered)`);
    expect(peak - before).toBeLessThan(100);
  });
});
