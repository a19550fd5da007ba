/**
 * Removes credentials from free text before it is logged: a message or an error may quote a
 * header or a connection URL that the structured `redact` paths cannot see.
 *
 * - `Bearer <token>` → `Bearer [redacted]`
 * - `scheme://user:password@host` → `scheme://user:[redacted]@host` (REDIS_URL with a password)
 * - `name=value` of the session cookie or a `token`/`secret`/`password` parameter → `name=[redacted]`
 */

const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;
const SECRET_PARAM = /\b((?:[\w-]*(?:token|secret|password|session)[\w-]*)=)[^\s&;"',]+/gi;

export function scrubSecrets<T extends string | undefined>(text: T): T {
  if (!text) return text;
  return text
    .replace(BEARER, '$1[redacted]')
    .replace(URL_PASSWORD, '$1[redacted]@')
    .replace(SECRET_PARAM, '$1[redacted]') as T;
}
