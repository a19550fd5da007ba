import 'server-only';

/**
 * Lua scripts: each runs atomically inside Redis, which is what makes them safe with several
 * app instances writing at once.
 */

/**
 * Publish one tick, fenced by the producer lease: only the instance holding the lease may
 * write, so a paused ex-leader that wakes up cannot interleave its ticks with the new one's.
 * Seqs come from a hash in Redis, so they continue across leaders with no gap or repeat.
 *
 * KEYS: stream, lease, seqs. ARGV: instanceId, maxlen, ts, then feed/value pairs.
 * Returns the new entry ids, or nil when this instance does not hold the lease.
 */
export const PUBLISH_TICK = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return nil end
local ids = {}
for i = 4, #ARGV, 2 do
  local seq = redis.call('HINCRBY', KEYS[3], ARGV[i], 1)
  ids[#ids + 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'f', ARGV[i], 's', seq, 't', ARGV[3], 'v', ARGV[i + 1])
end
return ids
`;

/**
 * Read the log's epoch, creating it if there is none (first start, or Redis lost its data).
 * A new epoch starts a new log: the stream and the seqs are cleared in the same step.
 *
 * KEYS: epoch, stream, seqs. ARGV: a fresh epoch to use if none exists. Returns the epoch.
 */
export const ENSURE_EPOCH = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('DEL', KEYS[2], KEYS[3])
  return ARGV[1]
end
return redis.call('GET', KEYS[1])
`;

/** Replace the epoch unconditionally (the bump-epoch fault). Same keys and argument. */
export const ROTATE_EPOCH = `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3])
return ARGV[1]
`;

/** Renew the lease only if we still hold it. KEYS: lease. ARGV: instanceId, ttlMs. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Give the lease up only if we hold it. KEYS: lease. ARGV: instanceId. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
