import { createFollowing } from './following';
import { createLeaderWatch, outranks, type LeaderWatch } from './leader-watch';
import { createLeading } from './leading';
import { createLockElection, type LockElection } from './lock-election';
import type { SequencedItem, TabEnvelope, TabMessage } from './protocol';
import { DEFAULT_RING_CAPACITY, ReplayRing } from './replay-ring';
import { createTabLink } from './tab-link';
import type {
  ElectionMode,
  FollowerMessage,
  LeaderRequest,
  TabRole,
  TabSharing,
  TabSharingOptions,
  TabSharingStats,
} from './types';

/**
 * One SSE stream per browser profile and origin, shared by its tabs: `createTabSharing` elects
 * one leader and carries its stream to the others. This file is the roles' state machine: who
 * leads, who follows, and when that changes (election, split-brain guard, resign, rejoin, close),
 * plus the routing of each incoming message to the role it concerns. What a tab does in a role is
 * beside it: leading.ts (what a leader sends), following.ts (what a follower does with it),
 * tab-link.ts (the channel). Slightly over 300 lines on purpose: the transitions read best together.
 *
 * Framework-free: what a role means for the stream is the shared source's business
 * (shared-source.ts); the roles are listed in types.ts. Election: Web Locks where available
 * (lock-election.ts), else a lease over the channel (leader-watch.ts). Handover without loss:
 * every tab keeps a replay ring of the events it applied; a new leader resumes from its own
 * cursor, and any tab behind asks it to catch up.
 */

/** The `reason` a `reconnect` message carries: words for logs (the leader acts on the kind alone). */
const RECONNECT_WORDS = 'reconnect requested by the user';

