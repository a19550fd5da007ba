import { request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';

/**
 * A plain node:http request, for what `fetch` cannot send: any method (`TRACE`), a request
 * target exactly as written (`/api/./stream`, `/api/%E0%A4%A`: fetch would normalise or refuse
 * them), headers fetch forbids, and a body that never ends. Resolves with the status, headers and
 * the body read so far; `open: true` resolves at the first body bytes and leaves the response
 * open (close it with `close()`).
 */

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  close(): void;
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Resolve at the first body bytes (a stream) and keep the response open. Default false. */
  open?: boolean;
}

export function rawRequest(url: string, target: string, options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined = undefined;
    req = request(
      { host: hostname, port, method: options.method ?? 'GET', path: target, headers: options.headers, agent: false },
      (res) => {
        let body = '';
        const answer = () => ({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          close: () => req?.destroy(),
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (options.open) resolve(answer());
        });
        res.on('end', () => resolve(answer()));
        res.on('error', () => resolve(answer()));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The JSON error code of an answer (`{error: {code}}`), or undefined. */
export function errorCode(answer: Pick<RawAnswer, 'body'>): string | undefined {
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
