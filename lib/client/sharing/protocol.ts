import type { FeedName } from '@/lib/metrics/feeds';
import type {
  WireFeedWindow as FeedWindow,
  WireMetric as MetricEvent,
  WireReset as ResetData,
} from '@/lib/sse/payloads';
import { CURSOR_MAX_LENGTH } from '@/lib/sse/cursor';

// The wire payload types (feed names are plain strings: a newer server may carry feeds this build
// does not know, and the store accepts them).
type ResetReason = ResetData['reason'];

/**
 * The tab channel protocol, version 1: what tabs of one browser profile and origin say to each
 * other over a `BroadcastChannel`. Every message is an envelope `{v, from, kind, …}`.
 *
 *   leader → followers   announce (heartbeat: term, epoch and cursor of the last event applied)
 *                        items (the stream events of one network chunk, each with the cursor of
 *                        the one before it; `item`, one event, still comes from a tab of an older build)
 *                        status (connection state snapshot), recovery (outage report)
 *                        replay (answer to a catch-up, addressed to one tab)
 *   follower → leader    catch-up ("I'm here / catch me up from cursor X"), reconnect ("Reconnect now")
 *   any candidate        claim (lease election only), goodbye (a leader stepping down)
 *
 * Another tab may run another build (a deploy while tabs stay open), so every incoming message is
 * decoded defensively: anything malformed, or of another version, is dropped and counted by the
 * caller, never thrown. Structured clone already gives plain data, so this is a shape check.
 */

export const TAB_PROTOCOL_VERSION = 1;

/** One event of the SSE stream as the leader decoded it. The cursor is its `id:`. */
export type StreamItem =
  { kind: 'metric'; cursor: string; event: MetricEvent } | { kind: 'reset'; cursor: string; reset: ResetData };

/** Mirrors the connection manager's states (lib/client/connection.ts); kept here so this module stays standalone. */
export const SHARED_CONNECTION_STATES = [
  'connecting',
  'live',
  'reconnecting',
  'stale',
  'offline',
  'resyncing',
  'failed',
] as const;
export type SharedConnectionState = (typeof SHARED_CONNECTION_STATES)[number];

export interface SharedTransition {
  from: SharedConnectionState;
  to: SharedConnectionState;
  reason: string;
  at: number;
}

/** The leader's connection status, as followers show it (structurally a `ConnectionStatus`). */
export interface SharedStatus {
  state: SharedConnectionState;
  reason: string;
  since: number;
  attempt: number;
  /** Wall-clock time of the scheduled reconnect: followers count down to the same moment. */
  retryAt: number | null;
  epoch: string | null;
  heartbeatMs: number | null;
  error: string | null;
  /** `auth` when the leader's session cannot be renewed: every tab shows the sign-in prompt. */
  failure: 'auth' | null;
  /** Planned rotations of the leader's stream, for the stream inspector. */
  rotations: number;
  /** Server clock minus client clock, from the leader's `hello` (all tabs share the client clock). */
  clockOffsetMs: number | null;
  /** The transition that produced this status, for the stream inspector; null for a plain snapshot. */
  transition: SharedTransition | null;
}

/** A stream came back after an outage (structurally a `Recovery`, with the reset reduced to its reason). */
export interface SharedRecovery {
  outageMs: number;
  replayed: number;
  resetReason: ResetReason | null;
}

export type CatchUpReason = 'join' | 'gap' | 'probe';

export type TabMessage =
  /**
   * `status`: the leader's connection status as of this heartbeat (null before it has one), so
   * a follower that missed a `status` message shows the right one within a heartbeat. Absent
   * from an older build's announce.
   */
  | { kind: 'announce'; term: number; epoch: string | null; cursor: string | null; status?: SharedStatus | null }
  | { kind: 'item'; term: number; item: StreamItem; prev: string | null }
  | { kind: 'items'; term: number; items: SequencedItem[] }
  | { kind: 'status'; term: number; status: SharedStatus }
  | { kind: 'recovery'; term: number; recovery: SharedRecovery }
  | { kind: 'replay'; term: number; to: string; requestId: string; ok: boolean; items: StreamItem[] }
  | { kind: 'catch-up'; requestId: string; cursor: string | null; reason: CatchUpReason }
  /** `reason`: words for logs only; the leader takes every request as the user's "Reconnect now". */
  | { kind: 'reconnect'; reason: string }
  | { kind: 'claim'; term: number }
  | { kind: 'goodbye'; term: number };

/** A stream event with the cursor of the event before it, so a follower can tell whether it missed one. */
export interface SequencedItem {
  item: StreamItem;
  prev: string | null;
}

/** Most events one `items` message carries: a producer tick of a few hundred feeds, with room to spare. */
export const MAX_ITEMS_PER_MESSAGE = 1000;

export type TabEnvelope = TabMessage & { v: typeof TAB_PROTOCOL_VERSION; from: string };

export function encodeTabMessage(from: string, message: TabMessage): TabEnvelope {
  return { ...message, v: TAB_PROTOCOL_VERSION, from };
}

export type DecodeResult =
  { ok: true; envelope: TabEnvelope } | { ok: false; error: 'not_an_envelope' | 'other_version' | 'malformed' };

