import { afterEach, describe, expect, it, vi } from 'vitest';
import { Revocations } from '../../lib/server/auth/revocations';
import { createRevocationChannel, type RevocationChannel } from '../../lib/server/redis/revocation-channel';
import { canRun, startRedis, type RedisServer } from '../fixtures/redis-server';

/**
 * The shared sign-out channel against a real redis-server, through Redis's own faults: an
 * instance that starts while Redis is down, a read-back and a sign-out Redis refuses, and a
 * sign-out made while Redis is down. Each
 * "instance" here is a channel with its own `Revocations`, as in runtime.ts.
 */

interface Instance {
  revocations: Revocations;
  channel: RevocationChannel;
  /** Sessions whose streams this instance was told to end. */
  ended: string[];
}

const FAR = () => Date.now() + 60 * 60_000;

describe.runIf(canRun('redis-server', 'revocation channel tests'))('shared sign-outs through Redis faults', () => {
  let redis: RedisServer | undefined;
  const instances: Instance[] = [];

  const instance = (url: string): Instance => {
    const revocations = new Revocations();
    const ended: string[] = [];
    const channel = createRevocationChannel({
      url,
      prefix: 'test',
      revocations,
      onRevokedElsewhere: (sessionId) => ended.push(sessionId),
    });
    channel.start();
    const made = { revocations, channel, ended };
    instances.push(made);
    return made;
  };
  const synced = (i: Instance) => vi.waitFor(() => expect(i.channel.synced()).toBe(true), { timeout: 10_000 });

  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.channel.stop()));
    await redis?.stop();
  });

  it('an instance started while Redis is down subscribes once Redis is up, and hears later sign-outs', async () => {
    redis = await startRedis();
    await redis.stop();
    // Its first connection attempts fail; it must not give up on subscribing.
    const late = instance(redis.url);
    expect(late.channel.synced()).toBe(false);
    await redis.start();
    await synced(late);
    const other = instance(redis.url);
    await synced(other);
    other.revocations.revoke('s1', FAR());
    await vi.waitFor(() => expect(late.revocations.isRevoked('s1', Date.now())).toBe(true), { timeout: 10_000 });
    expect(late.ended).toEqual(['s1']);
  });

  it('a read-back refused on a link that stays up is tried again until it succeeds', async () => {
    redis = await startRedis();
    // A user that may do anything but ZRANGE: the links come up, the read-back is refused
    // (NOPERM), and no reconnection follows that would try it again.
    await redis.command('ACL', 'SETUSER', 'rtd', 'on', '>test-only-password', '~*', '&*', '+@all', '-zrange');
    const limited = instance(`redis://rtd:test-only-password@127.0.0.1:${redis.port}`);
    await vi.waitFor(async () => expect(JSON.stringify(await redis!.command('ACL', 'LOG'))).toContain('zrange'), {
      timeout: 10_000,
    });
    expect(limited.channel.synced()).toBe(false);
    await redis.command('ACL', 'SETUSER', 'rtd', '+zrange');
    await synced(limited);
  });

  it('a sign-out refused on a link that stays up is sent again until Redis takes it', async () => {
    redis = await startRedis();
    // A user that may do anything but ZADD: the sign-out's MULTI is refused (NOPERM, EXECABORT).
    await redis.command('ACL', 'SETUSER', 'rtd', 'on', '>test-only-password', '~*', '&*', '+@all', '-zadd');
    const limited = instance(`redis://rtd:test-only-password@127.0.0.1:${redis.port}`);
    const other = instance(redis.url);
    await Promise.all([synced(limited), synced(other)]);
    limited.revocations.revoke('s3', FAR());
    await vi.waitFor(async () => expect(JSON.stringify(await redis!.command('ACL', 'LOG'))).toContain('zadd'), {
      timeout: 10_000,
    });
    expect(other.revocations.isRevoked('s3', Date.now())).toBe(false);
    await redis.command('ACL', 'SETUSER', 'rtd', '+zadd');
    await vi.waitFor(() => expect(other.revocations.isRevoked('s3', Date.now())).toBe(true), { timeout: 10_000 });
    expect(other.ended).toEqual(['s3']);
  });

  it('a sign-out made while Redis is down reaches the other instances when it is back', async () => {
    redis = await startRedis();
    const [a, b] = [instance(redis.url), instance(redis.url)];
    await Promise.all([synced(a), synced(b)]);
    await redis.stop();
    a.revocations.revoke('s2', FAR());
    // Refused where it was made at once, whatever Redis says.
    expect(a.revocations.isRevoked('s2', Date.now())).toBe(true);
    await redis.start();
    await vi.waitFor(() => expect(b.revocations.isRevoked('s2', Date.now())).toBe(true), { timeout: 15_000 });
    expect(b.ended).toEqual(['s2']);
    // And one that starts afterwards reads it back.
    const c = instance(redis.url);
    await synced(c);
    expect(c.revocations.isRevoked('s2', Date.now())).toBe(true);
  });
});
