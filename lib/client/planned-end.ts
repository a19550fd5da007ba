import type { WireEvent } from '@/lib/sse/decode';
import type { WireAuthEnd } from '@/lib/sse/payloads';

/**
 * A stream the server ends on purpose says so just before the close (docs/protocol.md):
 * `event: rotate` (its maximum age, `SSE_MAX_STREAM_MS`) or `event: auth` (the session no longer
 * grants it). This remembers that announcement for the stream that made it, so the connection
 * manager can tell a planned end from an outage when the body ends:
 *
 * - after `rotate`, it reconnects at once from the cursor and stays `live`: no transition, no
 *   recovery toast, no backoff. Rotations are counted for the stream inspector.
 * - after `auth`, it renews the session once (session-renewal.ts), then does the same.
 *
 * The `retry:` the server writes with the announcement is meant for native EventSource clients
 * (come back at once); this client reconnects by itself, so it ignores that one value and keeps
 * its backoff base.
 */

export type AnnouncedEnd = { kind: 'rotate' } | { kind: 'auth'; reason: WireAuthEnd['reason'] };

export class PlannedEnds {
  private announced: AnnouncedEnd | null = null;
  /** Planned rotations completed since the manager started. */
  rotations = 0;

  /** A new request starts: an announcement belongs only to the stream that made it. */
  clear(): void {
    this.announced = null;
  }

  /** Records a `rotate` or `auth` event; returns false for any other event. */
  note(event: WireEvent): boolean {
    if (event.type === 'rotate') this.announced = { kind: 'rotate' };
    else if (event.type === 'auth') this.announced = { kind: 'auth', reason: event.auth.reason };
    else return false;
    return true;
  }

  /** Whether the current stream has announced its end (its `retry:` is then not for us). */
  get pending(): boolean {
    return this.announced !== null;
  }

  /** The stream ended: the announcement that explains it (once), or null for an unplanned end. */
  take(): AnnouncedEnd | null {
    const announced = this.announced;
    this.announced = null;
    if (announced?.kind === 'rotate') this.rotations += 1;
    return announced;
  }
}
