import { cursorEpoch } from '@/lib/sse/cursor';
import type { CatchUpReason, SharedRecovery, SharedStatus, StreamItem } from './protocol';
import type { ReplayRing } from './replay-ring';
import type { TabEnv } from './tab-env';
import type { TabLink } from './tab-link';
import type { TabSharingStats } from './types';

/**
 * What a tab sends while it leads: its term and cursor every heartbeat (`announce`), each stream
 * event in stream order (recorded in its ring first, so it can answer catch-ups), the
 * connection's status and recovery reports, and the answer to a follower's catch-up. Whether the
 * tab leads is the election's business (tab-sharing.ts): it calls these only while it does.
 */

export interface Leading {
  /** This tab's current (or last) leadership term. */
  term(): number;
  /**
   * A leadership begins: `term`, and the cursor the stream resumes from (what this tab applied),
   * which the ring must describe. The remembered status stays: it is that of this tab's own
   * stream, and a solo tab that takes the lead keeps its stream running (shared-source.ts), so
   * its status is still true and tabs that join must get it. A tab that had no stream starts one
   * for the term, and that stream's first status replaces the remembered one at once, before any
   * announce or answer goes out.
   */
  begin(term: number, cursor: string | null): void;
  /** Announces now, then every heartbeat until `stopHeartbeat()`. */
  startHeartbeat(): void;
  stopHeartbeat(): void;
  /** "I lead, at this cursor": the heartbeat, also sent at once to out-rank a weaker leader or claim. */
  announce(): void;
  /** One stream event, in stream order (batched per task by the link). */
  publish(item: StreamItem): void;
  /** The stream's latest status, remembered for tabs that join; sent to every tab when `broadcast`. */
  status(status: SharedStatus, broadcast: boolean): void;
  recovery(recovery: SharedRecovery): void;
  /** Answers a catch-up from the ring (all events after `cursor`, or "cannot"); a join also gets the status. */
  answer(to: string, requestId: string, cursor: string | null, reason: CatchUpReason): void;
  /** Steps down out loud: the followers stop waiting for this tab at once. */
  goodbye(): void;
}

export interface LeadingOptions {
  env: Pick<TabEnv, 'setTimeout' | 'clearTimeout'>;
  link: TabLink;
  ring: ReplayRing;
  heartbeatMs: number;
  /** Counted here: `replaysServed`. */
  stats: TabSharingStats;
}

export function createLeading({ env, link, ring, heartbeatMs, stats }: LeadingOptions): Leading {
  let term = 0;
  let heartbeat: unknown = null;
  let lastStatus: SharedStatus | null = null;

  const announce = () => {
    const cursor = ring.last();
    const epoch = cursorEpoch(cursor) ?? lastStatus?.epoch ?? null;
    link.send({ kind: 'announce', term, epoch, cursor, status: lastStatus });
  };
  const stopHeartbeat = () => {
    if (heartbeat !== null) env.clearTimeout(heartbeat);
    heartbeat = null;
  };
  const beat = () => {
    heartbeat = env.setTimeout(() => {
      announce();
      beat();
    }, heartbeatMs);
  };

  return {
    term: () => term,
    begin(next, cursor) {
      term = next;
      if (ring.last() !== cursor) ring.resetTo(cursor);
    },
    startHeartbeat() {
      announce();
      stopHeartbeat();
      beat();
    },
    stopHeartbeat,
    announce,
    publish(item) {
      const prev = ring.last();
      const outcome = ring.record(item, prev);
      // A re-sent event still goes out (it may fill a follower's hole; the merge drops it
      // otherwise), but with no predecessor, so no ring puts it after the newest.
      link.enqueue({ item, prev: outcome === 'duplicate' ? null : prev }, term);
    },
    status(status, broadcast) {
      lastStatus = status;
      if (broadcast) link.send({ kind: 'status', term, status });
    },
    recovery(recovery) {
      link.send({ kind: 'recovery', term, recovery });
    },
    answer(to, requestId, cursor, reason) {
      const items = ring.after(cursor);
      stats.replaysServed += 1;
      link.send({ kind: 'replay', term, to, requestId, ok: items !== null, items: items ?? [] });
      if (reason === 'join' && lastStatus) link.send({ kind: 'status', term, status: lastStatus });
    },
    goodbye() {
      link.send({ kind: 'goodbye', term });
    },
  };
}
