/**
 * The sign-in panel (a Server Component): shown by the page when AUTH_MODE=session and there is
 * no valid session. Plain HTML forms that POST to /api/auth/session, which answers 303 back to
 * `/` with the session cookie: it works without JavaScript.
 *
 * DEMO SCAFFOLDING: one click per demo user, no password (lib/server/auth/demo-users.ts). A fork
 * puts its identity provider's sign-in here.
 */

export interface SignInUser {
  id: string;
  name: string;
}

export function SignInPanel({ users, expired }: { users: readonly SignInUser[]; expired: boolean }) {
  return (
    <main className="mx-auto mt-16 max-w-md space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <section data-testid="sign-in-panel" aria-labelledby="sign-in-title" className="space-y-4">
        <h1 id="sign-in-title" className="text-xl font-semibold">
          Sign in to the metrics dashboard
        </h1>
        {expired && <p className="text-sm text-amber-700 dark:text-amber-300">Your session has ended.</p>}
        <p className="text-sm text-slate-500 dark:text-slate-400">
          Demo users, one click, no password: they show how sessions and feed scopes work.
        </p>
        <ul className="space-y-2">
          {users.map((user) => (
            <li key={user.id}>
              <form method="post" action="/api/auth/session">
                <input type="hidden" name="user" value={user.id} />
                <button
                  type="submit"
                  data-testid={`sign-in-${user.id}`}
                  className="w-full rounded-md bg-sky-700 px-3 py-2 text-left text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2"
                >
                  Sign in as {user.name}
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
