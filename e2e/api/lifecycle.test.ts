import { afterEach, describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import { STREAM_PATHS, startNextServer, type NextServer } from '../fixtures/next-server';
import { connectSse } from '../fixtures/sse-client';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * Shutdown and restart: what clients see when the server goes away and comes back. The same on
 * both stream paths (`next start` and `npm run start:raw`).
 */

let server: NextServer | undefined;

afterEach(async () => {
  await server?.stop('SIGKILL');
  server = undefined;
});

describe.each(STREAM_PATHS)('%s path', (streamPath) => {
  describe('graceful shutdown', () => {
    it('on SIGTERM ends open streams cleanly and exits within a few seconds', async () => {
      server = await startNextServer({ streamPath, env: { AUTH_MODE: 'off', METRICS_INTERVAL_MS: '100' } });
      const client = await connectSse(`${server.url}/api/stream?feeds=${FIRST_FEED}`);
      await client.waitFor((c) => c.metrics().length >= 2, 5000, 'metrics');

      const exit = await server.stop('SIGTERM');
      expect(await client.ended).toBe('end');
      expect(exit.ms).toBeLessThan(3000);
      expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
      expect(server.output()).toMatch(/SIGTERM: closing 1 stream/);
    });

    it('exits promptly on SIGINT too', async () => {
      server = await startNextServer({ streamPath, env: { AUTH_MODE: 'off' } });
      const client = await connectSse(`${server.url}/api/stream`);
      await client.waitFor((c) => c.hello() !== undefined, 5000, 'hello');
      const exit = await server.stop('SIGINT');
      expect(await client.ended).toBe('end');
      expect(exit.ms).toBeLessThan(3000);
    });
  });

  describe('restart', () => {
    it('a cursor from before a restart gets reset epoch_changed with a fresh snapshot', async () => {
      server = await startNextServer({ streamPath, env: { AUTH_MODE: 'off', METRICS_INTERVAL_MS: '100' } });
      const before = await connectSse(`${server.url}/api/stream?feeds=${FIRST_FEED}`);
      await before.waitFor((c) => c.metrics().length >= 2, 5000, 'metrics');
      const { epoch: oldEpoch } = before.hello()!;
      const cursor = before.lastCursor()!;

      await server.restart('SIGKILL');
      expect(await before.ended).not.toBe('aborted');

      const after = await connectSse(`${server.url}/api/stream?feeds=${FIRST_FEED}`, {
        headers: { 'Last-Event-ID': cursor },
      });
      await after.waitFor((c) => c.resets().length === 1, 5000, 'reset');
      expect(after.hello()?.epoch).not.toBe(oldEpoch);
      expect(after.resets()[0]).toMatchObject({ reason: 'epoch_changed', epoch: after.hello()?.epoch });
      after.close();
    });

    it('a native EventSource reconnects by itself after SIGTERM and learns of the new epoch', async () => {
      server = await startNextServer({
        streamPath,
        env: { AUTH_MODE: 'off', METRICS_INTERVAL_MS: '100', SSE_RETRY_MS: '300' },
      });
      const seen: { type: string; data: string; lastEventId: string }[] = [];
      const source = new EventSource(`${server.url}/api/stream?feeds=${FIRST_FEED}`);
      for (const type of ['hello', 'metric', 'reset']) {
        source.addEventListener(type, (e) => seen.push({ type, data: e.data as string, lastEventId: e.lastEventId }));
      }
      try {
        await expect
          .poll(() => seen.filter((e) => e.type === 'metric').length, { timeout: 5000 })
          .toBeGreaterThanOrEqual(2);
        await server.restart('SIGTERM');
        await expect.poll(() => seen.filter((e) => e.type === 'reset').length, { timeout: 10_000 }).toBe(1);
        const reset = JSON.parse(seen.find((e) => e.type === 'reset')!.data) as { reason: string };
        expect(reset.reason).toBe('epoch_changed');
        // Live metrics continue after the reset, from the new epoch.
        const hellos = seen.filter((e) => e.type === 'hello').map((e) => JSON.parse(e.data) as { epoch: string });
        // One from each server: the draining server's answer carries only `retry:`.
        expect(hellos).toHaveLength(2);
        await expect
          .poll(() => seen.at(-1)?.lastEventId.startsWith(hellos.at(-1)!.epoch), { timeout: 5000 })
          .toBe(true);
      } finally {
        source.close();
      }
    });
  });
});
