import 'server-only';
import { parseAuthConfig, type AuthConfig } from './auth-config';
import { createAuthLimits, type AuthLimits } from './auth-limits';
import { createAuthenticator, type Authenticator } from './authenticate';
import { demoDirectory } from './demo-directory';
import { Revocations } from './revocations';
import { createSessionService, type SessionService } from './sessions';
import type { UserDirectory } from './user-directory';

/**
 * The auth singletons of this process, on `globalThis` for the same reason as the runtime
 * (Next gives routes, pages and instrumentation separate module instances; see runtime.ts).
 * Created on first use; `instrumentation.ts` touches it at boot so a missing or weak AUTH_SECRET
 * stops the server before it serves anything (fail-closed).
 */
export interface AuthRuntime {
  config: AuthConfig;
  /** Who the users are and how they sign in (user-directory.ts): the demo's, unless you swap it here. */
  users: UserDirectory;
  authenticator: Authenticator;
  sessions: SessionService;
  revocations: Revocations;
  /** Sign-in per address, renewal and sign-out per session (auth-limits.ts). */
  limits: AuthLimits;
}

/** The user directory of this app. DEMO SCAFFOLDING: replace with your own (docs/auth.md, "Your own users"). */
const USERS: UserDirectory = demoDirectory;

export function createAuthRuntime(
  env: Record<string, string | undefined>,
  { devServer, users = USERS }: { devServer: boolean; users?: UserDirectory },
): AuthRuntime {
  const config = parseAuthConfig(env, { devServer });
  const revocations = new Revocations();
  const sessions = createSessionService(config, users, revocations);
  return {
    config,
    users,
    revocations,
    authenticator: createAuthenticator(config, users, revocations),
    sessions,
    limits: createAuthLimits(config, sessions),
  };
}

const GLOBAL_KEY = '__realtimeDashboardAuth';
type GlobalWithAuth = typeof globalThis & { [GLOBAL_KEY]?: AuthRuntime };

export function getAuth(): AuthRuntime {
  const g = globalThis as GlobalWithAuth;
  // `process.env.NODE_ENV` written out in full: Next replaces it at build time, with `development`
  // only in `next dev` bundles. Whatever NODE_ENV a production server is started with, this says
  // `production` there, so only the dev server may fall back to the dev-only secret.
  g[GLOBAL_KEY] ??= createAuthRuntime(process.env, { devServer: process.env.NODE_ENV === 'development' });
  return g[GLOBAL_KEY];
}
