import 'server-only';

/**
 * Lua scripts: each runs atomically inside Redis, which is what makes them safe with several
 * app instances writing at once, and what makes a check and the read it guards one step.
 *
 * The log's identity lives in one hash, the epoch record (`<prefix>:epoch`):
 *
 *   epoch    the log's epoch (the first part of every cursor)
 *   runid    `run_id` of the Redis process the epoch was established under
 *   n        entries appended in this epoch (each entry carries its own `n`)
 *   last     id of the newest entry appended ('0-0' before the first)
 *   trimmed  id of the newest entry trimmed away ('0-0' while nothing was)
 *   s:<feed> the feed's newest seq
 *   t:<feed> the feed's newest ts (a feed's times never go back: `TsOrder` in bus.ts)
 *   probe    written by every epoch check (proves the log is writable)
 *
 * One key, so an eviction takes the epoch and the seqs together, never the seqs alone. The
 * record is "intact" when it exists, names the running Redis (a restart or a restore from an
 * older RDB/AOF changes `run_id`) and the stream it describes still exists. Every script that
 * reads or writes the log checks that first, so a log that lost data is never used as if not.
 */

const PRELUDE = `
local function run_id()
  return string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
end
-- Canonical stream ids compared as two unsigned integers of any length (Lua numbers are doubles).
local function cmp(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if #am ~= #bm then return #am < #bm and -1 or 1 end
  if am ~= bm then return am < bm and -1 or 1 end
  if #as ~= #bs then return #as < #bs and -1 or 1 end
  if as ~= bs then return as < bs and -1 or 1 end
  return 0
end
-- KEYS[record], KEYS[stream]: nil when intact, else why not.
local function broken(record, stream, rid)
  local r = redis.call('HMGET', record, 'epoch', 'runid', 'last')
  if not r[1] then return 'missing' end
  if r[2] ~= rid then return 'restarted' end
  if r[3] ~= '0-0' and redis.call('EXISTS', stream) == 0 then return 'log_lost' end
  return nil
end
`;

/**
 * Establish or confirm the epoch: run by every instance at start and every second after. It
 * also proves the log is writable (see the probe below).
 * Intact: returns it. Not intact (first start, flush, eviction, restart/restore): starts a new
 * log under ARGV[1] and returns that; the next instance to check finds it intact and adopts
 * it, so a loss gives one new epoch, not one per instance. ARGV[2] = 'force' rotates anyway
 * (the bump-epoch fault).
 *
 * KEYS: record, stream. Returns {epoch, last, n, length, outcome}; outcome is 'kept' or the
 * reason a new epoch started ('missing' | 'restarted' | 'log_lost' | 'forced').
 */
export const FENCE = `${PRELUDE}
local rid = run_id()
-- A record of another type (e.g. the plain string of an older version of this app) is no record.
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind ~= 'hash' and kind ~= 'none' then redis.call('DEL', KEYS[1]) end
-- A write first, as a probe: a log nobody can append to (OOM under noeviction, READONLY after
-- a failover) must make instances degraded, not silently frozen. It must come first: once a
-- script has written, Redis lets it go on writing even when out of memory.
redis.call('HSET', KEYS[1], 'probe', rid)
local why = broken(KEYS[1], KEYS[2], rid)
if not why and ARGV[2] ~= 'force' then
  local r = redis.call('HMGET', KEYS[1], 'epoch', 'last', 'n')
  return {r[1], r[2], r[3], redis.call('XLEN', KEYS[2]), 'kept'}
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'runid', rid, 'n', 0, 'last', '0-0', 'trimmed', '0-0')
return {ARGV[1], '0-0', '0', 0, why or 'forced'}
`;

/**
 * Append a batch, all or nothing, in one atomic step. Fenced by the epoch always (nobody appends
 * to a log that is not the caller's epoch, or whose record is not intact: seqs would repeat),
 * and by the producer lease when a holder is named (a paused ex-leader that wakes up cannot
 * interleave its ticks; ingested points name none: any instance may append them). Seqs come from
 * the record, so they continue across writers with no gap or repeat. Trimming is exact and
 * recorded (`trimmed`), which is what lets a resume tell "complete" from "has a hole" without a
 * race.
 *
 * Times: each feed's newest `ts` is kept in the record (`t:<feed>`); a point older than it is
 * lifted to it (order `lift`) or refuses the whole batch (order `exact`), as `ts-order.ts` does
 * for the memory bus. With an idempotency key, a key already applied answers `duplicate` (same
 * body fingerprint) or `key_reused` without writing, and a batch applied remembers its key for
 * the TTL in the same step: no crash can fall between applying a batch and remembering it.
 *
 * KEYS: stream, record, lease, idempotency key. ARGV: lease holder ('' for anyone), epoch,
 * capacity, body fingerprint ('' for no key), key TTL in ms, then per point: feed, value, ts,
 * order. Returns {'ok', id, seq, ts, id, seq, ts, …}, {'duplicate', accepted}, {'key_reused'},
 * {'late', {index, newest ts, …}} (0-based indexes), or an error reply starting NOTLEADER or
 * FENCED.
 */
