import { createCatchUp } from './catch-up';
import { compareCursors } from '@/lib/sse/cursor';
import type { CatchUpReason, SequencedItem, SharedStatus, TabMessage } from './protocol';
import type { ReplayRing } from './replay-ring';
import type { TabEnv } from './tab-env';
import type { FollowerMessage, TabSharingStats } from './types';

/**
 * What a tab does with what its leader sends: records each event in its own ring (so it can
 * lead next without a hole) and delivers it, asks to be caught up by cursor when it joins, when
 * it finds a hole, and when an announce shows the leader ahead, and shows each status once.
 * Which messages come from the leader it follows is the election's call (tab-sharing.ts).
 */

export interface Following {
  /** Asks the leader for what this tab lacks, when this tab may ask (catch-up.ts says when one goes). */
  ask(reason: CatchUpReason): void;
  /** A new leader: it has answered no join yet, and its status is still to be shown. */
  newLeader(): void;
  /** A catch-up request may still be answered. */
  inFlight(): boolean;
  /** Forgets the request in flight (the tab leads, or sleeps). */
  clear(): void;
  /** A stream event from the leader. */
  item(entry: SequencedItem): void;
  /** An answer to a catch-up (ignored unless it answers this tab's latest request). */
  replay(message: Extract<TabMessage, { kind: 'replay' }>): void;
  /** The leader's heartbeat, with the cursor of the last event it applied. */
  announce(cursor: string | null): void;
  /** The leader's connection status. */
  status(status: SharedStatus): void;
}

export interface FollowingOptions {
  env: Pick<TabEnv, 'randomId'>;
  /** This tab's id: replays addressed to others are not for it. */
  id: string;
  ring: ReplayRing;
  /** The store's resume cursor (see TabSharingOptions.cursor). */
  cursor: () => string | null;
  /** See `TabSharingOptions.catchUpHeartbeats`. */
  catchUpHeartbeats: number;
  send: (message: TabMessage) => void;
  deliver: (message: FollowerMessage) => void;
  /** Whether this tab may ask for a catch-up now: it follows, or is still electing. */
  mayAsk: () => boolean;
  /** Counted here: `catchUpsSent`, `catchUpsFailed`. */
  stats: TabSharingStats;
}

export function createFollowing(options: FollowingOptions): Following {
  const { id, ring, stats, deliver } = options;
  /**
   * Whether the leader this tab follows answered a join (it sends its status with the answer,
   * or broadcasts it once it has one) or sent its status.
   */
  let statusHeard = false;
  /**
   * The last status delivered from the leader this tab follows, so a status sent twice (two
   * newcomers asking) shows once. Forgotten with each new leader: meanwhile this tab may have
   * shown its own stream's state (solo), and the leader's status must replace it even if it
   * did not change.
   */
  let deliveredStatus = '';

  const catchUp = createCatchUp({
    env: options.env,
    ring,
    cursor: options.cursor,
    patience: options.catchUpHeartbeats,
    send: (message) => {
      stats.catchUpsSent += 1;
      options.send(message);
    },
  });

  const ask = (reason: CatchUpReason) => {
    if (options.mayAsk()) catchUp.request(reason);
  };

  return {
    ask,
    newLeader() {
      statusHeard = false;
      deliveredStatus = '';
    },
    inFlight: () => catchUp.inFlight(),
    clear: () => catchUp.clear(),
    item({ item, prev }) {
      // Even a deposed leader's last events are real server events: the merge sorts them out.
      ring.record(item, prev);
      // A reset is not idempotent in the store (it counts, and it tells the user). A tab may
      // already be past it: it led and got the same reset, or its first paint came after it.
      if (item.kind === 'reset' && catchUp.alreadyApplied(item.cursor)) return;
      deliver({ kind: 'item', item });
    },
    replay(message) {
      const answer = message.to === id ? catchUp.answer(message) : null;
      if (!answer) return;
      if (answer.reason === 'join') statusHeard = true;
      if (!answer.ok) {
        stats.catchUpsFailed += 1;
        deliver({ kind: 'catch-up-failed', cursor: answer.cursor });
        return;
      }
      for (const item of answer.items) deliver({ kind: 'item', item });
    },
    announce(cursor) {
      catchUp.heardHeartbeat();
      if (catchUp.inFlight()) return;
      // Our join to this leader was never answered (lost, or sent before it led): ask again, or
      // this tab would show `connecting` for as long as the leader's connection does not change.
      if (!statusHeard) return ask('join');
      if (cursor === null) return;
      // Messages from one sender arrive in order: a leader ahead of what we applied means we lost
      // some. The store's cursor, not the ring's: a snapshot may have moved the store on since.
      const mine = options.cursor();
      if (mine !== cursor && (mine === null || compareCursors(mine, cursor) !== 1)) ask('gap');
    },
    status(status) {
      statusHeard = true;
      const serial = JSON.stringify(status);
      if (serial !== deliveredStatus) deliver({ kind: 'status', status });
      deliveredStatus = serial;
    },
  };
}
