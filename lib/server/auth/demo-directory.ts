import 'server-only';
import { DEMO_USERS, findDemoUser } from './demo-users';
import type { DirectoryUser, UserDirectory } from './user-directory';

/**
 * DEMO SCAFFOLDING — the default user directory: the demo users, signed in with one click and
 * no password (the panel posts `user=<id>`). It shows the session mechanics, not authentication.
 * Every demo user is `shared`: anyone may sign in as `ops`, so limits count per session.
 * A fork replaces this object (docs/auth.md, "Your own users").
 */
function lookup(id: string): DirectoryUser | undefined {
  const user = findDemoUser(id);
  return user && { id: user.id, name: user.name, feeds: user.feeds, shared: true };
}

export const demoDirectory: UserDirectory = {
  lookup,
  verifyCredentials: (fields) => Promise.resolve(lookup(fields.user ?? '') ?? null),
  signInForm: { kind: 'choose-user', users: DEMO_USERS.map(({ id, name }) => ({ id, name })) },
};