export const APPEND = `${PRELUDE}
if ARGV[1] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return redis.error_reply('NOTLEADER this instance does not hold the producer lease')
end
local rid = run_id()
local why = broken(KEYS[2], KEYS[1], rid)
if why or redis.call('HGET', KEYS[2], 'epoch') ~= ARGV[2] then
  return redis.error_reply('FENCED the log is not the one of epoch ' .. ARGV[2] .. ' (' .. (why or 'epoch changed') .. ')')
end
if ARGV[4] ~= '' then
  local seen = redis.call('GET', KEYS[4])
  if seen then
    local fingerprint, accepted = string.match(seen, '^(%x+):(%d+)$')
    if fingerprint == ARGV[4] then return {'duplicate', accepted} end
    return {'key_reused'}
  end
end
-- Times first: nothing is written unless every point passes. Kept as strings (a Lua number
-- would print a millisecond timestamp in exponent notation).
local newest, newestText, stored, late = {}, {}, {}, {}
local index = 0
for i = 6, #ARGV, 4 do
  local feed, ts = ARGV[i], tonumber(ARGV[i + 2])
  if newestText[feed] == nil then
    newestText[feed] = redis.call('HGET', KEYS[2], 't:' .. feed) or false
    newest[feed] = newestText[feed] and tonumber(newestText[feed]) or false
  end
  if newest[feed] and ts < newest[feed] then
    if ARGV[i + 3] == 'exact' then
      late[#late + 1] = index
      late[#late + 1] = newestText[feed]
    end
    stored[#stored + 1] = newestText[feed]
  else
    newest[feed], newestText[feed] = ts, ARGV[i + 2]
    stored[#stored + 1] = ARGV[i + 2]
  end
  index = index + 1
end
if #late > 0 then return {'late', late} end
local out = {'ok'}
local last = nil
for k = 1, index do
  local i = 6 + (k - 1) * 4
  local seq = redis.call('HINCRBY', KEYS[2], 's:' .. ARGV[i], 1)
  local n = redis.call('HINCRBY', KEYS[2], 'n', 1)
  last = redis.call('XADD', KEYS[1], '*', 'f', ARGV[i], 's', seq, 't', stored[k], 'v', ARGV[i + 1], 'n', n)
  out[#out + 1] = last
  out[#out + 1] = seq
  out[#out + 1] = stored[k]
end
for feed, text in pairs(newestText) do
  if text then redis.call('HSET', KEYS[2], 't:' .. feed, text) end
end
if last then redis.call('HSET', KEYS[2], 'last', last) end
local over = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[3])
if over > 0 then
  local gone = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', over)
  redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[3])
  redis.call('HSET', KEYS[2], 'trimmed', gone[#gone][1])
end
if ARGV[4] ~= '' then redis.call('SET', KEYS[4], ARGV[4] .. ':' .. index, 'PX', ARGV[5]) end
return out
`;

/**
 * Decide a resume and read its replay in one step, so no trim can slip between the check and
 * the read. A cursor at the newest trimmed entry is complete (the next entry is still kept).
 *
 * KEYS: stream, record. ARGV: epoch, cursor position (a canonical stream id).
 * Returns {'resumed', entries} or {reason} with reason epoch_changed | cursor_invalid | cursor_evicted.
 */
export const RESUME = `${PRELUDE}
if broken(KEYS[2], KEYS[1], run_id()) then return {'epoch_changed'} end
local r = redis.call('HMGET', KEYS[2], 'epoch', 'last', 'trimmed')
if r[1] ~= ARGV[1] then return {'epoch_changed'} end
if cmp(ARGV[2], r[2]) > 0 then return {'cursor_invalid'} end
if cmp(ARGV[2], r[3]) < 0 then return {'cursor_evicted'} end
if ARGV[2] == r[2] then return {'resumed', {}} end
return {'resumed', redis.call('XRANGE', KEYS[1], '(' .. ARGV[2], '+')}
`;

/** Fault: drop every entry, recording the newest as trimmed. KEYS: stream, record. */
export const EVICT_ALL = `
local last = redis.call('HGET', KEYS[2], 'last')
redis.call('XTRIM', KEYS[1], 'MAXLEN', 0)
if last then redis.call('HSET', KEYS[2], 'trimmed', last) end
return last
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
