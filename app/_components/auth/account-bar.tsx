import { SignOutButton } from './sign-out-button';

/**
 * Who is looking, in the dashboard header (a Server Component with one client leaf). With
 * AUTH_MODE=off it says plainly that this is a public demo: anyone can read every feed.
 */
export function AccountBar({ user }: { user: { name: string } | null }) {
  if (!user) {
    return (
      <p data-testid="public-demo" className="text-sm text-slate-500 dark:text-slate-400">
        Public demo: no sign-in (AUTH_MODE=off)
      </p>
    );
  }
  return (
    <div className="flex items-center gap-2 text-sm">
      <span data-testid="signed-in-as">
        Signed in as <strong>{user.name}</strong>
      </span>
      <SignOutButton />
    </div>
  );
}
