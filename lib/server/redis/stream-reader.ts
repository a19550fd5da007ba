import 'server-only';
import type { Redis } from 'ioredis';
import { decodeEntry, type LogEntry } from './stream-log';

/**
 * The one blocking `XREAD` loop of an instance, on its own connection: Redis sees one reader per
 * instance, not one per client, and each read is fanned out as one batch.
 *
 * It also checks what XREAD cannot say by itself: every entry carries its index `n` in the
 * epoch, so a read whose first entry is not `n + 1` of the reader's position means entries were
 * trimmed before this instance read them (a tiny capacity, a long stall). That is reported as
 * a gap, never passed on as if the feed were contiguous.
 */

export interface StreamReaderOptions {
  /** A connection for this loop alone (XREAD BLOCK holds it), with a command timeout above `blockMs`. */
  redis: Redis;
  stream: string;
  /** How long one XREAD blocks. */
  blockMs: number;
  /** The entries after the position, oldest first. `token` is the `moveTo` they were read under. */
  onEntries(entries: LogEntry[], token: number): void;
  /** Entries between the position and this read were trimmed unread; the position moved past them. */
  onGap(token: number): void;
  /** False when a read failed (Redis stalled or unreachable), true when one succeeds again. */
  onHealth(ok: boolean): void;
}

export interface StreamReader {
  /** Reads from after entry `id` (index `n`); in-flight reads from an older position are dropped. */
  moveTo(id: string, n: number): number;
  /** The id of the newest entry passed on (or moved to). */
  readonly position: string | null;
  start(): void;
  stop(): void;
}

export function createStreamReader(options: StreamReaderOptions): StreamReader {
  const { redis, stream, blockMs } = options;
  let position: { id: string; n: number } | null = null;
  let token = 0;
  let running = false;
  let failures = 0;
  let wake: (() => void) | null = null;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (wake = null));

  const readOnce = async () => {
    const from = position!;
    const readToken = token;
    const reply = await redis.xread('COUNT', 10_000, 'BLOCK', blockMs, 'STREAMS', stream, from.id);
    if (failures > 0) {
      failures = 0;
      options.onHealth(true);
    }
    if (readToken !== token) return; // moved while reading: this read belongs to an older log
    const entries = (reply?.[0]?.[1] ?? []).flatMap((entry) => decodeEntry(entry) ?? []);
    const last = entries.at(-1);
    if (!last) return;
    position = { id: last.id, n: last.n };
    if (entries[0]!.n !== from.n + 1) options.onGap(readToken);
    else options.onEntries(entries, readToken);
  };

  const loop = async () => {
    let notReadySince: number | null = null;
    while (running) {
      if (position === null) {
        await pause(1000);
        continue;
      }
      // While the connection is (re)connecting, wait for it rather than fail a read: only a
      // connection that stays down longer than a read would block counts as a failure.
      if (redis.status !== 'ready') {
        notReadySince ??= Date.now();
        if (Date.now() - notReadySince < blockMs) {
          await pause(50);
          continue;
        }
      }
      notReadySince = null;
      try {
        await readOnce();
      } catch (error) {
        failures += 1;
        if (failures === 1) options.onHealth(false);
        // A timed-out XREAD is still queued on the socket (a stalled link, a dead host without
        // FIN): reconnect rather than read behind it.
        if (error instanceof Error && /timed out/i.test(error.message)) redis.disconnect(true);
        await pause(Math.min(100 * 2 ** failures, 2000));
      }
    }
  };

  return {
    moveTo(id, n) {
      position = { id, n };
      token += 1;
      wake?.();
      return token;
    },
    get position() {
      return position?.id ?? null;
    },
    start() {
      if (running) return;
      running = true;
      void loop();
    },
    stop() {
      running = false;
      wake?.();
    },
  };
}
