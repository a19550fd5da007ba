/**
 * Renewing the session when the server says it no longer grants the stream (`event: auth`, or a
 * `401` on connect), before resuming from the cursor. Framework-free: the connection manager gets
 * a `RenewSession` as an option and knows nothing of cookies or routes.
 *
 * Three outcomes, because they lead to three different states:
 * - `renewed`: a fresh session cookie is set; reconnect at once (the badge stays where it was).
 * - `denied`: the server answered 401 (signed out, revoked, too old, secret rotated). Retrying
 *   cannot help: the connection goes `failed` with `failure: 'auth'` and the page asks to sign in.
 * - `unavailable`: the renewal itself failed (network, 5xx). The session may well be renewable:
 *   back off and try again like any outage; never `failed`, never a retry storm.
 */

export type RenewOutcome = 'renewed' | 'denied' | 'unavailable';

export type RenewSession = () => Promise<RenewOutcome>;

/** The reference route (app/api/auth/refresh). */
export const REFRESH_URL = '/api/auth/refresh';

/** `POST /api/auth/refresh` with the session cookie (same-origin). */
export function refreshSession(fetchImpl: typeof fetch, url: string = REFRESH_URL): RenewSession {
  return async () => {
    try {
      const response = await fetchImpl(url, { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
      if (response.ok) return 'renewed';
      // 401: this session is over. 403 here is a cross-site refusal: also nothing a retry fixes.
      return response.status === 401 || response.status === 403 ? 'denied' : 'unavailable';
    } catch {
      return 'unavailable';
    }
  };
}

/**
 * The "once" in "renew once, then resume": one renewal per loss of authorisation. After a
 * renewal, a stream that is refused again before it went live means the new session does not
 * grant it either (e.g. a scope change): that is `denied`, not a reason to renew in a loop.
 */
export class SessionRenewal {
  private renewedSinceLive = false;

  constructor(private readonly renew: RenewSession | null) {}

  /** A stream went live: the next loss of authorisation may renew again. */
  streamLive(): void {
    this.renewedSinceLive = false;
  }

  /** What to do now that the server refused or ended the stream for auth. */
  async attempt(): Promise<RenewOutcome> {
    if (!this.renew || this.renewedSinceLive) return 'denied';
    const outcome = await this.renew();
    if (outcome === 'renewed') this.renewedSinceLive = true;
    return outcome;
  }
}
