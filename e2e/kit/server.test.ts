import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './free-port';
import { startServer, type KitServer } from './server';

/** The launcher against a ten-line HTTP server (no build needed): ready, restart, and a taken port. */

const TINY_SERVER = `
const http = require('node:http');
http.createServer((req, res) => res.end('pid ' + process.pid)).listen(Number(process.env.PORT), '127.0.0.1');
`;

const started: KitServer[] = [];
const squatters: Server[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop('SIGKILL')));
  await Promise.all(squatters.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Holds a port the way another process would: bound, listening, never given back during the test. */
async function squat(): Promise<number> {
  const port = await freePort();
  // It hangs up on whoever connects (the launcher's readiness check), like a busy foreign server.
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  squatters.push(server);
  return port;
}

// Each test starts Node processes: seconds on a busy machine.
describe('startServer', { timeout: 30_000 }, () => {
  it('starts on a free port, answers, and restarts on the same port as a new process', async () => {
    const server = await startServer({ args: () => ['-e', TINY_SERVER] });
    started.push(server);
    expect(await (await fetch(server.url)).text()).toBe(`pid ${server.pid}`);
    const { port, pid } = server;
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await (await fetch(server.url)).text()).toBe(`pid ${server.pid}`);
  });

  it('moves to another port when the chosen one is taken before the server listens (EADDRINUSE)', async () => {
    const taken = await squat();
    const ports = [taken];
    const server = await startServer({
      args: () => ['-e', TINY_SERVER],
      choosePort: async () => (ports.length > 0 ? ports.shift()! : freePort()),
      readyTimeoutMs: 20_000,
    });
    started.push(server);
    expect(server.port).not.toBe(taken);
    expect(server.output()).toContain(`port ${taken} was taken`);
    expect((await fetch(server.url)).status).toBe(200);
  });

  it('gives up after `portAttempts` taken ports, with the server output in the error', async () => {
    const taken = [await squat(), await squat()];
    const ports = [...taken];
    await expect(
      startServer({
        args: () => ['-e', TINY_SERVER],
        choosePort: () => Promise.resolve(ports.shift()!),
        portAttempts: 2,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });

  it('does not move a port the caller chose', async () => {
    const taken = await squat();
    await expect(startServer({ args: () => ['-e', TINY_SERVER], port: taken })).rejects.toThrow(/EADDRINUSE/);
  });
});
