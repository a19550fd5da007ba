import { APP_CONFIG } from '@/lib/metrics/app-config';

/**
 * The sign-in panel (a Server Component): shown by the page when AUTH_MODE=session and there is
 * no valid session. What it asks for comes from the user directory (`signInForm`,
 * lib/server/auth/user-directory.ts): one button per user for the demo (no password), or a
 * username and password. Either way a plain HTML form POSTs to /api/auth/session, which checks
 * it with the directory's `verifyCredentials` and answers 303 back to `/` (with `?sign-in=…`
 * when it did not sign in): it works without JavaScript.
 */

/**
 * What the panel renders: one button per listed user (no password), or a username/password form.
 * The same shape as the directory's `signInForm`; restated here because a component takes server
 * data only through its props (app/page.tsx passes it, and the compiler checks the two agree).
 */
export type SignInForm =
  | { kind: 'choose-user'; users: readonly { id: string; name: string }[] }
  | { kind: 'password'; usernameLabel?: string };

/** Why the last attempt did not sign in, from `/?sign-in=…`. */
export type SignInOutcome = 'failed' | 'rate-limited';

const OUTCOME_TEXT: Record<SignInOutcome, string> = {
  failed: 'Sign-in failed: check your details and try again.',
  'rate-limited': 'Too many sign-in attempts from this address. Wait a minute, then try again.',
};

const button =
  'w-full rounded-md bg-sky-700 px-3 py-2 text-left text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2';
const input =
  'w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950';

export function SignInPanel({
  form,
  expired,
  outcome,
}: {
  form: SignInForm;
  expired: boolean;
  outcome?: SignInOutcome | undefined;
}) {
  return (
    <main className="mx-auto mt-16 max-w-md space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <section data-testid="sign-in-panel" aria-labelledby="sign-in-title" className="space-y-4">
        <h1 id="sign-in-title" className="text-xl font-semibold">
          {APP_CONFIG.signInHeading}
        </h1>
        {expired && <p className="text-sm text-amber-700 dark:text-amber-300">Your session has ended.</p>}
        {outcome && (
          <p role="alert" data-testid="sign-in-outcome" className="text-sm text-amber-700 dark:text-amber-300">
            {OUTCOME_TEXT[outcome]}
          </p>
        )}
        {form.kind === 'choose-user' ? (
          <>
            <p className="text-sm text-slate-500 dark:text-slate-400">
              Demo users, one click, no password: they show how sessions and feed scopes work.
            </p>
            <ul className="space-y-2">
              {form.users.map((user) => (
                <li key={user.id}>
                  <form method="post" action="/api/auth/session">
                    <input type="hidden" name="user" value={user.id} />
                    <button type="submit" data-testid={`sign-in-${user.id}`} className={button}>
                      Sign in as {user.name}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <form method="post" action="/api/auth/session" className="space-y-3">
            <label className="block space-y-1 text-sm">
              <span>{form.usernameLabel ?? 'Username'}</span>
              <input name="username" autoComplete="username" required className={input} />
            </label>
            <label className="block space-y-1 text-sm">
              <span>Password</span>
              <input name="password" type="password" autoComplete="current-password" required className={input} />
            </label>
            <button type="submit" data-testid="sign-in-submit" className={button}>
              Sign in
            </button>
          </form>
        )}
      </section>
    </main>
  );
}
