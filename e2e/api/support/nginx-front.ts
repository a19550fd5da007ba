import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { afterAll, beforeAll } from 'vitest';
import { startNextServer, type NextServer } from '../../fixtures/next-server';
import { startNginx, type Nginx } from '../../fixtures/nginx';

/**
 * One production server behind the reference nginx (deploy/nginx.conf) per `describe` block, and
 * one HTTP/2 connection to nginx, as a browser has: every request of the block is a stream on it.
 */

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Open streams stay open: their body is not awaited (`text()` reads it to the end). */
  stream: ClientHttp2Stream;
}

export interface NginxFront {
  readonly server: NextServer;
  readonly nginx: Nginx;
  /** A GET, or a POST when there is a body. */
  request: (path: string, headers?: Record<string, string>, body?: string) => Promise<Answer>;
  /** The rest of an answer's body. */
  text: (answer: Answer) => Promise<string>;
}

export function useNginxFront(env: Record<string, string>): NginxFront {
  let server: NextServer | undefined;
  let nginx: Nginx | undefined;
  let session: ClientHttp2Session | undefined;

  beforeAll(async () => {
    server = await startNextServer({ env });
    nginx = await startNginx([server.port]);
    session = connect(nginx.url, { ca: nginx.certificate });
  });
  afterAll(async () => {
    session?.destroy();
    await nginx?.stop();
    await server?.stop('SIGKILL');
  });

  return {
    get server() {
      return server!;
    },
    get nginx() {
      return nginx!;
    },
    request: (path, headers = {}, body) =>
      new Promise((resolve, reject) => {
        const stream = session!.request({ ':path': path, ':method': body === undefined ? 'GET' : 'POST', ...headers });
        stream.on('response', (h) => resolve({ status: Number(h[':status']), headers: h, stream }));
        stream.on('error', reject);
        if (body !== undefined) stream.end(body);
      }),
    text: (answer) =>
      new Promise((resolve) => {
        let body = '';
        answer.stream.setEncoding('utf8');
        answer.stream.on('data', (chunk: string) => (body += chunk));
        answer.stream.on('end', () => resolve(body));
      }),
  };
}
