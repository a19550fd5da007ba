import type { SharedRecovery, SharedStatus, StreamItem } from './protocol';
import type { ElectionMode, RoleChange, TabRole } from '../tab-role';
import type { TabEnv } from './tab-env';

/**
 * The public types of tab sharing: what `createTabSharing` (tab-sharing.ts) offers, and what it
 * reports. Types only, so the seam (../stream-source.ts) and the wiring (shared-source.ts) can
 * name them without depending on the implementation.
 *
 * The roles it reports (`RoleChange`) are defined in ../tab-role.ts, which outlives sharing: a
 * leader `publish`es each event (plus status and recovery reports) to the other tabs, a follower
 * applies what `onMessage` delivers with the same idempotent merge, `solo` cannot share (no
 * BroadcastChannel, or the leader stopped answering) and runs its own stream.
 */

export type { ElectionMode, RoleChange, TabRole };

/** What a follower applies. */
export type FollowerMessage =
  | { kind: 'item'; item: StreamItem }
  | { kind: 'status'; status: SharedStatus }
  | { kind: 'recovery'; recovery: SharedRecovery }
  /** The leader no longer holds what this tab misses (`cursor`): load a snapshot instead. */
  | { kind: 'catch-up-failed'; cursor: string | null };

/** What reaches the tab that runs the stream, from any tab (itself included): the user's "Reconnect now". */
export type LeaderRequest = { kind: 'reconnect'; from: string };

export interface TabSharingStats {
  sent: number;
  /** Messages the channel refused to send (closed under us, or not cloneable). */
  sendFailed: number;
  received: number;
  /** Messages dropped because they were not valid protocol messages. */
  malformed: number;
  /** Valid envelopes of another protocol version (a tab still running an older build). */
  otherVersion: number;
  /** Catch-up requests this tab sent, and how many of them the leader could not fill. */
  catchUpsSent: number;
  catchUpsFailed: number;
  /** Catch-up requests this tab answered as leader. */
  replaysServed: number;
  /** Times this tab became leader. */
  terms: number;
}

export interface TabSharingOptions {
  env: TabEnv;
  /** BroadcastChannel name (and lock name prefix). Default `rtd-live`. */
  channelName?: string;
  /**
   * Cursor of the last event this tab's store applied (flush any frame buffer first): where a
   * new leader resumes from, and what a follower asks to be caught up from.
   */
  cursor: () => string | null;
  /** Called synchronously on every role change (and when the election mode falls back). */
  onRole(change: RoleChange): void;
  /** Leader heartbeat interval. Default 1000 ms. */
  heartbeatMs?: number;
  /** Leader silence before a follower probes it. Default 1200 ms. */
  leaseMs?: number;
  /** How long a probe may go unanswered before the leader counts as lost. Default 1000 ms (a busy tab answers late). */
  probeTimeoutMs?: number;
  /**
   * How many of its leader's heartbeats a follower waits for the answer to a catch-up request
   * before asking again (holding live events meanwhile). Default 5 (about 5 s). Heartbeats, not
   * a time: on a loaded machine a tab that was just opened, or a leader busy rendering, answers
   * seconds late, and a tab starved of CPU may run a timer of its own before the answer that
   * waits in its queue; the leader's messages reach it in order, so a heartbeat handled before
   * the answer means the answer has not been sent yet. A leader that falls silent is the leader
   * watch's business (`leaseMs`, `probeTimeoutMs`), and ends the wait too.
   */
  catchUpHeartbeats?: number;
  /** How long a lease claim waits for a better one. Default 300 ms. */
  claimWindowMs?: number;
  /** Events each tab keeps for catch-up. Default 5000. */
  ringCapacity?: number;
}

export interface TabSharing {
  /** This tab's id (random per page load). */
  readonly id: string;
  role(): TabRole;
  mode(): ElectionMode;
  /** Opens the channel and joins the election. Subscribe first: roles are reported from here on. */
  start(): void;
  /** Leader: one stream event, in stream order. Solo: remembered for a later handover. Else ignored. */
  publish(item: StreamItem): void;
  /** Leader: the connection's status after each transition (remembered, and sent to newcomers). */
  publishStatus(status: SharedStatus): void;
  /** Leader: a recovery report for every tab's toast. */
  publishRecovery(recovery: SharedRecovery): void;
  /** Follower: everything to apply. Returns the unsubscribe. */
  onMessage(listener: (message: FollowerMessage) => void): () => void;
  /** Leader (and solo): requests to act on, from followers and from this tab. Returns the unsubscribe. */
  onRequest(listener: (request: LeaderRequest) => void): () => void;
  /** The user's "Reconnect now", wherever the stream runs: to the leader, or back to this tab's `onRequest`. */
  requestReconnect(): void;
  /** Follower: the store found a hole; ask the leader for what is missing. */
  requestCatchUp(): void;
  /**
   * Follower: a catch-up request may still be answered (bounded by `catchUpHeartbeats`). Live
   * events that arrive meanwhile are ahead of what the answer brings; follower-apply.ts holds them
   * until it came, so the store does not count a hole the answer is about to fill.
   */
  catchingUp(): boolean;
  /** Stops leading and standing for election (pagehide, freeze): another tab takes over at once. */
  resign(): void;
  /** Stands again after `resign()` (pageshow, resume), catching up on what was missed. */
  rejoin(): void;
  close(): void;
  stats(): TabSharingStats;
}
