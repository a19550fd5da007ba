import 'server-only';
import { cookies, headers } from 'next/headers';
import { FEEDS, FEED_NAMES } from '@/lib/metrics/feeds';
import { getAuth } from '@/lib/server/auth/auth-runtime';
import { canRead, PUBLIC_PRINCIPAL, type Principal } from '@/lib/server/auth/principal';
import { catalogueDrift } from '@/lib/server/catalogue-check';
import { snapshotForPage } from '@/lib/server/page-snapshot';
import { getRuntime } from '@/lib/server/runtime';
import { AccountBar } from './_components/auth/account-bar';
import { Dashboard } from './_components/dashboard';
import { SignInPanel, type SignInOutcome } from './_components/auth/sign-in-panel';

/**
 * The server binding of the dashboard (a Server Component): it may read the server runtime, and
 * it is the only part of the page that does. It asks the auth seam who is looking (from the
 * session cookie), takes a snapshot of the feeds that principal may read, and hands it, with the
 * catalogue's display fields, to the client leaves in `_components/`, which know nothing of the
 * server. The browser's stream then resumes from the snapshot's cursor.
 */

// Rendered per request: the snapshot must be current, it is what the stream resumes from.
export const dynamic = 'force-dynamic';

/** The principal of this request, or why there is none (AUTH_MODE=session without a valid session). */
async function whoIsLooking(): Promise<{ ok: true; principal: Principal } | { ok: false; expired: boolean }> {
  const auth = getAuth();
  if (auth.config.mode === 'off') return { ok: true, principal: PUBLIC_PRINCIPAL };
  // The whole request, not only its cookies: which cookie holds the session depends on whether
  // the page was served over TLS, which behind a TLS-terminating proxy only X-Forwarded-Proto says.
  const request = new Headers(await headers());
  const cookie = (await cookies()).toString();
  if (cookie) request.set('cookie', cookie);
  else request.delete('cookie');
  const result = await auth.authenticator.authenticate(request);
  return result.ok ? result : { ok: false, expired: result.reason !== 'session_missing' };
}

/** `/?sign-in=…`: why the sign-in route sent the visitor back (app/api/auth/session). */
function signInOutcome(value: string | string[] | undefined): SignInOutcome | undefined {
  return value === 'failed' || value === 'rate-limited' ? value : undefined;
}

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const who = await whoIsLooking();
  if (!who.ok) {
    // What the panel asks for is the user directory's business (lib/server/auth/user-directory.ts).
    const outcome = signInOutcome((await searchParams)['sign-in']);
    return <SignInPanel form={getAuth().users.signInForm} expired={who.expired} outcome={outcome} />;
  }
  const { principal } = who;
  const runtime = getRuntime();
  const drift = catalogueDrift(runtime.feedNames, FEED_NAMES);
  // A cursor or a first paint grants nothing: only the feeds this principal may read now.
  const readable = FEED_NAMES.filter((name) => canRead(principal, name));
  // Scoped to the visitor and rate-limited like /api/snapshot (page-snapshot.ts); may be undefined.
  const snapshot = await snapshotForPage(runtime, await headers());
  const feeds = FEEDS.filter(({ name }) => readable.includes(name)).map(
    ({ name, label, unit, decimals, min, max }) => ({
      name,
      label,
      unit,
      decimals,
      min,
      max,
    }),
  );
  const account = <AccountBar user={principal.kind === 'user' ? { name: principal.name } : null} />;
  if (!drift) return <Dashboard feeds={feeds} snapshot={snapshot} account={account} />;
  // Dev-only situation (see catalogue-check.ts): say it plainly rather than show an empty card.
  const notice = (
    <p
      role="alert"
      data-testid="catalogue-notice"
      className="rounded-md border border-amber-400 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
    >
      The feed catalogue changed since this server started
      {drift.added.length > 0 ? ` (new: ${drift.added.join(', ')})` : ''}
      {drift.removed.length > 0 ? ` (removed: ${drift.removed.join(', ')})` : ''}. Restart the server (
      <code>npm run dev</code>) to stream it.
    </p>
  );
  return <Dashboard feeds={feeds} snapshot={snapshot} account={account} notice={notice} />;
}
