import { FEEDS } from '@/lib/metrics/feeds';
import { json, methodNotAllowed } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** GET /api/feeds: the catalogue (name, label, unit, bounds, decimals) of every feed. */
export function GET(): Response {
  return json({
    feeds: FEEDS.map(({ name, label, unit, min, max, decimals }) => ({ name, label, unit, min, max, decimals })),
  });
}

const notAllowed = methodNotAllowed('GET');
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
