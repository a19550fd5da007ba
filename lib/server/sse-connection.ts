import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Batch } from './bus';
import { encodeBatchFor } from './batch-encoder';
import type { WriteTally } from './observability/server-metrics';
import { encodePlannedEnd, type PlannedEnd, type StreamDeadline } from './planned-end';
import type { StreamSink } from './stream-sink';
import type { QueuedWriter, WriteQueue } from './write-queue';

/**
 * One open SSE stream, whatever carries its bytes (a web stream for the route handler, a Node
 * response for the raw path; see stream-sink.ts), and the bookkeeping that keeps it honest:
 * live batches that arrive before the preamble are held back, a slow reader is cut off instead
 * of buffering without bound, and cleanup runs exactly once however the stream ends.
 *
 * Live bytes (ticks, heartbeats) are not written at once: they wait in `pending` for this
 * stream's turn in the process's write queue (write-queue.ts), which comes right after the bus
 * has handed the tick to every stream; whatever arrives before that turn goes out in the same
 * chunk. The preamble and the in-band end events are written directly, in order with the rest.
 */

export type CloseReason =
  /** The client went away (request aborted or the response body cancelled). */
  | 'client_gone'
  /** More than `maxBacklogBytes` queued: the client resumes by cursor, so nothing is lost. */
  | 'slow_consumer'
  /** The server is shutting down: end the stream cleanly so the client reconnects elsewhere. */
  | 'shutdown'
  /** A server-side failure (bus error). */
  | 'error'
  /** Cut on purpose by the test-only fault route, like a network drop. */
  | 'fault'
  /** Planned rotation (`SSE_MAX_STREAM_MS`), announced in-band with `event: rotate`. */
  | 'rotate'
  /** The session expired or was revoked, announced in-band with `event: auth`. */
  | 'auth';

export interface SseConnectionOptions {
  feeds: ReadonlySet<FeedName>;
  /** `feedSetKey(feeds)`: streams with the same key share encoded bytes. */
  feedKey: string;
  /** `SSE_MAX_BACKLOG_BYTES`. */
  maxBacklogBytes: number;
  /** The session that opened the stream (so a sign-out can end it), or null. Default null. */
  sessionId?: string | null;
  /** When and why this stream ends on its own (planned-end.ts), or null for never. Default null. */
  deadline?: StreamDeadline | null;
  /** Called once, after the stream has ended, whatever the reason. */
  onClose: (connection: SseConnection, reason: CloseReason) => void;
  /** The process's write queue (the registry's `writes`). */
  writes: WriteQueue;
  /**
   * Where events and bytes written are added up for `/api/metrics` (plain numbers, so counting
   * costs an addition per write). Default null: nothing is counted (unit tests; the uncounted run
   * of `npm run bench -- counting`, which prices counting).
   */
  tally?: WriteTally | null;
}

export class SseConnection implements QueuedWriter {
  readonly feeds: ReadonlySet<FeedName>;
  readonly sessionId: string | null;
  readonly deadline: StreamDeadline | null;
  private started = false;
  private held: Batch[] = [];
  private closedWith: CloseReason | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Live bytes waiting for this stream's turn in the write queue; queued iff non-empty. */
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly tally: WriteTally | null;
  /** The in-band end this stream was given (rotation, auth), or null. */
  private plannedEndWith: PlannedEnd | null = null;

  constructor(
    private readonly options: SseConnectionOptions,
    private readonly sink: StreamSink,
  ) {
    this.feeds = options.feeds;
    this.sessionId = options.sessionId ?? null;
    this.deadline = options.deadline ?? null;
    this.tally = options.tally ?? null;
    sink.onGone(() => this.close('client_gone'));
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  get closeReason(): CloseReason | null {
    return this.closedWith;
  }

  /** Why a `rotate` or `auth` close happened (its in-band event), else null. */
  get plannedEnd(): PlannedEnd | null {
    return this.plannedEndWith;
  }

  /** Bytes written but not yet taken by the socket, and bytes waiting for their turn. */
  get backlogBytes(): number {
    return this.sink.backlogBytes + this.pendingBytes;
  }

  /** Hands over the bus subscription's teardown; runs at once if the stream already closed. */
  attach(unsubscribe: () => void): void {
    if (this.closed) unsubscribe();
    else this.unsubscribe = unsubscribe;
  }

  /** Writes the preamble (retry, hello, replay or reset), then any live batches held meanwhile. */
  begin(preamble: Uint8Array): void {
    if (this.closed || this.started) return;
    this.started = true;
    this.send(preamble);
    const held = this.held;
    this.held = [];
    for (const batch of held) this.pushBatch(batch);
  }

  /** Live delivery from the bus. Before `begin`, batches are held so they follow the replay. */
  pushBatch(batch: Batch): void {
    if (this.closed) return;
    if (!this.started) {
      this.held.push(batch);
      return;
    }
    const encoded = encodeBatchFor(batch, this.feeds, this.options.feedKey);
    if (!encoded) return;
    this.write(encoded.bytes);
    if (this.tally && !this.closed) this.tally.events += encoded.events;
  }

  /** Queues live bytes (shared, e.g. heartbeats) once the preamble is out. */
  write(bytes: Uint8Array): void {
    if (this.closed || !this.started) return;
    if (this.backlogBytes + bytes.byteLength > this.options.maxBacklogBytes) {
      this.close('slow_consumer');
      return;
    }
    if (this.pending.length === 0) this.options.writes.add(this);
    this.pending.push(bytes);
    this.pendingBytes += bytes.byteLength;
  }

  /** This stream's turn in the write queue: everything pending, as one chunk. */
  flush(): void {
    if (this.closed || this.pending.length === 0) return;
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.send(bytes);
  }

  /**
   * Ends the stream on purpose, saying why in-band first (planned-end.ts). The few bytes of the
   * event bypass the backlog limit: the stream ends right after them anyway. Before the preamble
   * there is nothing to announce to: the client just sees a clean end and reconnects.
   */
  endPlanned(end: PlannedEnd): void {
    if (this.closed) return;
    this.plannedEndWith = end;
    if (this.started) {
      this.flush();
      this.send(encodePlannedEnd(end));
    }
    this.close(end.kind);
  }

  /** Ends the stream. Idempotent: only the first call has any effect. */
  close(reason: CloseReason): void {
    if (this.closedWith !== null) return;
    const clean = reason === 'shutdown' || reason === 'error' || reason === 'rotate' || reason === 'auth';
    // A clean end still delivers what was pending; if that finds the client gone, that is the end.
    if (clean) this.flush();
    if (this.closedWith !== null) return;
    this.closedWith = reason;
    this.held = [];
    this.pending.length = 0;
    this.pendingBytes = 0;
    // A clean end lets data already queued drain; an abort drops a slow reader's backlog at once.
    // A bus interruption ('error') is a planned end too: ending it cleanly lets the client
    // resume, and spares the log a framework "failed to pipe response" stack per stream.
    // Planned ends are clean too, so the in-band event before them is delivered.
    if (clean) this.sink.end();
    else if (reason !== 'client_gone') this.sink.abort(reason);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.options.onClose(this, reason);
  }

  private send(bytes: Uint8Array): void {
    if (this.tally) this.tally.bytes += bytes.byteLength;
    if (!this.sink.write(bytes)) this.close('client_gone');
  }
}
