import 'server-only';
import { z } from 'zod';
import { secretProblem } from './secret-strength';

/**
 * Auth settings, validated at the boundary like the rest of the env (docs/configuration.md).
 *
 * Fail-closed everywhere but the dev server: only `npm run dev` may run without AUTH_SECRET (it
 * then uses a fixed, public dev-only secret, printed as such, so sessions survive dev-server
 * restarts). Every other start — `npm start`, `npm run start:raw`, whatever NODE_ENV says —
 * refuses to start without a real secret unless AUTH_MODE=off says, explicitly, that this is a
 * public demo. A weak secret (the published dev one, too short, too few distinct characters) is
 * refused everywhere: a token signed with a guessable key is a token anyone can mint.
 */

/** Used only by the dev server when AUTH_SECRET is unset. Public on purpose: it protects nothing. */
export const DEV_ONLY_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

export const authEnvSchema = z.object({
  /** `session` (default): sign-in required; `off`: a public demo, every feed readable by anyone. */
  AUTH_MODE: z.enum(['session', 'off']).optional().default('session'),
  /** HMAC key for session tokens: random, ≥ 32 characters. Required by every start but `npm run dev`, unless AUTH_MODE=off. */
  AUTH_SECRET: z
    .string()
    .optional()
    .superRefine((secret, ctx) => {
      const problem = secret ? secretProblem(secret, [DEV_ONLY_SECRET]) : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((secret) => secret || undefined), // `AUTH_SECRET=` is as unset
  /** Token lifetime; a stream ends (and the client renews) when it runs out. Default 900 s. */
  AUTH_SESSION_TTL_S: seconds(5, 86_400, 900),
  /** How long after expiry a token may still be renewed without signing in. Default 3600 s. */
  AUTH_RENEW_GRACE_S: seconds(0, 7 * 86_400, 3600),
  /**
   * Absolute session lifetime from sign-in: no renewal extends a session past it, so a stolen
   * cookie is worth at most this long, and a sign-out need be remembered no longer. Default 43200 s (12 h).
   */
  AUTH_SESSION_MAX_AGE_S: seconds(10, 30 * 86_400, 43_200),
  /**
   * After a renewal, how long the replaced token keeps working (requests already in flight,
   * another tab's reconnect). Then it is refused, and cannot be renewed. Default 30 s.
   */
  AUTH_ROTATION_GRACE_S: seconds(0, 600, 30),
  /** Sign-ins and sign-outs one client (IP address) may make at once. Default 10. */
  AUTH_RATE_BURST: seconds(1, 1_000_000, 10),
  /** Refill of that budget, per minute. Default 6 (one every 10 s). */
  AUTH_RATE_PER_MIN: seconds(1, 1_000_000, 6),
});

export interface AuthConfig {
  mode: 'session' | 'off';
  secret: string;
  /** True when the secret is the public dev-only one (only ever under `npm run dev`). */
  devSecret: boolean;
  sessionTtlMs: number;
  renewGraceMs: number;
  sessionMaxAgeMs: number;
  rotationGraceMs: number;
  /** Per-client budget of sign-ins and sign-outs (token bucket). */
  rate: { burst: number; perSecond: number };
}

export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

export interface AuthConfigContext {
  /**
   * Whether this process is the dev server (`next dev`). Not read from NODE_ENV at run time,
   * which anyone starting the server can set to anything: auth-runtime.ts passes what the build
   * decided (Next inlines `process.env.NODE_ENV` as `development` only in `next dev` bundles).
   */
  devServer: boolean;
}

export function parseAuthConfig(
  source: Record<string, string | undefined>,
  { devServer }: AuthConfigContext,
): AuthConfig {
  const parsed = authEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new AuthConfigError(`Invalid auth settings:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.AUTH_MODE === 'session' && !env.AUTH_SECRET && !devServer) {
    throw new AuthConfigError(
      'AUTH_SECRET is not set. Only `npm run dev` may run without it; this server (npm start, npm run start:raw, ' +
        'whatever NODE_ENV says) refuses to start, so that private feeds are never served to anyone who can reach ' +
        'it. Set AUTH_SECRET to a random string of at least 32 characters (e.g. `openssl rand -base64 48`), or set ' +
        'AUTH_MODE=off to run a public demo on purpose.',
    );
  }
  return {
    mode: env.AUTH_MODE,
    secret: env.AUTH_SECRET ?? DEV_ONLY_SECRET,
    devSecret: !env.AUTH_SECRET,
    sessionTtlMs: env.AUTH_SESSION_TTL_S * 1000,
    renewGraceMs: env.AUTH_RENEW_GRACE_S * 1000,
    sessionMaxAgeMs: env.AUTH_SESSION_MAX_AGE_S * 1000,
    rotationGraceMs: env.AUTH_ROTATION_GRACE_S * 1000,
    rate: { burst: env.AUTH_RATE_BURST, perSecond: env.AUTH_RATE_PER_MIN / 60 },
  };
}
