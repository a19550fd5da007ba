import { compareCursors } from '@/lib/sse/cursor';
import type { CatchUpReason, StreamItem, TabMessage } from './protocol';
import type { ReplayRing } from './replay-ring';
import type { TabEnv } from './tab-env';

/**
 * A follower's side of "catch me up from cursor X": one request in flight at a time, and the
 * answer turned into the events to apply.
 *
 * The answer is every event after X. Events this tab already received live (they wait in its
 * store behind the hole) are skipped, to keep the store's duplicate counters honest, except:
 * - after a reset in the answer: the store starts over from it, so what it had no longer counts;
 * - when a request starts from the same cursor as the last answered one: the store made no
 *   progress, so it dropped what it received (events of a new epoch before their reset): this
 *   time everything is applied, and the idempotent merge drops what it does have.
 * A reset the store is already past is never applied again: it counts, and it tells the user.
 */

export interface CatchUpOptions {
  env: Pick<TabEnv, 'randomId'>;
  /** This tab's ring: what it received, and where an answer is absorbed. */
  ring: ReplayRing;
  /** The store's resume cursor (see TabSharingOptions.cursor). */
  cursor(): string | null;
  /** How many of the leader's heartbeats an unanswered request blocks the next one (and holds live events). */
  patience: number;
  send(message: Extract<TabMessage, { kind: 'catch-up' }>): void;
}

/** `reason`: what the answered request was sent for. */
export type CatchUpAnswer =
  | { ok: true; items: StreamItem[]; reason: CatchUpReason }
  | { ok: false; cursor: string | null; reason: CatchUpReason };

export interface CatchUp {
  /**
   * Sends a request unless one is in flight. Probes always go (they test the leader's life), and
   * so do joins: a join is what brings the leader's status, and the request in flight may have
   * gone to nobody (sent before this leader led) or been lost.
   */
  request(reason: CatchUpReason): void;
  /**
   * A request whose answer may still come: fewer than `patience` of the leader's heartbeats
   * arrived since it went. Counted in heartbeats, not time: a tab starved of CPU handles its
   * leader's messages in order, so an answer sent before a heartbeat is handled before it,
   * whereas a deadline on this tab's own clock can pass while the answer waits in its queue.
   */
  inFlight(): boolean;
  /** The leader's heartbeat arrived (an `announce`): one more that the request waited. */
  heardHeartbeat(): void;
  /** The answer to our latest request, or null if it is not ours (or a stale one). */
  answer(message: Extract<TabMessage, { kind: 'replay' }>): CatchUpAnswer | null;
  /** Whether the store is already at or past `cursor` (same epoch only). */
  alreadyApplied(cursor: string): boolean;
  /** Forgets the request in flight (the tab leads, or sleeps). */
  clear(): void;
}

export function createCatchUp(options: CatchUpOptions): CatchUp {
  const { env, ring } = options;
  let pending: {
    requestId: string;
    cursor: string | null;
    /** The leader's heartbeats heard since it was sent. */
    heartbeats: number;
    unfiltered: boolean;
    reason: CatchUpReason;
  } | null = null;
  /** The cursor the last answered request started from. */
  let lastAnswered: string | null | undefined;

  const inFlight = () => pending !== null && pending.heartbeats < options.patience;

  const alreadyApplied = (cursor: string) => {
    const mine = options.cursor();
    const order = mine === null ? null : compareCursors(cursor, mine);
    return order !== null && order <= 0;
  };

  return {
    inFlight,
    heardHeartbeat() {
      if (pending) pending.heartbeats += 1;
    },
    alreadyApplied,
    request(reason) {
      if (reason !== 'probe' && reason !== 'join' && inFlight()) return;
      const cursor = options.cursor();
      pending = { requestId: env.randomId(), cursor, heartbeats: 0, unfiltered: cursor === lastAnswered, reason };
      options.send({ kind: 'catch-up', requestId: pending.requestId, cursor, reason });
    },
    answer(message) {
      if (pending?.requestId !== message.requestId) return null;
      const { cursor: asked, unfiltered, reason } = pending;
      pending = null;
      lastAnswered = asked;
      if (!message.ok) return { ok: false, cursor: asked, reason };
      let known = new Set(unfiltered ? [] : ring.held().map((item) => item.cursor));
      if (ring.last() === null && asked !== null) ring.resetTo(asked);
      ring.absorb(asked, message.items);
      const items: StreamItem[] = [];
      for (const item of message.items) {
        const order = asked === null ? null : compareCursors(item.cursor, asked);
        if ((order !== null && order <= 0) || known.has(item.cursor)) continue;
        if (item.kind === 'reset') {
          if (alreadyApplied(item.cursor)) continue;
          known = new Set();
        }
        items.push(item);
      }
      return { ok: true, items, reason };
    },
    clear() {
      pending = null;
    },
  };
}
