import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * `Authorization: Bearer <token>` for `POST /api/ingest` (and `GET /api/metrics`): no credentials is 401 (with
 * `WWW-Authenticate`, RFC 6750), credentials that are not the token are 403. Compared in
 * constant time over hashes, so neither the token's content nor its length leaks through timing.
 */

export type BearerCheck = { ok: true } | { ok: false; status: 401 | 403; code: string; message: string };

export const BEARER_CHALLENGE = 'Bearer realm="ingest"';

/** `tokenName` names the variable in the 401's message. Default `INGEST_TOKEN`. */
export function checkBearer(authorization: string | null, token: string, tokenName = 'INGEST_TOKEN'): BearerCheck {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) {
    return { ok: false, status: 401, code: 'unauthenticated', message: `Send Authorization: Bearer <${tokenName}>.` };
  }
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (!timingSafeEqual(digest(match[1]!), digest(token))) {
    return { ok: false, status: 403, code: 'forbidden', message: `This bearer token is not ${tokenName}.` };
  }
  return { ok: true };
}
