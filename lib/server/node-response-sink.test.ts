import { createServer, request, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { NodeResponseSink } from './node-response-sink';

/** The raw path's sink against a real node:http server and client on loopback. */

async function withResponse(run: (res: ServerResponse, hangUp: () => void) => Promise<void>): Promise<void> {
  let resolveRes!: (res: ServerResponse) => void;
  const gotRes = new Promise<ServerResponse>((resolve) => (resolveRes = resolve));
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.flushHeaders();
    resolveRes(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = request({ host: '127.0.0.1', port, path: '/' });
  client.on('error', () => {});
  client.end();
  try {
    await run(await gotRes, () => client.destroy());
  } finally {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('NodeResponseSink', () => {
  it('reports a client that hangs up, once', async () => {
    await withResponse(async (res, hangUp) => {
      const sink = new NodeResponseSink(res);
      let gone = 0;
      sink.onGone(() => (gone += 1));
      expect(sink.write(Buffer.from(': hi\n\n'))).toBe(true);
      hangUp();
      await expect.poll(() => gone).toBe(1);
      expect(sink.write(Buffer.from('x'))).toBe(false);
    });
  });

  it('reports a client that was already gone when the stream was set up', async () => {
    await withResponse(async (res, hangUp) => {
      hangUp();
      await expect.poll(() => res.destroyed || res.socket?.destroyed).toBe(true);
      const sink = new NodeResponseSink(res);
      let gone = 0;
      sink.onGone(() => (gone += 1));
      expect(gone).toBe(0); // Not synchronously: the caller registers the connection first.
      await expect.poll(() => gone).toBe(1);
    });
  });
});
