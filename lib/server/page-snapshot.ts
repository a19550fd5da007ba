import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';
import type { Snapshot } from '@/lib/metrics/events';
import { getAuth } from './auth/auth-runtime';
import { canRead } from './auth/principal';
import { clientKeys } from './limits/client-key';
import { getClientLimits } from './limits/client-limits';
import { clientIpFromHeaders, trustedProxies } from './security/forwarded';
import { serving } from './serving';
import type { Runtime } from './runtime';

/**
 * The snapshot the server-rendered page starts from, under the same rules as `/api/snapshot`:
 * only the feeds the visitor may read now, nothing without a session (the HTML must not show
 * what the stream would refuse), and it spends the client's snapshot budget, so reloading in a
 * loop cannot make the server build snapshots without limit. When any of these says no, the
 * page renders without data and the stream fills it in (or says why it cannot).
 */
export async function snapshotForPage(
  runtime: Pick<Runtime, 'bus' | 'env' | 'feedNames'> & Partial<Pick<Runtime, 'revocationChannel'>>,
  headers: Headers,
): Promise<Snapshot | undefined> {
  const auth = await getAuth().authenticator.authenticate(headers);
  if (!auth.ok) return undefined;
  const readable = (runtime.feedNames as readonly FeedName[]).filter((feed) => canRead(auth.principal, feed));
  if (!readable.length || !serving(runtime)) return undefined;
  const keys = clientKeys(auth.principal, clientIpFromHeaders(headers, trustedProxies()));
  if (!getClientLimits(runtime.env).takeSnapshot(keys).ok) return undefined;
  // Without a reachable bus (Redis down) the page still renders; the stream fills it in later.
  return runtime.bus.snapshot(new Set(readable)).catch(() => undefined);
}
