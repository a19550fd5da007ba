import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChaosProxy, type ChaosProxy } from './chaos-proxy';

/** The chaos proxy itself, against a tiny streaming HTTP server: each fault does what it says. */

let upstream: Server;
let port = 0;
let proxy: ChaosProxy;
/** Lines the upstream has written, all clients together: the clock of the stall test. */
let written = 0;

beforeAll(async () => {
  // Streams one line every 50 ms until the client goes away.
  upstream = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const timer = setInterval(() => {
      res.write('tick\n');
      written += 1;
    }, 50);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const address = upstream.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

afterEach(async () => {
  await proxy?.close();
});

async function open(url: string) {
  const response = await fetch(url);
  const reader = response.body!.getReader();
  const state = { bytes: 0, error: null as unknown, done: false };
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        state.bytes += value.byteLength;
      }
      state.done = true;
    } catch (error) {
      state.error = error;
    }
  })();
  return { state, cancel: () => reader.cancel().catch(() => {}) };
}

describe('startChaosProxy', () => {
  it('forwards a stream untouched', async () => {
    proxy = await startChaosProxy({ target: port });
    const { state, cancel } = await open(proxy.url);
    await expect.poll(() => state.bytes).toBeGreaterThan(20);
    expect(proxy.connections).toBe(1);
    await cancel();
  });

  it('cut() resets live connections: the reader fails', async () => {
    proxy = await startChaosProxy({ target: port });
    const { state } = await open(proxy.url);
    await expect.poll(() => state.bytes).toBeGreaterThan(0);
    proxy.cut();
    await expect.poll(() => state.error !== null).toBe(true);
    expect(proxy.connections).toBe(0);
  });

  it('refuse(true) resets new connections until refuse(false)', async () => {
    proxy = await startChaosProxy({ target: port });
    proxy.refuse(true);
    await expect(fetch(proxy.url)).rejects.toThrow();
    await expect(fetch(proxy.url)).rejects.toThrow();
    expect(proxy.refused).toBe(2);
    proxy.refuse(false);
    expect(proxy.refusingForMs).toBe(0);
    const { state, cancel } = await open(proxy.url);
    await expect.poll(() => state.bytes).toBeGreaterThan(0);
    await cancel();
  });

  it('stall(true) holds bytes without closing; stall(false) lets them through', async () => {
    proxy = await startChaosProxy({ target: port });
    const { state, cancel } = await open(proxy.url);
    await expect.poll(() => state.bytes).toBeGreaterThan(0);
    proxy.stall(true);
    // Let bytes already in flight land, then the upstream keeps writing and none of it arrives.
    const atStall = written;
    await expect.poll(() => written).toBeGreaterThanOrEqual(atStall + 2);
    const held = state.bytes;
    const atHeld = written;
    await expect.poll(() => written).toBeGreaterThanOrEqual(atHeld + 8);
    expect(state.bytes).toBe(held);
    expect(state.error).toBeNull();
    expect(state.done).toBe(false);
    proxy.stall(false);
    await expect.poll(() => state.bytes).toBeGreaterThan(held);
    await cancel();
  });

  it('latency(ms) delays every chunk', async () => {
    proxy = await startChaosProxy({ target: port });
    proxy.latency(300);
    const started = Date.now();
    const { state, cancel } = await open(proxy.url);
    await expect.poll(() => state.bytes, { timeout: 5000 }).toBeGreaterThan(0);
    // The request and the first response chunk each wait 300 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    await cancel();
  });
});
