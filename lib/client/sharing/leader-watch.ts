import type { TabEnv } from './tab-env';

/**
 * A follower's view of its leader's health, and the lease election that runs when the leader is
 * gone (used where Web Locks are missing; with locks, the browser decides and a lost leader only
 * makes this tab fall back to its own stream).
 *
 *   hearing the leader ──silent for leaseMs──▶ probe ──no answer in probeTimeoutMs──▶ lost
 *
 * Any message from the leader counts as a sign of life, not only its heartbeat: a leader in a
 * hidden tab runs its timers late (Chrome throttles them), but a busy stream still delivers.
 * The probe is a direct question the leader answers from its message handler, so a merely slow
 * heartbeat never triggers an election; only a frozen or dead leader does.
 *
 * Lease claim: a candidate announces `claim(term)` and waits `claimWindowMs`. A better claim
 * (higher term, or same term and smaller tab id) or any leader message makes it stand down;
 * otherwise it leads. Two claims that cross both see each other, so exactly one stands.
 */

export interface LeaderWatchOptions {
  env: Pick<TabEnv, 'now' | 'setTimeout' | 'clearTimeout'>;
  /** Silence after which the leader is probed. */
  leaseMs: number;
  /** How long a probe may go unanswered before the leader counts as lost. */
  probeTimeoutMs: number;
  /** How long a claim waits for a better one. */
  claimWindowMs: number;
  /** Ask the leader to answer now (a catch-up request). */
  probe(): void;
  /** The leader is lost: claim (lease election) or fall back to a stream of our own (locks). */
  onLost(): void;
  /** Broadcast our claim. */
  sendClaim(term: number): void;
  /** Our claim stood: lead with this term. */
  onWon(term: number): void;
}

export interface LeaderWatch {
  /** Starts (or restarts) watching, as if the leader had just been heard. `probeNow`: start with a probe. */
  watch(probeNow?: boolean): void;
  /** A message from a leader arrived. */
  heard(): void;
  /** Starts a lease claim with `term` (unless one is running). */
  claim(term: number): void;
  /** Another tab claimed; returns true if our running claim stood down. */
  otherClaim(term: number, id: string, ourId: string): boolean;
  readonly claiming: boolean;
  stop(): void;
}

/** Claim precedence: higher term, then smaller id. */
export function outranks(term: number, id: string, otherTerm: number, otherId: string): boolean {
  return term !== otherTerm ? term > otherTerm : id < otherId;
}

export function createLeaderWatch(options: LeaderWatchOptions): LeaderWatch {
  const { env } = options;
  let lastHeardAt = env.now();
  /** A probe is out, and whether anything from the leader arrived since it was sent. */
  let probing = false;
  let answered = false;
  let timer: unknown = null;
  let claimTerm: number | null = null;
  let claimTimer: unknown = null;
  let watching = false;

  const clearTimer = () => {
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
  };
  const arm = (ms: number, run: () => void) => {
    clearTimer();
    timer = env.setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };

  const sendProbe = () => {
    probing = true;
    answered = false;
    options.probe();
    arm(options.probeTimeoutMs, onProbeExpired);
  };

  const onSilence = () => {
    const quietFor = env.now() - lastHeardAt;
    if (quietFor < options.leaseMs) arm(options.leaseMs - quietFor, onSilence);
    else sendProbe();
  };

  const onProbeExpired = () => {
    probing = false;
    if (answered) {
      onSilence();
      return;
    }
    watching = false;
    options.onLost();
  };

  const stopClaim = () => {
    if (claimTimer !== null) env.clearTimeout(claimTimer);
    claimTimer = null;
    claimTerm = null;
  };

  return {
    get claiming() {
      return claimTerm !== null;
    },
    watch(probeNow = false) {
      watching = true;
      lastHeardAt = env.now();
      probing = false;
      if (probeNow) sendProbe();
      else arm(options.leaseMs, onSilence);
    },
    heard() {
      lastHeardAt = env.now();
      if (probing) answered = true;
      if (claimTerm !== null) {
        // A leader exists after all: stand down and watch it instead.
        stopClaim();
        this.watch();
      } else if (!watching) this.watch();
    },
    claim(term) {
      if (claimTerm !== null) return;
      clearTimer();
      watching = false;
      claimTerm = term;
      options.sendClaim(term);
      claimTimer = env.setTimeout(() => {
        claimTimer = null;
        const won = claimTerm;
        claimTerm = null;
        if (won !== null) options.onWon(won);
      }, options.claimWindowMs);
    },
    otherClaim(term, id, ourId) {
      if (claimTerm === null) {
        // Someone is electing: give them a lease's time before doubting the result.
        if (watching) lastHeardAt = env.now();
        return false;
      }
      if (outranks(claimTerm, ourId, term, id)) return false;
      stopClaim();
      this.watch();
      return true;
    },
    stop() {
      clearTimer();
      stopClaim();
      watching = false;
      probing = false;
    },
  };
}
