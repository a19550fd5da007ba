import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../fixtures/auth';
import { startNextServer, type NextServer } from '../fixtures/next-server';
import { health, until } from '../fixtures/redis-app';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';
import { connectSse, type SseClient } from '../fixtures/sse-client';
import { FIRST_FEED } from '../fixtures/test-config';

/**
 * Sign-out with several instances on one Redis (lib/server/redis/revocation-channel.ts): a
 * session signed out on A has its streams on B ended with `event: auth` revoked, cannot be
 * renewed or used on B, and an instance that (re)starts afterwards still refuses it.
 */

const eventNamed = (client: SseClient, name: string) =>
  client.records.find((r) => r.kind === 'event' && r.event === name) as { data: string } | undefined;

describe.runIf(canRun('redis-server', 'shared sign-out tests'))('a sign-out on one instance, seen by all', () => {
  let redis: RedisServer;
  let a: NextServer;
  let b: NextServer;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { AUTH_MODE: 'session', REDIS_URL: redis.url, METRICS_INTERVAL_MS: '250', SSE_HEARTBEAT_MS: '1000' };
    [a, b] = await Promise.all([
      startNextServer({ env: { ...env, INSTANCE_ID: 'a' } }),
      startNextServer({ env: { ...env, INSTANCE_ID: 'b' } }),
    ]);
    await until(async () => (await health(b)).status === 'ok', 10_000, 'B ok');
  });

  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    await redis?.stop();
  });

  it('ends the streams on B, and B refuses the session, its renewal and its streams', async () => {
    const cookie = await signIn(a.url, 'full');
    const bystanderCookie = await signIn(b.url, 'full');
    const onB = await connectSse(`${b.url}/api/stream?feeds=${FIRST_FEED}`, { headers: { cookie } });
    const bystander = await connectSse(`${b.url}/api/stream?feeds=${FIRST_FEED}`, {
      headers: { cookie: bystanderCookie },
    });
    await Promise.all([onB, bystander].map((c) => c.waitFor((x) => x.hello() !== undefined, 10_000, 'hello')));

    const out = await fetch(`${a.url}/api/auth/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(200);

    await onB.waitFor((c) => eventNamed(c, 'auth') !== undefined, 10_000, 'event: auth on B');
    expect(JSON.parse(eventNamed(onB, 'auth')!.data)).toEqual({ reason: 'revoked' });
    expect(await onB.ended).toBe('end');

    const session = await fetch(`${b.url}/api/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(401);
    expect(((await session.json()) as { error: { code: string } }).error.code).toBe('session_revoked');
    const renewal = await fetch(`${b.url}/api/auth/refresh`, { method: 'POST', headers: { cookie } });
    expect(renewal.status).toBe(401);
    const again = await connectSse(`${b.url}/api/stream?feeds=${FIRST_FEED}`, { headers: { cookie } });
    expect(again.response.status).toBe(401);
    again.close();

    // Another session on B is untouched.
    expect(eventNamed(bystander, 'auth')).toBeUndefined();
    bystander.close();
  });

  it('an instance that restarts after the sign-out still refuses the session (read back from Redis)', async () => {
    const cookie = await signIn(b.url, 'full');
    const out = await fetch(`${b.url}/api/auth/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(200);
    // A knows it by message; restarted, it knows it only from the set in Redis. It says `ok` only
    // once it has read the set back, so the very first renewal after that is refused.
    await a.restart('SIGKILL');
    await until(async () => (await health(a)).status === 'ok', 10_000, 'A ok again');
    const renewal = await fetch(`${a.url}/api/auth/refresh`, { method: 'POST', headers: { cookie } });
    expect(renewal.status).toBe(401);
    expect(((await renewal.json()) as { error: { code: string } }).error.code).toBe('session_revoked');
    const session = await fetch(`${a.url}/api/auth/session`, { headers: { cookie } });
    expect(((await session.json()) as { error: { code: string } }).error.code).toBe('session_revoked');
  });
});