export function createTabSharing(options: TabSharingOptions): TabSharing {
  const { env } = options;
  const id = env.randomId();
  const channelName = options.channelName ?? 'rtd-live';
  const ring = new ReplayRing(options.ringCapacity ?? DEFAULT_RING_CAPACITY);
  const messageListeners = new Set<(message: FollowerMessage) => void>();
  const requestListeners = new Set<(request: LeaderRequest) => void>();
  const stats: TabSharingStats = {
    sent: 0,
    sendFailed: 0,
    received: 0,
    malformed: 0,
    otherVersion: 0,
    catchUpsSent: 0,
    catchUpsFailed: 0,
    replaysServed: 0,
    terms: 0,
  };

  let role: TabRole = 'electing';
  let mode: ElectionMode = 'none';
  let locks: LockElection | null = null;
  let watch: LeaderWatch | null = null;
  /** Highest leadership term heard of; a new leader takes a higher one. */
  let maxTerm = 0;
  /** The leader this tab follows (itself while it leads). */
  let leader: { id: string; term: number } | null = null;
  /** Resigned (the page is hidden or frozen): stands for nothing until `rejoin()`. */
  let paused = false;
  let started = false;

  const deliver = (message: FollowerMessage) => messageListeners.forEach((listener) => listener(message));
  const dispatch = (request: LeaderRequest) => requestListeners.forEach((listener) => listener(request));

  const link = createTabLink({ env, channelName, id, stats });
  const send = (message: TabMessage) => link.send(message);
  const leading = createLeading({ env, link, ring, heartbeatMs: options.heartbeatMs ?? 1000, stats });
  const following = createFollowing({
    env,
    id,
    ring,
    cursor: options.cursor,
    catchUpHeartbeats: options.catchUpHeartbeats ?? 5,
    send,
    deliver,
    mayAsk: () => role === 'follower' || role === 'electing',
    stats,
  });

  let reportedLeader: string | null = null;
  /** Reports a new role, or a follower's new leader (for the stream inspector). */
  const setRole = (next: TabRole, reason: string) => {
    const leaderId = next === 'leader' ? id : next === 'follower' ? (leader?.id ?? null) : null;
    if (next === role && leaderId === reportedLeader) return;
    role = next;
    reportedLeader = leaderId;
    options.onRole({ role, mode, reason, leaderId });
  };

  /** Terms come from the wall clock (shared by all tabs), so a new leader outranks every earlier one, even one it never heard of. */
  const nextTerm = () => Math.max(maxTerm + 1, Math.floor(env.now()));

  // ── role changes ─────────────────────────────────────────────────────────────

  const becomeLeader = (term: number, reason: string) => {
    if (paused || role === 'closed') {
      locks?.leave();
      return;
    }
    maxTerm = Math.max(maxTerm, term);
    leader = { id, term };
    following.clear();
    watch?.stop();
    stats.terms += 1;
    // The stream resumes from what this tab applied; the ring must describe the same run.
    leading.begin(term, options.cursor());
    setRole('leader', reason);
    leading.startHeartbeat();
  };

  const becomeFollower = (reason: string) => {
    if (paused || role === 'closed') return;
    setRole('follower', reason);
    // Ask at once: it finds the leader, and brings what the store lacks.
    watch?.watch(true);
  };

  const stepDown = (reason: string) => {
    leading.stopHeartbeat();
    leader = null;
    if (locks) {
      locks.leave();
      if (!paused) locks.join();
    }
    becomeFollower(reason);
  };

  const onLeaderLost = () => {
    leader = null;
    if (mode === 'lease') watch?.claim(nextTerm());
    // With locks, the browser picks the next leader; this tab only stops waiting for a silent one.
    else {
      setRole('solo', 'the leader tab does not answer: running our own stream until it does');
      // Going solo dropped the live events held for a catch-up (shared-source.ts): the ring must
      // describe what the store applied, as a new leader's does. Still listing them, it would make
      // the catch-up sent when this tab follows again skip them as received: a hole in every feed
      // the server could still fill, counted as a gap and then given up as lost.
      const cursor = options.cursor();
      if (ring.last() !== cursor) ring.resetTo(cursor);
    }
  };

  /**
   * A message from a tab acting as leader. Returns whether it is the leader this tab follows
   * (a deposed leader's last messages still arrive for a moment).
   */
  const heardLeader = (from: string, term: number): boolean => {
    maxTerm = Math.max(maxTerm, term);
    if (role === 'leader') {
      // Split-brain guard: two leaders never last longer than one message.
      if (!outranks(term, from, leading.term(), id)) {
        leading.announce();
        return false;
      }
      stepDown(`tab ${from} leads with a newer term`);
    }
    if (paused || role === 'closed' || mode === 'none') return false;
    const isCurrent = leader !== null && leader.id === from && leader.term === term;
    const isNew = !isCurrent && (leader === null || outranks(term, from, leader.term, leader.id));
    if (!isCurrent && !isNew) return false;
    if (isNew) {
      leader = { id: from, term };
      following.newLeader();
    }
    watch?.heard();
    setRole('follower', `following tab ${from}`);
    // A new leader: ask it for what we lack (a join sent before it led went unanswered).
    if (isNew) following.ask('join');
    return true;
  };

  // ── incoming ────────────────────────────────────────────────────────────────

  /** Events from a leader are applied by every tab that does not lead and is not resigned. */
  const onLeaderItem = (entry: SequencedItem) => {
    if (role !== 'leader' && !paused) following.item(entry);
  };

  const onEnvelope = (message: TabEnvelope) => {
    if (role === 'closed') return;
    stats.received += 1;
    switch (message.kind) {
      case 'announce':
        if (!heardLeader(message.from, message.term) || role !== 'follower') return;
        // Shown once: the same status again changes nothing (following.ts).
        if (message.status) following.status(message.status);
        following.announce(message.cursor);
        return;
      case 'item':
        heardLeader(message.from, message.term);
        onLeaderItem(message);
        return;
      case 'items':
        heardLeader(message.from, message.term);
        for (const entry of message.items) onLeaderItem(entry);
        return;
      case 'status':
        if (heardLeader(message.from, message.term)) following.status(message.status);
        return;
      case 'recovery':
        if (heardLeader(message.from, message.term)) deliver({ kind: 'recovery', recovery: message.recovery });
        return;
      case 'replay':
        heardLeader(message.from, message.term);
        following.replay(message);
        return;
      case 'catch-up':
        if (role === 'leader') leading.answer(message.from, message.requestId, message.cursor, message.reason);
        return;
      case 'reconnect':
        if (role === 'leader') dispatch({ kind: 'reconnect', from: message.from });
        return;
      case 'claim':
        maxTerm = Math.max(maxTerm, message.term);
        if (role === 'leader') leading.announce();
        else watch?.otherClaim(message.term, message.from, id);
        return;
      case 'goodbye':
        if (leader?.id !== message.from || paused) return;
        leader = null;
        // Without locks nobody hands over: claim now instead of waiting out the lease.
        if (mode === 'lease' && role !== 'leader') watch?.claim(nextTerm());
        return;
    }
  };

  // ── starting ────────────────────────────────────────────────────────────────

  const startLease = (reason: string) => {
    mode = 'lease';
    locks = null;
    // Look for a leader first; a probe nobody answers ends in a claim.
    if (role === 'electing' || role === 'follower') watch?.watch(true);
    options.onRole({ role, mode, reason, leaderId: leader?.id ?? null });
  };

  return {
    id,
    role: () => role,
    mode: () => mode,
    start() {
      if (started) return;
      started = true;
      if (!link.open(onEnvelope)) {
        setRole('solo', 'BroadcastChannel is unavailable: this tab runs its own stream');
        return;
      }
      watch = createLeaderWatch({
        env,
        leaseMs: options.leaseMs ?? 1200,
        probeTimeoutMs: options.probeTimeoutMs ?? 1000,
        claimWindowMs: options.claimWindowMs ?? 300,
        probe: () => following.ask(leader === null ? 'join' : 'probe'),
        onLost: onLeaderLost,
        sendClaim: (term) => send({ kind: 'claim', term }),
        onWon: (term) => becomeLeader(term, 'lease claim stood: no other leader answered'),
      });
      if (!env.locks) {
        startLease('Web Locks are unavailable: electing by lease over BroadcastChannel');
        return;
      }
      mode = 'locks';
      locks = createLockElection(env.locks, `${channelName}:leader`, {
        onGranted: () => becomeLeader(nextTerm(), 'holds the leader lock'),
        onQueued: () => becomeFollower('another tab holds the leader lock'),
        onBroken: (error) =>
          startLease(`Web Locks refused (${error instanceof Error ? error.name : 'error'}): electing by lease`),
      });
      locks.join();
    },
    publish(item) {
      if (role === 'leader') leading.publish(item);
      else if (role === 'solo') ring.record(item, ring.last());
    },
    publishStatus(status) {
      leading.status(status, role === 'leader');
    },
    publishRecovery(recovery) {
      if (role === 'leader') leading.recovery(recovery);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onRequest(listener) {
      requestListeners.add(listener);
      return () => requestListeners.delete(listener);
    },
    requestReconnect() {
      if (role === 'follower' || role === 'electing') send({ kind: 'reconnect', reason: RECONNECT_WORDS });
      else if (role !== 'closed') dispatch({ kind: 'reconnect', from: id });
    },
    requestCatchUp: () => following.ask('gap'),
    catchingUp: () => (role === 'follower' || role === 'electing') && following.inFlight(),
    resign() {
      if (paused || role === 'closed' || mode === 'none') return;
      paused = true;
      if (role === 'leader') leading.goodbye();
      leading.stopHeartbeat();
      locks?.leave();
      watch?.stop();
      following.clear();
      leader = null;
      if (role !== 'follower') {
        role = 'follower';
        options.onRole({ role, mode, reason: 'resigned: the page is hidden or frozen', leaderId: null });
      }
    },
    rejoin() {
      if (!paused || role === 'closed') return;
      paused = false;
      // A handover may have happened meanwhile: find the leader again and catch up on what we missed.
      if (locks) locks.join();
      watch?.watch(true);
    },
    close() {
      if (role === 'closed') return;
      link.flush();
      if (role === 'leader') leading.goodbye();
      leading.stopHeartbeat();
      locks?.leave();
      watch?.stop();
      link.close();
      setRole('closed', 'closed');
      messageListeners.clear();
      requestListeners.clear();
    },
    stats: () => ({ ...stats }),
  };
}
