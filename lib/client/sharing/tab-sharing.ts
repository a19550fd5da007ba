import { createCatchUp } from './catch-up';
import { compareCursors, cursorEpoch } from './cursor-order';
import { createLeaderWatch, outranks, type LeaderWatch } from './leader-watch';
import { createLockElection, type LockElection } from './lock-election';
import {
  decodeTabMessage,
  encodeTabMessage,
  MAX_ITEMS_PER_MESSAGE,
  type CatchUpReason,
  type SequencedItem,
  type SharedStatus,
  type TabEnvelope,
  type TabMessage,
} from './protocol';
import { DEFAULT_RING_CAPACITY, ReplayRing } from './replay-ring';
import type { TabChannel } from './tab-env';
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
 * one leader and carries its stream to the others. Framework-free: what a role means for the
 * stream is the shared source's business (shared-source.ts); the roles are listed in types.ts.
 *
 * Election: Web Locks where available (lock-election.ts), else a lease over the channel
 * (leader-watch.ts). Handover without loss: every tab keeps a replay ring of the events it
 * applied; a new leader resumes from its own cursor, and any tab behind asks it to catch up.
 */

/** The `reason` a `reconnect` message carries: words for logs (the leader acts on the kind alone). */
const RECONNECT_WORDS = 'reconnect requested by the user';

