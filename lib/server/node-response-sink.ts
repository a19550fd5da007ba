import 'server-only';
import type { ServerResponse } from 'node:http';
import type { StreamSink } from './stream-sink';

/**
 * A Node `ServerResponse` as the sink: the raw stream path writes straight to the socket, with
 * no web stream, no `pipeTo` step and no promise per chunk (docs/performance.md says what that
 * saves). The response's head must already be written.
 */
export class NodeResponseSink implements StreamSink {
  constructor(private readonly res: ServerResponse) {}

  write(bytes: Uint8Array): boolean {
    if (this.res.destroyed || this.res.writableEnded) return false;
    // The return value is backpressure, which `backlogBytes` reports; the connection decides.
    this.res.write(bytes);
    return true;
  }

  get backlogBytes(): number {
    // Bytes buffered by the response and by its socket.
    return this.res.writableLength;
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  abort(): void {
    this.res.destroy();
  }

  onGone(callback: () => void): void {
    // A client that left before the stream was set up gets no more 'close': report it on the
    // next microtask, once the caller has registered the connection it is about to close.
    if (this.res.destroyed || (this.res.socket?.destroyed ?? true)) queueMicrotask(callback);
    // 'close' also follows our own end(); the connection's close is idempotent.
    else this.res.once('close', callback);
  }
}
