import 'server-only';
import type { Principal } from './principal';

/**
 * The sign-in seam: who your users are and how they prove it. One object answers three
 * questions, and nothing else in the app knows where users come from:
 *
 * - `verifyCredentials(fields)`: the sign-in route hands it what the sign-in form posted (form
 *   fields or JSON, strings only, size-limited before it gets here); it answers the user, or no.
 *   The one place a credential is checked.
 * - `lookup(userId)`: every request re-reads the user behind a session (its scope now, or gone).
 * - `signInForm`: what the sign-in panel shows (the page renders it from here).
 *
 * The demo's one-click users are its default implementation (demo-directory.ts, chosen in
 * auth-runtime.ts). docs/auth.md shows a password directory to put in its place.
 */

export interface DirectoryUser {
  id: string;
  /** Display name for the header. */
  name: string;
  /** Feeds this user may read: `all`, or an explicit list. */
  feeds: Principal['feeds'];
  /**
   * True when many people sign in as this one user (the demo's one-click accounts): per-client
   * caps then count per session only, so one visitor cannot use up another's. Default false:
   * a real user's sessions also share one per-user cap.
   */
  shared?: boolean;
}

/** What the sign-in form posted: field name → value (strings only). */
export type CredentialFields = Readonly<Record<string, string>>;

/** What the panel renders: one button per listed user (no password), or a username/password form. */
export type SignInForm =
  | { kind: 'choose-user'; users: readonly { id: string; name: string }[] }
  | { kind: 'password'; usernameLabel?: string };

export interface UserDirectory {
  /** The user's current profile, or undefined if the user no longer exists (their sessions are then refused). */
  lookup(userId: string): DirectoryUser | undefined;
  /** The user these credentials prove, or null. Rate-limited per client by the route before it is called. */
  verifyCredentials(fields: CredentialFields): Promise<DirectoryUser | null>;
  readonly signInForm: SignInForm;
}
