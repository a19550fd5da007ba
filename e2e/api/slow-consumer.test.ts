import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaults } from '../fixtures/faults';
import { startNextServer, type NextServer } from '../fixtures/next-server';

/**
 * A client that stops reading: its stream's backlog is bounded, then the stream is closed and
 * counted (the client would resume by cursor). The server itself stays healthy.
 */

describe('slow consumer', () => {
  let server: NextServer;
  let socket: Socket | undefined;
  const health = async () =>
    (await (await fetch(`${server.url}/api/health`)).json()) as {
      status: string;
      connections: number;
      streams: { closed: { slow_consumer: number } };
    };

  beforeAll(async () => {
    server = await startNextServer({
      env: {
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
    await expect.poll(async () => (await health()).connections).toBe(1);

    // Bursts of ~1.2 MB each fill the kernel's socket buffers quickly; the producer adds the rest.
    const faults = createFaults(server.url);
    await expect
      .poll(
        async () => {
          await faults.duplicates(10_000);
          return (await health()).streams.closed.slow_consumer;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(1);
    const after = await health();
    expect(after.connections).toBe(0);
    expect(after.status).toBe('ok');
  });
});
