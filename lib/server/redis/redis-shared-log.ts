import 'server-only';
import type { CreateSharedLog } from '../shared-log';
import { createLeaderLease } from './leader-lease';
import { RedisBus } from './redis-bus';
import { createRevocationChannel } from './revocation-channel';

/**
 * The shared log on Redis (`REDIS_URL`): a Redis Streams bus, the sign-outs channel and the
 * producer lease, all under `REDIS_KEY_PREFIX`. What ../shared-log.ts selects.
 */
export const createRedisSharedLog: CreateSharedLog = ({
  env,
  url,
  instanceId,
  onInterrupt,
  revocations,
  onRevokedElsewhere,
}) => {
  const bus = new RedisBus({
    url,
    prefix: env.REDIS_KEY_PREFIX,
    capacity: env.SSE_REPLAY_CAPACITY,
    snapshotWindowMs: env.SNAPSHOT_WINDOW_MS,
    keyTtlMs: env.INGEST_KEY_TTL_MS,
    instanceId,
    // Streams on a bus that lost Redis (or its data) would go silent: end them so clients
    // reconnect, and resume or get the reset.
    onInterrupt,
  });
  bus.start();
  // A session signed out on any instance is refused on all, and its streams here end at once.
  const channel = createRevocationChannel({ url, prefix: env.REDIS_KEY_PREFIX, revocations, onRevokedElsewhere });
  channel.start();
  return {
    bus,
    revocations: channel,
    createLease: () => createLeaderLease({ redis: bus.redis, key: bus.keys.lease, instanceId }),
  };
};
