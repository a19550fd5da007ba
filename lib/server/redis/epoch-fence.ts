import 'server-only';
import { newEpoch } from '@/lib/sse/cursor';
import type { FenceAnswer, StreamLog } from './stream-log';

/**
 * The epoch check every instance runs: at start (the bootstrap) and then every `everyMs`. A
 * flush, an eviction of the epoch record, or a restart/restore of Redis (a new `run_id`) is
 * noticed within about a second, and the first instance to notice starts the one new epoch
 * the others then adopt (`FENCE` in scripts.ts).
 *
 * Failed checks (timeout, OOM under `noeviction`, READONLY after a failover, BUSY) mark the
 * instance unavailable and are retried with backoff until Redis answers: recovery needs no
 * reconnect and no restart.
 */

export interface EpochFenceOptions {
  log: StreamLog;
  /** Check interval while Redis answers. Default 1000 ms. */
  everyMs?: number;
  /** Longest wait between retries after failures. Default 2000 ms. */
  maxBackoffMs?: number;
  /**
   * Consecutive failed checks before a working instance calls itself unavailable (one slow
   * reply on a busy event loop must not end every stream). Default 2: with the defaults, a
   * stalled Redis is reported within about 3 s.
   */
  failuresBeforeUnavailable?: number;
  /** Every successful check, with its answer. */
  onAnswer(answer: FenceAnswer): void;
  /** False when a check failed, true when one succeeds again (transitions only). */
  onHealth(ok: boolean, error?: unknown): void;
}

export interface EpochFence {
  start(): void;
  stop(): void;
  /** Checks now (coalesced with a check already running); resolves when it is done. */
  check(): Promise<void>;
  /** Starts a new epoch unconditionally (the bump-epoch fault). */
  rotate(): Promise<void>;
  readonly ok: boolean;
}

export function createEpochFence(options: EpochFenceOptions): EpochFence {
  const everyMs = options.everyMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  const failuresBeforeUnavailable = options.failuresBeforeUnavailable ?? 2;
  let ok = false;
  let failures = 0;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<void> | null = null;

  const settle = (answer: FenceAnswer | null, error?: unknown) => {
    if (answer) {
      failures = 0;
      options.onAnswer(answer);
      if (!ok) options.onHealth((ok = true));
    } else {
      failures += 1;
      if (ok && failures >= failuresBeforeUnavailable) options.onHealth((ok = false), error);
      // Never worked yet (a failed bootstrap): say so once.
      else if (!ok && failures === 1) options.onHealth(false, error);
    }
  };

  const run = (force: boolean) =>
    options.log.fence(newEpoch(), force).then(
      (answer) => settle(answer),
      (error: unknown) => settle(null, error),
    );

  const schedule = () => {
    if (!running) return;
    if (timer) clearTimeout(timer);
    const delay = failures === 0 ? everyMs : Math.min(100 * 2 ** failures, maxBackoffMs);
    timer = setTimeout(() => void check().finally(schedule), delay);
    timer.unref();
  };

  const check = () => {
    inflight ??= run(false).finally(() => (inflight = null));
    return inflight;
  };

  return {
    start() {
      if (running) return;
      running = true;
      void check().finally(schedule);
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    check,
    async rotate() {
      await inflight;
      await run(true);
    },
    get ok() {
      return ok;
    },
  };
}
