import 'server-only';

/**
 * Where an SSE connection's bytes go. The connection logic (hold-back, slow-consumer limit,
 * one idempotent close) is the same for both bindings; only the transport differs:
 *
 * - `WebStreamSink` (this file): a web `ReadableStream` the route handler returns, which Next
 *   pipes to the socket.
 * - `NodeResponseSink` (`node-response-sink.ts`): a Node `ServerResponse`, for the raw stream path.
 */
export interface StreamSink {
  /** Hands bytes to the transport; false if the client is already gone. */
  write(bytes: Uint8Array): boolean;
  /** Bytes handed over but not yet taken by the socket (what a stalled reader piles up). */
  readonly backlogBytes: number;
  /** Clean end: bytes already handed over still drain. */
  end(): void;
  /** Abrupt end: the backlog is dropped and the client sees a broken stream (and resumes). */
  abort(reason: string): void;
  /** Registers the one callback for "the client went away"; called at most once by the sink. */
  onGone(callback: () => void): void;
}

/** A web `ReadableStream` as the sink: what a Next route handler returns. */
export class WebStreamSink implements StreamSink {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private gone: (() => void) | null = null;

  constructor() {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        cancel: () => this.gone?.(),
      },
      // Count bytes, not chunks, and never ask for more: desiredSize is then -(queued bytes).
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  write(bytes: Uint8Array): boolean {
    try {
      this.controller.enqueue(bytes);
      return true;
    } catch {
      return false; // Cancelled or errored by the other side.
    }
  }

  get backlogBytes(): number {
    return Math.max(0, -(this.controller.desiredSize ?? 0));
  }

  end(): void {
    try {
      this.controller.close();
    } catch {
      // Already closed or cancelled: nothing left to end.
    }
  }

  abort(reason: string): void {
    try {
      this.controller.error(new Error(reason));
    } catch {
      // Already closed or cancelled.
    }
  }

  onGone(callback: () => void): void {
    this.gone = callback;
  }
}
