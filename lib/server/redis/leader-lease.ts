import 'server-only';
import type { Redis } from 'ioredis';
import { RELEASE_LEASE, RENEW_LEASE } from './scripts';

/**
 * Exactly one producer across instances: a lease in Redis (`SET key id NX PX ttl`), renewed
 * while we live. If the leader dies, its lease expires and another instance takes it on its
 * next try: within `ttlMs + renewEveryMs` (4 s with the defaults).
 *
 * A failed renewal (a timeout, a blip) does not end leadership at once: the lease is still
 * ours in Redis until it expires, so we stay leader until `ttlMs - renewEveryMs` after the last
 * renewal we sent, which is before Redis can give it to anyone else. Publishing is fenced by
 * Redis anyway (the append script checks the lease), so this is only about not dropping
 * production for seconds on one lost reply.
 */

export interface LeaderLeaseOptions {
  redis: Redis;
  key: string;
  /** Who we are; stored as the lease's value. */
  instanceId: string;
  /** Lease lifetime. Default 3000 ms. */
  ttlMs?: number;
  /** How often to renew (as leader) or try to acquire (as follower). Default 1000 ms. */
  renewEveryMs?: number;
  /** Called with true when we become the leader, false when we stop being it. Default: nothing. */
  onChange?: (leader: boolean) => void;
  /** Defaults to `Date.now`. */
  now?: () => number;
}

export interface LeaderLease {
  readonly leader: boolean;
  /** Calls `listener` on every change from now on (not for the current state); returns the unsubscribe. */
  subscribe(listener: (leader: boolean) => void): () => void;
  start(): void;
  /** Stops trying and gives the lease up at once, so a peer takes over without waiting for expiry. */
  stop(): Promise<void>;
}

export function createLeaderLease(options: LeaderLeaseOptions): LeaderLease {
  const { redis, key, instanceId } = options;
  const listeners = new Set<(leader: boolean) => void>();
  if (options.onChange) listeners.add(options.onChange);
  const ttlMs = options.ttlMs ?? 3000;
  const renewEveryMs = options.renewEveryMs ?? 1000;
  const now = options.now ?? Date.now;
  let leader = false;
  /** Until when we may act as leader without a successful renewal. */
  let validUntil = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let busy = false;

  const setLeader = (value: boolean) => {
    if (value === leader) return;
    leader = value;
    for (const listener of [...listeners]) listener(value);
  };

  const tick = async () => {
    if (busy) return;
    busy = true;
    const sentAt = now();
    try {
      const held = leader
        ? Number(await redis.eval(RENEW_LEASE, 1, key, instanceId, ttlMs)) === 1
        : (await redis.set(key, instanceId, 'PX', ttlMs, 'NX')) === 'OK';
      if (held) validUntil = sentAt + ttlMs - renewEveryMs;
      setLeader(held);
    } catch {
      // No answer: we cannot prove we hold the lease, but it cannot have passed to anyone else
      // before it expires. Keep producing until shortly before that.
      if (now() >= validUntil) setLeader(false);
    } finally {
      busy = false;
    }
  };

  return {
    get leader() {
      return leader;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (timer) return;
      void tick();
      timer = setInterval(() => void tick(), renewEveryMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (leader) {
        setLeader(false);
        await redis.eval(RELEASE_LEASE, 1, key, instanceId).catch(() => {});
      }
    },
  };
}
