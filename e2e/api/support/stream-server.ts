import { afterAll, afterEach, beforeAll } from 'vitest';
import { PUBLIC_DEMO_ENV } from '../../fixtures/auth';
import { health, waitForHealth, type Health } from '../../fixtures/health';
import { startNextServer, type NextServer, type StreamPath } from '../../fixtures/next-server';
import { connectSse, type SseClient } from '../../fixtures/sse-client';

/**
 * One production server per `describe` block of a contract test, on the given stream path, and
 * the SSE clients its tests open. Every client is closed after its test, and each test starts
 * from a server with no open stream, so tests do not depend on each other's order.
 */

export interface StreamServer {
  readonly server: NextServer;
  /** Opens a stream on `path` (e.g. `/api/stream?feeds=<name>`); closed after the test. */
  connect(path: string, headers?: Record<string, string>): Promise<SseClient>;
  health(): Promise<Health>;
  /** Waits until `/api/health` satisfies `done`. */
  waitForHealth(done: (health: Health) => boolean, what?: string): Promise<Health>;
}

/**
 * `env` on top of a public demo (AUTH_MODE=off): the contract suites test the stream, not auth.
 * Pass `AUTH_MODE: 'session'` to test with sign-in (e2e/api/stream-auth.test.ts does).
 */
export function useStreamServer(streamPath: StreamPath, env: Record<string, string>): StreamServer {
  let server: NextServer | undefined;
  const open = new Set<SseClient>();
  const started = () => {
    if (!server) throw new Error('the server is not started yet (use it inside a test)');
    return server;
  };

  beforeAll(async () => {
    server = await startNextServer({ streamPath, env: { ...PUBLIC_DEMO_ENV, ...env } });
  });
  afterEach(async () => {
    open.forEach((client) => client.close());
    open.clear();
    // The next test starts with no stream open, whatever this one left behind.
    await waitForHealth(started().url, (h) => h.connections === 0, { what: 'no open stream' });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  return {
    get server() {
      return started();
    },
    async connect(path, headers) {
      const client = await connectSse(`${started().url}${path}`, headers ? { headers } : {});
      open.add(client);
      return client;
    },
    health: () => health(started().url),
    waitForHealth: (done, what) => waitForHealth(started().url, done, what ? { what } : {}),
  };
}
