import 'server-only';
import { logger } from '../observability/logger';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { Revocation, Revocations } from '../auth/revocations';

const channelLog = logger('auth');

/**
 * Sign-outs shared by every instance on one Redis, so that "signed out" means signed out
 * wherever the next request lands (docs/auth.md):
 *
 * - A sign-out here is added to a sorted set (`<prefix>:revoked`, member the session id, score
 *   the time until which it must be refused) and published on a channel of the same name. One
 *   that cannot reach Redis waits here and is sent again when the link is back, or (refused on a
 *   link that stays up) with backoff, 250 ms doubling to 5 s, until Redis takes it. A renewal's
 *   revocation of the token it replaced travels the same way (member the token id); its short
 *   grace (`from`) is in the published message only, so an instance that reads it back from the
 *   set refuses that token at once, which can only shorten the grace of a token already replaced.
 * - Every instance subscribes: a sign-out elsewhere is remembered in its own `Revocations`, and
 *   its open streams of that session end at once (`onRevokedElsewhere`).
 * - On every (re)connection the set is read back: an instance that started later, or lost Redis
 *   for a while, learns what it missed (and ends those sessions' streams too). A read-back that
 *   fails is tried again with backoff (250 ms, doubling to 5 s) until one succeeds. Until the first
 *   read-back, `synced()` is false and the instance serves no session-bearing data (runtime.ts
 *   `serving`): it would not know which sessions were signed out while it was away.
 *
 * If Redis loses its data (a restart without persistence), running instances keep what they
 * knew and send again what they had not sent; an instance started after that learns only later
 * sign-outs, so keep Redis persistent where sign-out must hold across such a loss.
 *
 * Like this process's view, the set is bounded by time, never by count: an entry leaves it only
 * when its score (the time until which it must be refused) has passed, so no number of later
 * sign-outs can push one out early (auth/revocations.ts says what bounds it instead). The
 * subscriber is a connection of its own (a subscribed connection can run no other command).
 */

/** Entries read back per round trip. */
const READ_BACK_PAGE = 10_000;
/** Backoff of the next sync after a failed one. */
const SYNC_RETRY_FIRST_MS = 250;
const SYNC_RETRY_MAX_MS = 5000;

export interface RevocationChannelOptions {
  url: string;
  /** Key prefix (`REDIS_KEY_PREFIX`), shared with the bus. */
  prefix: string;
  revocations: Revocations;
  /** Ends this instance's streams of a session signed out elsewhere. */
  onRevokedElsewhere(sessionId: string): void;
  /** Default Date.now. */
  now?: () => number;
}

export interface RevocationChannel {
  /** Connects, subscribes and reads the set back. Idempotent; does nothing after `stop()`. */
  start(): void;
  /** Whether the set has been read back at least once since start. */
  synced(): boolean;
  stop(): Promise<void>;
}

interface Announcement {
  /** A session id (sign-out) or a token id (replaced by a renewal). */
  sessionId: string;
  until: number;
  /** When the refusal starts (a replaced token's grace); absent: at once. */
  start?: number;
  /** The sending process (random per process: `INSTANCE_ID` may be set the same twice). */
  from: string;
}

function decode(raw: string): Announcement | null {
  try {
    const value = JSON.parse(raw) as Partial<Announcement>;
    if (typeof value.sessionId !== 'string' || typeof value.until !== 'number' || typeof value.from !== 'string')
      return null;
    const start = typeof value.start === 'number' ? { start: value.start } : {};
    return { sessionId: value.sessionId, until: value.until, from: value.from, ...start };
  } catch {
    return null;
  }
}

