'use client';

import { useEffect, useState } from 'react';
import { announceSignOut, onSignOutElsewhere } from '@/lib/live/sign-out';

/**
 * Signs out (DELETE /api/auth/session: the server revokes the session and ends its streams),
 * tells the other tabs, and goes back to `/`, which then shows the sign-in panel. Another tab's
 * sign-out brings this tab there too. If the server refuses for now (429: sign-outs are
 * rate-limited per session), it says so and stays, rather than leave a signed-in session behind.
 */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState(false);

  useEffect(() => onSignOutElsewhere(() => window.location.assign('/')), []);

  async function signOut() {
    setBusy(true);
    setRefused(false);
    try {
      const answer = await fetch('/api/auth/session', {
        method: 'DELETE',
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (answer.status === 429) {
        setBusy(false);
        setRefused(true);
        return;
      }
    } catch {
      // Even if the request failed, leave: the page then asks the server who we are.
    }
    announceSignOut();
    window.location.assign('/');
  }

  return (
    <>
      {refused && (
        <span role="alert" data-testid="sign-out-refused" className="text-amber-700 dark:text-amber-300">
          Too many sign-outs: try again in a moment.
        </span>
      )}
      <button
        type="button"
        data-testid="sign-out"
        disabled={busy}
        onClick={() => void signOut()}
        className="rounded-md px-2 py-1 text-sm font-medium text-sky-700 ring-1 ring-slate-300 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60 dark:text-sky-300 dark:ring-slate-700 dark:hover:bg-slate-800"
      >
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
    </>
  );
}
