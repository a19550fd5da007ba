import type { ProtocolError } from '@/lib/sse/decode';
import type { WireHello, WireMetric, WireReset, WireSnapshot } from '@/lib/sse/payloads';
import type { ConnectionStatus, Transition } from './connection-status';
import type { Recovery } from './recovery-tracker';
import type { RoleChange } from './sharing/tab-sharing';

/**
 * The seam between "where events come from" and "what is done with them".
 *
 * A `StreamSource` delivers decoded events, connection status and recovery reports to one
 * `StreamListener`, in order. Today the only source is this tab's own `ConnectionManager`; a
 * source that receives the same things from a leader tab over a BroadcastChannel implements the
 * same interface, and nothing downstream (lib/live, the store, the components) changes.
 *
 * Data flows down (source → listener). Exactly two things flow up, and they are named here:
 * - `StreamListener.resumeCursor()`: a pull. Where a (re)connect resumes is a fact about what
 *   the consumer has *applied*, which only the consumer knows.
 * - `StreamSource.reconnectNow(reason)`: a command. The user's "Reconnect now", and the
 *   consumer's "a hole in the data needs a resume" (only a new request can fill it).
 */

export interface StreamListener {
  /** Cursor of the last event applied, read at every (re)connect. Must be a pure read. */
  resumeCursor(): string | null;
  onHello(hello: WireHello): void;
  onMetric(metric: WireMetric, cursor: string): void;
  onReset(reset: WireReset): void;
  onStatus(status: ConnectionStatus, transition: Transition | null): void;
  onRecovered(recovery: Recovery): void;
  /** A malformed event was dropped (counted and shown; never a network error, never a crash). */
  onProtocolError(error: ProtocolError): void;
  /**
   * Optional: commit anything buffered, so the next `resumeCursor()` is the last event applied.
   * A tab taking over a shared stream calls it before reading where to resume from.
   */
  flush?(): void;
  /**
   * Optional: recent history to merge (same epoch) or replace with (another epoch). A follower
   * tab's last resort when its leader can no longer fill a hole (lib/client/sharing/shared-source.ts).
   */
  onSnapshot?(snapshot: WireSnapshot): void;
  /** Optional: server clock minus client clock, when it comes from elsewhere than `onHello` (a leader tab). */
  onClockOffset?(offsetMs: number): void;
  /** Optional: the role this tab plays in sharing one stream between tabs (docs/tab-sharing.md). */
  onSharing?(sharing: RoleChange): void;
}

export interface StreamSource {
  /** Starts delivering to `listener`; a second call while running does nothing. */
  start(listener: StreamListener): void;
  /** Stops for good until the next `start`: no request, no timer, no late callback. */
  stop(): void;
  /** Upstream command (see above): reconnect at once, resuming from `resumeCursor()`. */
  reconnectNow(reason: string): void;
  /**
   * Optional: the page may have slept (lib/client/lifecycle-signals.ts); check the stream at once
   * and reconnect from the cursor if it cannot be shown alive (`ConnectionManager.checkNow`).
   */
  checkNow?(reason: string, asleepSince: number | null): void;
}
