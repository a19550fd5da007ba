import 'server-only';
import { RateLimiter } from '../limits/rate-limiter';
import { parseAuthConfig, type AuthConfig } from './auth-config';
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
  limits: {
    /** Sign-ins and sign-outs per client address (AUTH_RATE_BURST, AUTH_RATE_PER_MIN). */
    signInOut: RateLimiter;
    /**
     * Renewals per session. A client renews about once per token lifetime (AUTH_SESSION_TTL_S):
     * the budget is a few at once, refilled at twice that rate (at least one a minute).
     */
    renew: RateLimiter;
  };
}

/** The user directory of this app. DEMO SCAFFOLDING: replace with your own (docs/auth.md, "Your own users"). */
const USERS: UserDirectory = demoDirectory;

export function createAuthRuntime(
  env: Record<string, string | undefined>,
  { devServer, users = USERS }: { devServer: boolean; users?: UserDirectory },
): AuthRuntime {
  const config = parseAuthConfig(env, { devServer });
  const revocations = new Revocations();
  return {
    config,
    users,
    revocations,
    authenticator: createAuthenticator(config, users, revocations),
    sessions: createSessionService(config, users, revocations),
    limits: {
      signInOut: new RateLimiter({ capacity: config.rate.burst, perSecond: config.rate.perSecond }),
      renew: new RateLimiter({ capacity: 5, perSecond: Math.max(1 / 60, 2000 / config.sessionTtlMs) }),
    },
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
