import 'server-only';
import { logger, logRepeated } from './observability/logger';

const log = logger('write-queue');

/**
 * The one queue through which every open stream of a process writes, in slices: what keeps the
 * server ahead when it has more to write than time to write it.
 *
 * A stream does not write a tick the moment the bus hands it over: it keeps the bytes and queues
 * itself here (once). The queue starts on the next microtask, right after the bus has handed the
 * tick to every stream, so a server with time to spare writes exactly as before, one chunk per
 * stream per tick, with no added latency. It writes `sliceSize` streams, then yields to the event
 * loop (new connections, health checks and the producer's next tick get their turn) and goes on.
 *
 * Under load, a round over all streams takes longer than a tick. A stream still waiting for its
 * turn when the next tick arrives then just appends to the bytes it holds, and writes both ticks
 * as one chunk when its turn comes. Most of a write's cost is per chunk, not per byte (the web
 * stream hop of a route handler, the socket write), so the more the server falls behind, the
 * fewer chunks it writes per event, and it catches up instead of falling further behind. That is
 * how Centrifugo's per-connection writers merge messages queued behind a write in progress; no
 * tick is delayed on purpose, and no event is dropped or reordered.
 */

export interface QueuedWriter {
  /** Writes what the writer holds, as one chunk. Called once per `add`. */
  flush(): void;
}

export interface WriteQueueOptions {
  /** Streams written before yielding to the event loop. Default 256 (a few ms of work). */
  sliceSize?: number;
  /** How the next slice is scheduled. Default `setImmediate`: after pending I/O and due timers. */
  yieldTo?: (next: () => void) => void;
}

export class WriteQueue {
  private readonly sliceSize: number;
  private readonly yieldTo: (next: () => void) => void;
  private readonly queue: (QueuedWriter | null)[] = [];
  private head = 0;
  private running = false;

  constructor(options: WriteQueueOptions = {}) {
    this.sliceSize = options.sliceSize ?? 256;
    this.yieldTo = options.yieldTo ?? setImmediate;
  }

  /** Writers waiting for their turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Queues a writer for its turn; the caller adds it once until its `flush` has run. */
  add(writer: QueuedWriter): void {
    this.queue.push(writer);
    if (this.running) return;
    this.running = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    const end = Math.min(this.queue.length, this.head + this.sliceSize);
    while (this.head < end) {
      const writer = this.queue[this.head]!;
      this.queue[this.head] = null;
      this.head += 1;
      try {
        writer.flush();
      } catch (error) {
        // One stream's failure must not stall every other stream's writes.
        logRepeated(log, 'error', 'a stream failed to write', { err: error }, 'a stream failed to write');
      }
    }
    if (this.head < this.queue.length) {
      this.yieldTo(this.run);
      return;
    }
    this.queue.length = 0;
    this.head = 0;
    this.running = false;
  };
}