export function createRevocationChannel(options: RevocationChannelOptions): RevocationChannel {
  const { revocations } = options;
  const now = options.now ?? Date.now;
  const key = `${options.prefix}:revoked`;
  const self = randomBytes(8).toString('hex');
  const common = {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  } as const;
  // Commands fail fast (the bus's settings); what must reach Redis waits in `unsent` instead.
  const commands = new Redis(options.url, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
  });
  // The subscription waits in the offline queue until a first connection succeeds.
  const subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
  /** Revocations of this process not yet in Redis. */
  const unsent = new Map<string, Revocation>();
  /** `stopped` is final: a channel is started once and stopped once. */
  let state: 'new' | 'started' | 'stopped' = 'new';
  let subscribed = false;
  let readBackOnce = false;
  let syncing: Promise<void> | null = null;
  let again = false;
  let offRevoke: (() => void) | null = null;
  let lastLogged = 0;
  /** The next sync after a failed command, and how long it waits (doubles to 5 s; reset by a success). */
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryMs = SYNC_RETRY_FIRST_MS;

  const log = (what: string, error: unknown) => {
    // One line per 10 s at most: an outage must not flood the log.
    if (now() - lastLogged < 10_000) return;
    lastLogged = now();
    channelLog.error({ err: error }, `shared sign-outs: ${what}`);
  };

  const learn = (sessionId: string, until: number, start = now()) => {
    if (until <= now() || revocations.isRevoked(sessionId, now())) return;
    revocations.remember(sessionId, until, start);
    options.onRevokedElsewhere(sessionId);
  };

  const send = async (sessionId: string, { from: start, until }: Revocation) => {
    const message: Announcement = { sessionId, until, from: self, start };
    await commands
      .multi()
      .zadd(key, until, sessionId)
      .zremrangebyscore(key, '-inf', now())
      .publish(key, JSON.stringify(message))
      .exec();
    unsent.delete(sessionId);
  };

  /**
   * A sign-out or a read-back can fail on a link that stays up (a timeout, BUSY, OOM, NOPERM):
   * no `ready` follows to try again, so a sign-out would never reach the other instances, and an
   * instance that never read back would stay degraded (serving.ts) for good. One timer at a time.
   */
  const retryLater = () => {
    if (state !== 'started' || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void sync();
    }, retryMs);
    retryTimer.unref?.();
    retryMs = Math.min(retryMs * 2, SYNC_RETRY_MAX_MS);
  };

  /** Sends what waits, then reads the set back, a page at a time. */
  const sync = (): Promise<void> => {
    if (state !== 'started') return Promise.resolve();
    if (syncing) {
      again = true;
      return syncing;
    }
    // Not connected yet: its `ready` syncs.
    if (commands.status !== 'ready') return Promise.resolve();
    syncing = (async () => {
      for (const [sessionId, revocation] of [...unsent]) {
        if (revocation.until <= now())
          unsent.delete(sessionId); // over anyway: nothing left to refuse
        else await send(sessionId, revocation);
      }
      const since = now();
      for (let offset = 0; ; offset += READ_BACK_PAGE) {
        const flat = await commands.zrange(
          key,
          `(${since}`,
          '+inf',
          'BYSCORE',
          'LIMIT',
          offset,
          READ_BACK_PAGE,
          'WITHSCORES',
        );
        for (let i = 0; i + 1 < flat.length; i += 2) learn(flat[i]!, Number(flat[i + 1]));
        if (flat.length < 2 * READ_BACK_PAGE) break;
      }
      readBackOnce = true;
      retryMs = SYNC_RETRY_FIRST_MS;
    })()
      .catch((error: unknown) => {
        log('could not sync with Redis (tried again)', error);
        retryLater();
      })
      .finally(() => {
        syncing = null;
        if (again) {
          again = false;
          void sync();
        }
      });
    return syncing;
  };

  const announce = (sessionId: string, revocation: Revocation) => {
    unsent.set(sessionId, revocation);
    send(sessionId, revocation).catch((error: unknown) => {
      log('a sign-out waits for Redis', error);
      retryLater();
    });
  };

  subscriber.on('message', (channel: string, raw: string) => {
    if (channel !== key) return;
    const message = decode(raw);
    if (message && message.from !== self) learn(message.sessionId, message.until, message.start);
  });
  // ioredis re-subscribes after every reconnection, then says `ready`: read back what was missed.
  const syncIfSubscribed = () => {
    if (subscribed) void sync();
  };
  subscriber.on('ready', syncIfSubscribed);
  commands.on('ready', syncIfSubscribed);
  commands.on('error', (error) => log('command link', error));
  subscriber.on('error', (error) => log('subscriber link', error));

  return {
    start() {
      if (state !== 'new') return;
      state = 'started';
      offRevoke = revocations.onRevoke(announce);
      void commands.connect().catch(() => {});
      subscriber
        .subscribe(key)
        .then(() => {
          subscribed = true;
          return sync();
        })
        .catch((error: unknown) => log('could not subscribe', error));
    },
    synced: () => readBackOnce,
    async stop() {
      state = 'stopped';
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      offRevoke?.();
      offRevoke = null;
      subscriber.disconnect();
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}