// ── shape checks ───────────────────────────────────────────────────────────────

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 1000): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is string => isStr(v, 100) && v.length > 0;
const isCursor = (v: unknown): v is string => isStr(v, CURSOR_MAX_LENGTH) && v.length > 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const orNull =
  <T>(check: (v: unknown) => v is T) =>
  (v: unknown): v is T | null =>
    v === null || check(v);
const isState = (v: unknown): v is SharedConnectionState =>
  typeof v === 'string' && (SHARED_CONNECTION_STATES as readonly string[]).includes(v);
const RESET_REASONS: readonly ResetReason[] = ['epoch_changed', 'cursor_evicted', 'cursor_invalid'];
const isResetReason = (v: unknown): v is ResetReason =>
  typeof v === 'string' && (RESET_REASONS as readonly string[]).includes(v);
/** Feed names are checked for shape only: whether a feed is known is the store's business. */
const isFeed = (v: unknown): v is FeedName => isStr(v, 64) && /^[a-z0-9_-]+$/i.test(v);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);

function isMetricEvent(v: unknown): v is MetricEvent {
  return isObj(v) && isFeed(v.feed) && isCount(v.seq) && isNum(v.ts) && isNum(v.value);
}

function isFeedWindow(v: unknown): v is FeedWindow {
  return isObj(v) && isCount(v.firstSeq) && isNumArray(v.ts) && isNumArray(v.value) && v.ts.length === v.value.length;
}

function isResetData(v: unknown): v is ResetData {
  if (!isObj(v) || !isResetReason(v.reason) || !isId(v.epoch) || !isCursor(v.cursor) || !isNum(v.windowMs))
    return false;
  const feeds = v.feeds;
  return isObj(feeds) && Object.entries(feeds).every(([name, window]) => isFeed(name) && isFeedWindow(window));
}

function isStreamItem(v: unknown): v is StreamItem {
  if (!isObj(v) || !isCursor(v.cursor)) return false;
  if (v.kind === 'metric') return isMetricEvent(v.event);
  return v.kind === 'reset' && isResetData(v.reset) && v.reset.cursor === v.cursor;
}

function isTransition(v: unknown): v is SharedTransition {
  return isObj(v) && isState(v.from) && isState(v.to) && isStr(v.reason) && isNum(v.at);
}

function isStatus(v: unknown): v is SharedStatus {
  return (
    isObj(v) &&
    isState(v.state) &&
    isStr(v.reason) &&
    isNum(v.since) &&
    isCount(v.attempt) &&
    orNull(isNum)(v.retryAt) &&
    orNull(isId)(v.epoch) &&
    orNull(isNum)(v.heartbeatMs) &&
    orNull(isStr)(v.error) &&
    (v.failure === null || v.failure === 'auth') &&
    isCount(v.rotations) &&
    orNull(isNum)(v.clockOffsetMs) &&
    orNull(isTransition)(v.transition)
  );
}

function isRecovery(v: unknown): v is SharedRecovery {
  return isObj(v) && isNum(v.outageMs) && isCount(v.replayed) && orNull(isResetReason)(v.resetReason);
}

const CATCH_UP_REASONS: readonly string[] = ['join', 'gap', 'probe'] satisfies CatchUpReason[];

/** Per kind: does the rest of the envelope have the right shape? */
const BODY_CHECKS: Record<TabMessage['kind'], (m: Obj) => boolean> = {
  announce: (m) =>
    isCount(m.term) &&
    orNull(isId)(m.epoch) &&
    orNull(isCursor)(m.cursor) &&
    (m.status === undefined || orNull(isStatus)(m.status)),
  item: (m) => isCount(m.term) && isStreamItem(m.item) && orNull(isCursor)(m.prev),
  items: (m) =>
    isCount(m.term) &&
    Array.isArray(m.items) &&
    m.items.length > 0 &&
    m.items.length <= MAX_ITEMS_PER_MESSAGE &&
    m.items.every((s: unknown) => isObj(s) && isStreamItem(s.item) && orNull(isCursor)(s.prev)),
  status: (m) => isCount(m.term) && isStatus(m.status),
  recovery: (m) => isCount(m.term) && isRecovery(m.recovery),
  replay: (m) =>
    isCount(m.term) &&
    isId(m.to) &&
    isId(m.requestId) &&
    typeof m.ok === 'boolean' &&
    Array.isArray(m.items) &&
    m.items.every(isStreamItem),
  'catch-up': (m) =>
    isId(m.requestId) &&
    orNull(isCursor)(m.cursor) &&
    typeof m.reason === 'string' &&
    CATCH_UP_REASONS.includes(m.reason),
  reconnect: (m) => isStr(m.reason),
  claim: (m) => isCount(m.term),
  goodbye: (m) => isCount(m.term),
};

/** Never throws: a bad message is an answer, not an exception. */
export function decodeTabMessage(raw: unknown): DecodeResult {
  if (!isObj(raw) || !('v' in raw)) return { ok: false, error: 'not_an_envelope' };
  if (raw.v !== TAB_PROTOCOL_VERSION) return { ok: false, error: 'other_version' };
  if (!isId(raw.from) || typeof raw.kind !== 'string' || !Object.hasOwn(BODY_CHECKS, raw.kind)) {
    return { ok: false, error: 'malformed' };
  }
  const check = BODY_CHECKS[raw.kind as TabMessage['kind']];
  return check(raw) ? { ok: true, envelope: raw as unknown as TabEnvelope } : { ok: false, error: 'malformed' };
}
