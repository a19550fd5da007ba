import 'server-only';
import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The test-only fault route's second lock. ENABLE_FAULTS=1 turns the route on; every call must
 * also carry this process's token in `X-Fault-Token`, be a POST, and say `application/json`.
 *
 * Why each: the token means a `.env` file that enables faults by accident still exposes nothing
 * to someone who cannot read the server's log; POST + JSON means a cross-site form or
 * `text/plain` fetch (no preflight, so a CSRF vector) is refused before the body is read.
 * FAULTS_TOKEN sets the token (the test fixtures do); otherwise it is random and printed once.
 */

export const FAULT_TOKEN_HEADER = 'x-fault-token';

export type FaultGuardResult =
  | { ok: true }
  | { ok: false; status: 403 | 405 | 415; code: string; message: string; headers?: Record<string, string> };

export function faultToken(fromEnv: string | undefined): { token: string; generated: boolean } {
  if (fromEnv && fromEnv.length >= 16) return { token: fromEnv, generated: false };
  return { token: randomBytes(18).toString('base64url'), generated: true };
}

const GLOBAL_KEY = '__realtimeDashboardFaultToken';
type GlobalWithToken = typeof globalThis & { [GLOBAL_KEY]?: { token: string; generated: boolean } };

/** This process's token: one per process (on `globalThis`, like the runtime), made on first use. */
export function processFaultToken(): { token: string; generated: boolean } {
  const g = globalThis as GlobalWithToken;
  g[GLOBAL_KEY] ??= faultToken(process.env.FAULTS_TOKEN);
  return g[GLOBAL_KEY];
}

/** Whether the request carries this process's fault token (compared in constant time). */
export function hasFaultToken(headers: Headers, token: string): boolean {
  const given = Buffer.from(headers.get(FAULT_TOKEN_HEADER) ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function checkFaultRequest(request: Request, token: string): FaultGuardResult {
  if (request.method !== 'POST') {
    return { ok: false, status: 405, code: 'method_not_allowed', message: 'Use POST.', headers: { Allow: 'POST' } };
  }
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return { ok: false, status: 415, code: 'unsupported_media_type', message: 'Send application/json.' };
  }
  if (!hasFaultToken(request.headers, token)) {
    return { ok: false, status: 403, code: 'fault_token', message: `Missing or wrong ${FAULT_TOKEN_HEADER}.` };
  }
  return { ok: true };
}
