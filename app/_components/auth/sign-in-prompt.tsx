'use client';

import { useLiveStatus } from '@/lib/live/react';

/**
 * Shown when the stream failed for auth: the session could not be renewed (signed out in
 * another tab, revoked, expired too long ago). With one stream per browser the leader's status
 * reaches every tab, so every tab shows it. Reloading `/` shows the sign-in panel.
 */
export function SignInPrompt() {
  const failure = useLiveStatus((s) => (s.connection.state === 'failed' ? s.connection.failure : null));
  if (failure !== 'auth') return null;
  return (
    <div
      role="alert"
      data-testid="sign-in-prompt"
      className="rounded-md border border-amber-400 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
    >
      Your session has ended, so the stream stopped.{' '}
      {/* A full page load on purpose: the server decides afresh who is looking (no client-side route). */}
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
      <a href="/" className="font-medium underline">
        Sign in again
      </a>
    </div>
  );
}
