import { snapshotSchema, type WireSnapshot } from '@/lib/sse/payloads';
import { check } from '@/lib/sse/validate';
import { SNAPSHOT_HOLD_MS } from './follower-apply';

/**
 * `GET /api/snapshot` for a follower tab its leader cannot catch up (sharing/follower-apply.ts):
 * the validated snapshot, or null when it could not be had. Never throws: a follower that gets
 * null is still behind, so the leader's next announce makes it ask again.
 */
export async function loadSnapshot(fetchImpl: typeof fetch, url: string): Promise<WireSnapshot | null> {
  try {
    // Bounded like the hold it ends (follower-apply.ts): a hung fetch must not block the next ask.
    const response = await fetchImpl(url, { cache: 'no-store', signal: AbortSignal.timeout(SNAPSHOT_HOLD_MS) });
    if (!response.ok) return null;
    const parsed = check(snapshotSchema, await response.json());
    return parsed.ok ? parsed.value : null;
  } catch {
    // Offline or cut: the leader's next announce shows this tab behind again, and it asks again.
    return null;
  }
}
