import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaults } from '../fixtures/faults';
import { health as readHealth } from '../fixtures/health';
import { STREAM_PATHS, startNextServer, type NextServer } from '../fixtures/next-server';
import { pollUntil } from '../kit';

/**
 * A client that stops reading: its stream's backlog is bounded, then the stream is closed and
 * counted (the client would resume by cursor). The server itself stays healthy.
 */

describe.each(STREAM_PATHS)('slow consumer (%s path)', (streamPath) => {
  let server: NextServer;
  let socket: Socket | undefined;
  const health = () => readHealth(server.url);

  beforeAll(async () => {
    server = await startNextServer({
      streamPath,
      env: {
        AUTH_MODE: 'off',
        ENABLE_FAULTS: '1',
        METRICS_INTERVAL_MS: '1',
        SSE_MAX_BACKLOG_BYTES: '65536',
        SSE_REPLAY_CAPACITY: '20000',
      },
    });
  });
  afterAll(async () => {
    socket?.destroy();
    await server?.stop('SIGKILL');
  });

  it('closes a stream whose client stops reading once its backlog passes SSE_MAX_BACKLOG_BYTES', async () => {
    // A raw socket that sends the request and then never reads: TCP buffers fill, then ours.
    socket = connect({ host: '127.0.0.1', port: server.port });
    await new Promise<void>((resolve) => socket!.once('connect', () => resolve()));
    socket.pause();
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    await pollUntil(health, (h) => h.connections === 1, { what: 'the stream open' });

    // Bursts of ~1.2 MB each fill the kernel's socket buffers quickly; the producer adds the rest.
    const faults = createFaults(server.url);
    const after = await pollUntil(
      async () => {
        await faults.duplicates(10_000);
        return health();
      },
      (h) => h.streams.closed.slow_consumer > 0,
      { timeoutMs: 20_000, intervalMs: 200, what: 'the slow consumer closed' },
    );
    expect(after.streams.closed.slow_consumer).toBe(1);
    expect(after.connections).toBe(0);
    expect(after.status).toBe('ok');
  });
});
