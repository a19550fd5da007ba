import { describe, expect, it } from 'vitest';
import { signIn } from '../fixtures/auth';
import { KIT_FAULTS_TOKEN } from '../fixtures/faults';
import { STREAM_PATHS } from '../fixtures/next-server';
import { errorCode, rawRequest, type RawAnswer } from './support/raw-http';
import { useStreamServer } from './support/stream-server';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * Per-client caps cannot be used by one visitor against another (lib/server/limits/client-key.ts),
 * on both stream paths:
 *
 * - Two visitors signed in as the same shared demo user are two clients: one at its stream cap
 *   and its snapshot budget leaves the other its own streams, snapshots and first-paint page.
 * - On the raw path no spelling of the stream's path and no spoofed X-Forwarded-For escapes the
 *   per-IP cap: the request never reaches a route handler that would believe the header.
 * - The benchmark route is locked like the fault route.
 */

/** Calls `attempt` until it is refused (429); resolves with how many passed first. At most 60 tries. */
async function untilRefused(attempt: () => Promise<number>): Promise<number> {
  for (let passed = 0; passed < 60; passed++) {
    const status = await attempt();
    if (status === 429) return passed;
    expect(status).toBe(200);
  }
  throw new Error('never refused in 60 tries');
}

describe.each(STREAM_PATHS)('two visitors of one demo user (%s path)', (streamPath) => {
  const api = useStreamServer(streamPath, {
    AUTH_MODE: 'session',
    SSE_MAX_STREAMS_PER_CLIENT: '3',
    SNAPSHOT_RATE_BURST: '4',
    SNAPSHOT_RATE_PER_S: '1',
  });

  it('each keeps their own streams and snapshots while the other is at its cap', async () => {
    const a = await signIn(api.server.url, 'full');
    const b = await signIn(api.server.url, 'full');
    for (let i = 0; i < 3; i++)
      expect((await api.connect(`/api/stream?feeds=${FIRST_FEED}`, { cookie: a })).response.status).toBe(200);
    const refused = await api.connect(`/api/stream?feeds=${FIRST_FEED}`, { cookie: a });
    expect(refused.response.status).toBe(429);
    // B, the same user in another session, is not A's client.
    expect((await api.connect(`/api/stream?feeds=${FIRST_FEED}`, { cookie: b })).response.status).toBe(200);

    const snapshot = (cookie: string) =>
      fetch(`${api.server.url}/api/snapshot`, { headers: { cookie } }).then((r) => r.status);
    expect(await untilRefused(() => snapshot(a))).toBeGreaterThanOrEqual(4);
    expect(await snapshot(b)).toBe(200);
    // B's server-rendered page still has its first-paint data.
    const html = await (await fetch(`${api.server.url}/`, { headers: { cookie: b } })).text();
    expect(html).toMatch(/data-last-seq="[1-9]/);
  });
});

describe('the raw path: no spelling of the stream path and no spoofed X-Forwarded-For escapes the per-IP cap', () => {
  const api = useStreamServer('raw', {
    AUTH_MODE: 'off',
    SSE_MAX_STREAMS_PER_CLIENT: '2',
    SNAPSHOT_RATE_BURST: '5',
    SNAPSHOT_RATE_PER_S: '1',
  });

  it('counts /api/./stream, /api/../api/stream and /api/%73tream from one address as that address', async () => {
    const open: RawAnswer[] = [];
    try {
      const statuses: number[] = [];
      for (const [i, target] of ['/api/stream', '/api/./stream', '/api/../api/stream', '/api/%73tream'].entries()) {
        const answer = await rawRequest(api.server.url, `${target}?feeds=${FIRST_FEED}`, {
          headers: { 'x-forwarded-for': `10.0.${i}.1`, 'x-stream-refusals': 'status' },
          open: true,
        });
        open.push(answer);
        statuses.push(answer.status);
        if (answer.status !== 200) expect(errorCode(answer)).toBe('too_many_streams');
      }
      expect(statuses).toEqual([200, 200, 429, 429]);
      // Every admitted stream was the raw handler's, with the hello of contract v1.
      expect(open.filter((a) => a.status === 200).every((a) => a.body.startsWith('retry:'))).toBe(true);
    } finally {
      open.forEach((answer) => answer.close());
    }
  });

  it('the snapshot route behind the raw server keys a spoofing client by its real address too', async () => {
    let i = 0;
    const spoofing = () =>
      rawRequest(api.server.url, `/api/snapshot?feeds=${FIRST_FEED}`, {
        headers: { 'x-forwarded-for': `10.1.${i++}.1` },
      }).then((answer) => answer.status);
    // A budget of 5 (and 1/s): every forged address is the same client, so it runs out.
    expect(await untilRefused(spoofing)).toBeLessThan(60);
  });
});

describe('the benchmark route is locked like the fault route', () => {
  const api = useStreamServer('route', { ENABLE_FAULTS: '1' });

  it('answers 403 without the fault token and streams with it', async () => {
    const anonymous = await rawRequest(api.server.url, '/api/bench/idle-stream');
    expect([anonymous.status, errorCode(anonymous)]).toEqual([403, 'fault_token']);
    const wrong = await rawRequest(api.server.url, '/api/bench/idle-stream', { headers: { 'x-fault-token': 'guess' } });
    expect(wrong.status).toBe(403);
    const bench = await rawRequest(api.server.url, '/api/bench/idle-stream', {
      headers: { 'x-fault-token': KIT_FAULTS_TOKEN },
      open: true,
    });
    expect(bench.status).toBe(200);
    bench.close();
  });
});

describe('the benchmark route is not there without ENABLE_FAULTS', () => {
  const api = useStreamServer('route', {});

  it('answers 404 even with the token', async () => {
    const answer = await rawRequest(api.server.url, '/api/bench/idle-stream', {
      headers: { 'x-fault-token': KIT_FAULTS_TOKEN },
    });
    expect(answer.status).toBe(404);
  });
});
