import 'server-only';
import { parseAuthConfig, type AuthConfig } from './auth-config';
import { createAuthenticator, type Authenticator, type UserDirectory } from './authenticate';
import { findDemoUser } from './demo-users';
import { Revocations } from './revocations';
import { createSessionService, type SessionService } from './sessions';

/**
 * The auth singletons of this process, on `globalThis` for the same reason as the runtime
 * (Next gives routes, pages and instrumentation separate module instances; see runtime.ts).
 * Created on first use; `instrumentation.ts` touches it at boot so a missing AUTH_SECRET stops
 * `npm start` before it serves anything (fail-closed).
 */
export interface AuthRuntime {
  config: AuthConfig;
  users: UserDirectory;
  authenticator: Authenticator;
  sessions: SessionService;
  revocations: Revocations;
}

/** DEMO SCAFFOLDING: the demo users as the directory. A fork looks users up in its own store. */
const demoDirectory: UserDirectory = {
  lookup: (id) => {
    const user = findDemoUser(id);
    return user ? { name: user.name, feeds: user.feeds } : undefined;
  },
};

export function createAuthRuntime(env: Record<string, string | undefined>): AuthRuntime {
  const config = parseAuthConfig(env);
  const revocations = new Revocations();
  return {
    config,
    users: demoDirectory,
    revocations,
    authenticator: createAuthenticator(config, demoDirectory, revocations),
    sessions: createSessionService(config, demoDirectory, revocations),
  };
}

const GLOBAL_KEY = '__realtimeDashboardAuth';
type GlobalWithAuth = typeof globalThis & { [GLOBAL_KEY]?: AuthRuntime };

export function getAuth(): AuthRuntime {
  const g = globalThis as GlobalWithAuth;
  g[GLOBAL_KEY] ??= createAuthRuntime(process.env);
  return g[GLOBAL_KEY];
}
