import type { ProtocolError } from '@/lib/sse/decode';
import type { WireHello, WireMetric, WireReset, WireSnapshot } from '@/lib/sse/payloads';
import type { ConnectionStatus, Transition } from './connection-status';
import type { RoleChange } from './tab-role';

/**
 * The seam between "where events come from" and "what is done with them": types only.
 *
 * A `StreamSource` delivers decoded events, connection status and recovery reports to one
 * `StreamListener`, in order. Two sources implement it: `ConnectionManager` (connection.ts, this
 * tab's own stream) and the shared source (sharing/shared-source.ts, one stream for every tab of
 * the browser, run by a leader tab). lib/live binds either to the stores without knowing which.
 *
 * Data flows down (source → listener): `onHello`, `onMetric`, `onReset`, `onStatus`,
 * `onRecovered`, `onProtocolError`, and from a shared source also `onSnapshot`, `onClockOffset`
 * and `onSharing`. Three things go back up (listener → source), and they are all here:
 * - `StreamListener.resumeCursor()`: a pull. Where a (re)connect resumes is a fact about what
 *   the consumer has *applied*, which only the consumer knows.
 * - `StreamListener.flush()`: a pull's preparation. Commit what waits for the next frame, so
 *   the cursor read next is the last event applied (before a planned reconnect, a handover).
 * - `StreamSource.reconnectNow(intent)`: a command, typed (`ReconnectIntent`): the user's
 *   "Reconnect now", or a hole in the data that only a resume from before it can fill.
 * `start` and `stop` belong to whoever owns the source (lib/live keeps it running while mounted).
 */

/** Why the consumer asks for a new request now. A source acts on the kind, never on words. */
export type ReconnectIntent =
  /** The user pressed "Reconnect now". */
  | { kind: 'user' }
  /** The store found a hole in `feed`: only a resume from before it can fill it. */
  | { kind: 'gap'; feed: string };

/**
 * A stream came back after an outage: what the recovery toast reports. Delivered once the
 * recovery is complete: after the last replayed event (or the first live one after a reset), so
 * a listener can measure the data it filled in from what it has applied.
 */
export interface Recovery {
  /** From losing the stream to live again, on the client's clock (the connection's outage, not the data's). */
  outageMs: number;
  /** Events the server replayed (0 after a reset). */
  replayed: number;
  /** Present when the server could not resume and sent a snapshot instead. */
  reset: WireReset | null;
}

/** What one connection delivers to. */
export interface StreamListener {
  /** Cursor of the last event applied, read at every (re)connect. Must be a pure read. */
  resumeCursor(): string | null;
  /**
   * Commit anything buffered, so the next `resumeCursor()` is the last event applied. A
   * connection calls it before a planned reconnect (one that makes no transition, whose own
   * commit would otherwise not happen). Default: nothing is buffered.
   */
  flush?(): void;
  onHello(hello: WireHello): void;
  onMetric(metric: WireMetric, cursor: string): void;
  onReset(reset: WireReset): void;
  onStatus(status: ConnectionStatus, transition: Transition | null): void;
  onRecovered(recovery: Recovery): void;
  /** A malformed event was dropped (counted and shown; never a network error, never a crash). */
  onProtocolError(error: ProtocolError): void;
}

/** What a stream shared between tabs delivers to: a connection's calls, plus what sharing adds. */
export interface SharedStreamListener extends StreamListener {
  /** Required here: a tab taking over the stream commits before reading where to resume from. */
  flush(): void;
  /**
   * Recent history to merge (same epoch) or replace with (another epoch). A follower tab's last
   * resort when its leader can no longer fill a hole (sharing/follower-apply.ts).
   */
  onSnapshot(snapshot: WireSnapshot): void;
  /** Server clock minus client clock, measured by the leader tab's `hello`. */
  onClockOffset(offsetMs: number): void;
  /** The role this tab plays in sharing one stream between tabs (docs/tab-sharing.md). */
  onSharing(sharing: RoleChange): void;
}

export interface StreamSource<Listener extends StreamListener = StreamListener> {
  /** Starts delivering to `listener`; a second call while running does nothing. */
  start(listener: Listener): void;
  /** Stops for good until the next `start`: no request, no timer, no late callback. */
  stop(): void;
  /** Upstream command (see above): reconnect at once, resuming from `resumeCursor()`. */
  reconnectNow(intent: ReconnectIntent): void;
}

/**
 * A stream this tab runs itself (a `ConnectionManager`), as the shared source drives it: the page
 * may have slept (lifecycle-signals.ts), so it can be told to check itself at once and reconnect
 * from the cursor if it cannot show it is alive (`ConnectionManager.checkNow`).
 */
export interface OwnStream extends StreamSource {
  checkNow(reason: string, asleepSince: number | null): void;
}
