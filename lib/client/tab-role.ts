/**
 * The part this tab plays in getting the stream, as the binding reports it (status store, stream
 * inspector, the "still connecting" explanation). Types only, outside sharing/ so that a build
 * without tab sharing keeps them: there every tab is `solo`.
 *
 * Roles (docs/tab-sharing.md has the election and the handover):
 * - `leader`: runs the only stream of the browser and passes its events to the other tabs.
 * - `follower`: runs no stream; applies what its leader passes on.
 * - `solo`: runs its own stream (sharing off, impossible here, or its leader stopped answering).
 * - `electing`: not decided yet (a few ms with Web Locks, ~1.3 s without).
 * - `closed`: stopped.
 */
export type TabRole = 'electing' | 'leader' | 'follower' | 'solo' | 'closed';

/** `locks`: Web Locks decide. `lease`: heartbeats and claims over the channel. `none`: no channel, solo. */
export type ElectionMode = 'locks' | 'lease' | 'none';

export interface RoleChange {
  role: TabRole;
  mode: ElectionMode;
  /** Why, in words for the stream inspector. */
  reason: string;
  /** The tab that leads, as far as this tab knows (itself when leader). */
  leaderId: string | null;
}
