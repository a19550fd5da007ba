import 'server-only';
import { createHash } from 'node:crypto';
import type { IdempotencyKey } from '../bus';

/**
 * The `Idempotency-Key` request header (the IETF httpapi draft): a client names a batch once
 * and sends the same key with every retry of it. The bus applies a key at most once (memory:
 * `idempotency-store.ts`; Redis: the append script) and compares the body's fingerprint, so a
 * key sent again with a different body is refused (422) instead of silently answered.
 *
 * The draft's form is a quoted string (`Idempotency-Key: "4f9a…"`); a bare token is accepted
 * too. 1 to 255 printable ASCII characters. The fingerprint is the SHA-256 of the body's bytes:
 * a retry must resend the same bytes, not the same data re-serialised.
 */

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export type ParsedKey = { ok: true; key: string | null } | { ok: false; message: string };

export function parseIdempotencyKey(header: string | null): ParsedKey {
  if (header === null) return { ok: true, key: null };
  const trimmed = header.trim();
  const key = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (!/^[\x20-\x7e]{1,255}$/.test(key) || key.trim() !== key) {
    return { ok: false, message: 'Idempotency-Key must be 1 to 255 printable ASCII characters, e.g. a UUID.' };
  }
  return { ok: true, key };
}

export function idempotencyKey(key: string, body: string): IdempotencyKey {
  return { key, fingerprint: createHash('sha256').update(body).digest('hex') };
}
