import { snapshotSchema, type WireSnapshot } from '@/lib/sse/payloads';
import { check } from '@/lib/sse/validate';

/**
 * What one attempt at `GET /api/snapshot` gave: the snapshot, or why not. `timedOut`: the
 * caller's signal ended it (the server was slow, or the fetch hung); anything else is an
 * answer (an error status, a bad body, a refused connection).
 */
export type SnapshotAttempt = { ok: true; snapshot: WireSnapshot } | { ok: false; timedOut: boolean };

/**
 * `GET /api/snapshot` for a follower tab its leader cannot catch up (sharing/follower-apply.ts),
 * validated. Never throws. `signal` bounds the attempt; follower-apply.ts says how long.
 */
export async function loadSnapshot(
  fetchImpl: typeof fetch,
  url: string,
  signal: AbortSignal,
): Promise<SnapshotAttempt> {
  try {
    const response = await fetchImpl(url, { cache: 'no-store', signal });
    if (!response.ok) return { ok: false, timedOut: false };
    const parsed = check(snapshotSchema, await response.json());
    return parsed.ok ? { ok: true, snapshot: parsed.value } : { ok: false, timedOut: false };
  } catch {
    // Offline or cut: the leader's next announce shows this tab behind again, and it asks again.
    return { ok: false, timedOut: signal.aborted };
  }
}
