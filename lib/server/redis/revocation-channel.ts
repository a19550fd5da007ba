import 'server-only';
import Redis from 'ioredis';
import type { Revocations } from '../auth/revocations';

/**
 * Sign-outs shared by every instance on one Redis, so that "signed out" means signed out
 * wherever the next request lands (docs/auth.md):
 *
 * - A sign-out here is added to a sorted set (`<prefix>:revoked`, member the session id, score
 *   the time until which it must be refused) and published on a channel of the same name.
 * - Every instance subscribes: a sign-out elsewhere is remembered in its own `Revocations`, and
 *   its open streams of that session end at once (`onRevokedElsewhere`).
 * - On every (re)connection the set is read back, expired members dropped first: an instance
 *   that started later, or lost Redis for a while, still learns what it missed.
 *
 * A Redis outage does not open a hole it did not already have: what this instance knew stays
 * refused, and its own sign-outs are refused here at once; another instance learns of them
 * when its link is back. The subscriber is a connection of its own (a subscribed connection
 * can run no other command).
 */

export interface RevocationChannelOptions {
  url: string;
  /** Key prefix (`REDIS_KEY_PREFIX`), shared with the bus. */
  prefix: string;
  /** This instance (a message it sent comes back to it: skipped). */
  instanceId: string;
  revocations: Revocations;
  /** Ends this instance's streams of a session signed out elsewhere. */
  onRevokedElsewhere(sessionId: string): void;
  /** Default Date.now. */
  now?: () => number;
}

export interface RevocationChannel {
  /** Connects, subscribes and reads the set back. Idempotent. */
  start(): void;
  stop(): Promise<void>;
}

interface Announcement {
  sessionId: string;
  until: number;
  from: string;
}

function decode(raw: string): Announcement | null {
  try {
    const value = JSON.parse(raw) as Partial<Announcement>;
    if (typeof value.sessionId !== 'string' || typeof value.until !== 'number' || typeof value.from !== 'string')
      return null;
    return { sessionId: value.sessionId, until: value.until, from: value.from };
  } catch {
    return null;
  }
}

export function createRevocationChannel(options: RevocationChannelOptions): RevocationChannel {
  const { revocations, instanceId } = options;
  const now = options.now ?? Date.now;
  const key = `${options.prefix}:revoked`;
  const common = {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  } as const;
  // Commands wait (bounded) in the offline queue, so a sign-out during a blip is still announced.
  const commands = new Redis(options.url, { ...common, maxRetriesPerRequest: 3, commandTimeout: 2000 });
  const subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
  let started = false;
  let offRevoke: (() => void) | null = null;

  const learn = (sessionId: string, until: number) => {
    if (until <= now()) return;
    revocations.remember(sessionId, until);
    options.onRevokedElsewhere(sessionId);
  };

  const readBack = async () => {
    const at = now();
    await commands.zremrangebyscore(key, '-inf', at);
    const flat = await commands.zrangebyscore(key, at, '+inf', 'WITHSCORES');
    for (let i = 0; i + 1 < flat.length; i += 2) revocations.remember(flat[i]!, Number(flat[i + 1]));
  };

  const announce = (sessionId: string, until: number) => {
    const message: Announcement = { sessionId, until, from: instanceId };
    commands
      .multi()
      .zadd(key, until, sessionId)
      .zremrangebyscore(key, '-inf', now())
      .publish(key, JSON.stringify(message))
      .exec()
      .catch((error: unknown) => {
        console.error(`[auth] could not share a sign-out with the other instances: ${String(error)}`);
      });
  };

  subscriber.on('message', (channel: string, raw: string) => {
    if (channel !== key) return;
    const message = decode(raw);
    if (message && message.from !== instanceId) learn(message.sessionId, message.until);
  });
  // After every (re)connection: subscribed again by ioredis, and what was missed read back.
  subscriber.on('ready', () => void readBack().catch(() => {}));
  const quiet = () => {};
  commands.on('error', quiet);
  subscriber.on('error', quiet);

  return {
    start() {
      if (started) return;
      started = true;
      offRevoke = revocations.onRevoke(announce);
      void commands.connect().catch(quiet);
      void subscriber
        .connect()
        .then(() => subscriber.subscribe(key))
        .catch(quiet);
    },
    async stop() {
      offRevoke?.();
      offRevoke = null;
      subscriber.disconnect();
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}
