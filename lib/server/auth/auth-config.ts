import 'server-only';
import { z } from 'zod';

/**
 * Auth settings, validated at the boundary like the rest of the env (README "Configuration").
 *
 * Fail-closed in production: `npm start` without AUTH_SECRET refuses to start unless
 * AUTH_MODE=off says, explicitly, that this is a public demo. `npm run dev` needs nothing: it
 * uses a fixed dev-only secret (printed as such) so sessions survive dev-server restarts.
 */

/** Used only when NODE_ENV is not `production`. Public on purpose: it protects nothing. */
export const DEV_ONLY_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';

export const authEnvSchema = z.object({
  /** `session` (default): sign-in required; `off`: a public demo, every feed readable by anyone. */
  AUTH_MODE: z.enum(['session', 'off']).optional().default('session'),
  /** HMAC key for session tokens, ≥ 32 characters. Required by `npm start` unless AUTH_MODE=off. */
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Session lifetime; a stream ends (and the client renews) when it runs out. Default 900 s. */
  AUTH_SESSION_TTL_S: z.coerce.number().int().min(5).max(86_400).optional().default(900),
  /** How long after expiry a session may still be renewed without signing in. Default 3600 s. */
  AUTH_RENEW_GRACE_S: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .optional()
    .default(3600),
});

export interface AuthConfig {
  mode: 'session' | 'off';
  secret: string;
  /** True when the secret is the public dev-only one. */
  devSecret: boolean;
  sessionTtlMs: number;
  renewGraceMs: number;
}

export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

export function parseAuthConfig(source: Record<string, string | undefined>): AuthConfig {
  const parsed = authEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new AuthConfigError(`Invalid auth settings:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const production = source.NODE_ENV === 'production';
  if (env.AUTH_MODE === 'session' && !env.AUTH_SECRET && production) {
    throw new AuthConfigError(
      'AUTH_SECRET is not set. This server refuses to start without it, so that private feeds are never served ' +
        'to anyone who can reach it. Set AUTH_SECRET to a random string of at least 32 characters ' +
        '(e.g. `openssl rand -base64 48`), or set AUTH_MODE=off to run a public demo on purpose.',
    );
  }
  return {
    mode: env.AUTH_MODE,
    secret: env.AUTH_SECRET ?? DEV_ONLY_SECRET,
    devSecret: !env.AUTH_SECRET,
    sessionTtlMs: env.AUTH_SESSION_TTL_S * 1000,
    renewGraceMs: env.AUTH_RENEW_GRACE_S * 1000,
  };
}
