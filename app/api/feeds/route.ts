import { FEEDS } from '@/lib/metrics/feeds';
import { getAuth } from '@/lib/server/auth/auth-runtime';
import { canRead } from '@/lib/server/auth/principal';
import { unauthenticated } from '@/lib/server/admission';
import { json, methodNotAllowed, toResponse } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/feeds: the catalogue (name, label, unit, bounds, decimals) of the feeds the caller may
 * read — only those, so the catalogue does not advertise what a scope hides. 401 without a
 * valid session (AUTH_MODE=session); everything under AUTH_MODE=off. `mode` says which.
 */
export async function GET(request: Request): Promise<Response> {
  const auth = getAuth();
  const result = await auth.authenticator.authenticate(request.headers);
  if (!result.ok) return toResponse(unauthenticated(result.reason));
  const { principal } = result;
  return json({
    mode: auth.config.mode,
    feeds: FEEDS.filter((feed) => canRead(principal, feed.name)).map(({ name, label, unit, min, max, decimals }) => ({
      name,
      label,
      unit,
      min,
      max,
      decimals,
    })),
  });
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