export function createTabSharing(options: TabSharingOptions): TabSharing {
  const { env } = options;
  const id = env.randomId();
  const channelName = options.channelName ?? 'rtd-live';
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 1000;
  const catchUpTimeoutMs = options.catchUpTimeoutMs ?? 5000;
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
  let channel: TabChannel | null = null;
  let locks: LockElection | null = null;
  let watch: LeaderWatch | null = null;
  /** Highest leadership term heard of; a new leader takes a higher one. */
  let maxTerm = 0;
  let myTerm = 0;
  let leader: { id: string; term: number } | null = null;
  /**
   * Whether the leader this tab follows answered a join (it sends its status with the answer,
   * or broadcasts it once it has one) or sent its status.
   */
  let leaderStatusHeard = false;
  let heartbeat: unknown = null;
  let lastStatus: SharedStatus | null = null;
  /** The last status delivered, so a status sent twice (two newcomers asking) shows once. */
  let deliveredStatus = '';
  let paused = false;
  let started = false;

  // ── plumbing ────────────────────────────────────────────────────────────────

  let reportedLeader: string | null = null;
  /** Reports a new role, or a follower's new leader (for the stream inspector). */
  const setRole = (next: TabRole, reason: string) => {
    const leaderId = next === 'leader' ? id : next === 'follower' ? (leader?.id ?? null) : null;
    if (next === role && leaderId === reportedLeader) return;
    role = next;
    reportedLeader = leaderId;
    options.onRole({ role, mode, reason, leaderId });
  };

  /**
   * Events the leader published in this task, not yet posted. A network chunk carries a whole
   * producer tick (every feed at once), and its events are published one by one in the same
   * task: posting each one alone cost a fifth of a busy leader's CPU at ~2,000 events/s
   * (docs/performance.md). So they go out as one `items` message when the task ends (a
   * microtask: no timer, no added latency), and before any other message, to keep the order.
   */
  let outbox: SequencedItem[] = [];
  let outboxTerm = 0;
  const flushOutbox = () => {
    if (outbox.length === 0) return;
    const items = outbox;
    outbox = [];
    for (let i = 0; i < items.length; i += MAX_ITEMS_PER_MESSAGE) {
      post({ kind: 'items', term: outboxTerm, items: items.slice(i, i + MAX_ITEMS_PER_MESSAGE) });
    }
  };
  const enqueue = (entry: SequencedItem) => {
    // A new term (stepped down and led again within one task) must not label older events.
    if (outbox.length > 0 && outboxTerm !== myTerm) flushOutbox();
    outboxTerm = myTerm;
    outbox.push(entry);
    // Microtasks are not time: the injected env fakes timers, not this.
    if (outbox.length === 1) queueMicrotask(flushOutbox);
  };

  const send = (message: TabMessage) => {
    flushOutbox();
    post(message);
  };

  const post = (message: TabMessage) => {
    if (!channel) return;
    try {
      channel.postMessage(encodeTabMessage(id, message));
      stats.sent += 1;
    } catch {
      // A channel closed under us (page teardown) or a message it cannot clone: nothing to
      // retry, but counted, so the inspector can show it.
      stats.sendFailed += 1;
    }
  };

  const deliver = (message: FollowerMessage) => messageListeners.forEach((listener) => listener(message));
  const dispatch = (request: LeaderRequest) => requestListeners.forEach((listener) => listener(request));

  /** Terms come from the wall clock (shared by all tabs), so a new leader outranks every earlier one, even one it never heard of. */
  const nextTerm = () => Math.max(maxTerm + 1, Math.floor(env.now()));

  // ── leading ─────────────────────────────────────────────────────────────────

  const announce = () => {
    const cursor = ring.last();
    send({ kind: 'announce', term: myTerm, epoch: cursorEpoch(cursor) ?? lastStatus?.epoch ?? null, cursor });
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

  const becomeLeader = (term: number, reason: string) => {
    if (paused || role === 'closed') {
      locks?.leave();
      return;
    }
    myTerm = term;
    maxTerm = Math.max(maxTerm, term);
    leader = { id, term };
    catchUp.clear();
    watch?.stop();
    stats.terms += 1;
    // The stream resumes from what this tab applied; the ring must describe the same run.
    const cursor = options.cursor();
    if (ring.last() !== cursor) ring.resetTo(cursor);
    lastStatus = null;
    setRole('leader', reason);
    announce();
    stopHeartbeat();
    beat();
  };

  const stepDown = (reason: string) => {
    stopHeartbeat();
    leader = null;
    if (locks) {
      locks.leave();
      if (!paused) locks.join();
    }
    becomeFollower(reason);
  };

  const answerCatchUp = (from: string, requestId: string, cursor: string | null, reason: CatchUpReason) => {
    const items = ring.after(cursor);
    stats.replaysServed += 1;
    send({ kind: 'replay', term: myTerm, to: from, requestId, ok: items !== null, items: items ?? [] });
    if (reason === 'join' && lastStatus) send({ kind: 'status', term: myTerm, status: lastStatus });
  };

  // ── following ───────────────────────────────────────────────────────────────

  const catchUp = createCatchUp({
    env,
    ring,
    cursor: options.cursor,
    timeoutMs: catchUpTimeoutMs,
    send: (message) => {
      stats.catchUpsSent += 1;
      send(message);
    },
  });

  const requestCatchUp = (reason: CatchUpReason) => {
    if (role === 'follower' || role === 'electing') catchUp.request(reason);
  };

  const becomeFollower = (reason: string) => {
    if (paused || role === 'closed') return;
    setRole('follower', reason);
    // Ask at once: it finds the leader, and brings what the store lacks.
    watch?.watch(true);
  };

  const onLeaderLost = () => {
    leader = null;
    if (mode === 'lease') watch?.claim(nextTerm());
    // With locks, the browser picks the next leader; this tab only stops waiting for a silent one.
    else setRole('solo', 'the leader tab does not answer: running our own stream until it does');
  };

  /**
   * A message from a tab acting as leader. Returns whether it is the leader this tab follows
   * (a deposed leader's last messages still arrive for a moment).
   */
  const heardLeader = (from: string, term: number): boolean => {
    maxTerm = Math.max(maxTerm, term);
    if (role === 'leader') {
      // Split-brain guard: two leaders never last longer than one message.
      if (!outranks(term, from, myTerm, id)) {
        announce();
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
      leaderStatusHeard = false;
    }
    watch?.heard();
    setRole('follower', `following tab ${from}`);
    // A new leader: ask it for what we lack (a join sent before it led went unanswered).
    if (isNew) requestCatchUp('join');
    return true;
  };

  const onReplay = (message: Extract<TabMessage, { kind: 'replay' }>) => {
    const answer = message.to === id ? catchUp.answer(message) : null;
    if (!answer) return;
    if (answer.reason === 'join') leaderStatusHeard = true;
    if (!answer.ok) {
      stats.catchUpsFailed += 1;
      deliver({ kind: 'catch-up-failed', cursor: answer.cursor });
      return;
    }
    for (const item of answer.items) deliver({ kind: 'item', item });
  };

  const onAnnounce = (cursor: string | null) => {
    if (role !== 'follower' || catchUp.inFlight()) return;
    // Our join to this leader was never answered (lost, or sent before it led): ask again, or
    // this tab would show `connecting` for as long as the leader's connection does not change.
    if (!leaderStatusHeard) return requestCatchUp('join');
    if (cursor === null) return;
    // Messages from one sender arrive in order: a leader ahead of what we applied means we lost
    // some. The store's cursor, not the ring's: a snapshot may have moved the store on since.
    const mine = options.cursor();
    if (mine !== cursor && (mine === null || compareCursors(mine, cursor) !== 1)) requestCatchUp('gap');
  };

  // ── incoming ────────────────────────────────────────────────────────────────

  const onLeaderItem = ({ item, prev }: SequencedItem) => {
    if (role === 'leader' || paused) return;
    // Even a deposed leader's last events are real server events: the merge sorts them out.
    ring.record(item, prev);
    // A reset is not idempotent in the store (it counts, and it tells the user). A tab may
    // already be past it: it led and got the same reset, or its first paint came after it.
    if (item.kind === 'reset' && catchUp.alreadyApplied(item.cursor)) return;
    deliver({ kind: 'item', item });
  };

  const onData = (raw: unknown) => {
    const decoded = decodeTabMessage(raw);
    if (!decoded.ok) {
      if (decoded.error === 'other_version') stats.otherVersion += 1;
      else stats.malformed += 1;
      return;
    }
    const message: TabEnvelope = decoded.envelope;
    if (message.from === id || role === 'closed') return;
    stats.received += 1;
    switch (message.kind) {
      case 'announce':
        if (heardLeader(message.from, message.term)) onAnnounce(message.cursor);
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
        if (heardLeader(message.from, message.term)) {
          leaderStatusHeard = true;
          lastStatus = message.status;
          const serial = JSON.stringify(message.status);
          if (serial !== deliveredStatus) deliver({ kind: 'status', status: message.status });
          deliveredStatus = serial;
        }
        return;
      case 'recovery':
        if (heardLeader(message.from, message.term)) deliver({ kind: 'recovery', recovery: message.recovery });
        return;
      case 'replay':
        heardLeader(message.from, message.term);
        onReplay(message);
        return;
      case 'catch-up':
        if (role === 'leader') answerCatchUp(message.from, message.requestId, message.cursor, message.reason);
        return;
      case 'reconnect':
        if (role === 'leader') dispatch({ kind: 'reconnect', from: message.from });
        return;
      case 'claim':
        maxTerm = Math.max(maxTerm, message.term);
        if (role === 'leader') announce();
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

  const openChannel = (): TabChannel | null => {
    try {
      return env.createChannel(channelName);
    } catch {
      return null;
    }
  };

  return {
    id,
    role: () => role,
    mode: () => mode,
    start() {
      if (started) return;
      started = true;
      channel = openChannel();
      if (!channel) {
        setRole('solo', 'BroadcastChannel is unavailable: this tab runs its own stream');
        return;
      }
      channel.listen(onData);
      watch = createLeaderWatch({
        env,
        leaseMs: options.leaseMs ?? 1200,
        probeTimeoutMs,
        claimWindowMs: options.claimWindowMs ?? 300,
        probe: () => requestCatchUp(leader === null ? 'join' : 'probe'),
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
      if (role === 'leader') {
        const prev = ring.last();
        const outcome = ring.record(item, prev);
        enqueue({ item, prev: outcome === 'duplicate' ? null : prev });
      } else if (role === 'solo') ring.record(item, ring.last());
    },
    publishStatus(status) {
      lastStatus = status;
      if (role === 'leader') send({ kind: 'status', term: myTerm, status });
    },
    publishRecovery(recovery) {
      if (role === 'leader') send({ kind: 'recovery', term: myTerm, recovery });
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
    requestCatchUp: () => requestCatchUp('gap'),
    catchingUp: () => (role === 'follower' || role === 'electing') && catchUp.inFlight(),
    resign() {
      if (paused || role === 'closed' || mode === 'none') return;
      paused = true;
      const wasLeading = role === 'leader';
      if (wasLeading) send({ kind: 'goodbye', term: myTerm });
      stopHeartbeat();
      locks?.leave();
      watch?.stop();
      catchUp.clear();
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
      flushOutbox();
      if (role === 'leader') send({ kind: 'goodbye', term: myTerm });
      stopHeartbeat();
      locks?.leave();
      watch?.stop();
      channel?.close();
      channel = null;
      setRole('closed', 'closed');
      messageListeners.clear();
      requestListeners.clear();
    },
    stats: () => ({ ...stats }),
  };
}
