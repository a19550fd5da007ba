import 'server-only';
import { errorAnswer, methodNotAllowedAnswer, type PlainAnswer } from '../http';
import { checkBearer } from '../ingest/bearer-token';
import type { ServerMetrics } from './server-metrics';

/**
 * `GET /api/metrics`: the server's metrics as Prometheus text, for a scraper that sends
 * `Authorization: Bearer <METRICS_TOKEN>` (deploy/prometheus.yml). 404 while METRICS_TOKEN is
 * unset (the route does not exist), 405 for anything but GET, 401 without the token or with
 * another one (compared in constant time: ingest/bearer-token.ts). The numbers say how busy the
 * server is and how it fails, which is nobody else's business: never public.
 */

export const METRICS_CHALLENGE = 'Bearer realm="metrics"';

export async function handleMetrics(
  request: Pick<Request, 'method' | 'headers'>,
  token: string | undefined,
  metrics: ServerMetrics,
): Promise<PlainAnswer> {
  if (!token) return errorAnswer(404, 'not_found', 'Not found.');
  if (request.method !== 'GET') return methodNotAllowedAnswer('GET');
  const bearer = checkBearer(request.headers.get('authorization'), token, 'METRICS_TOKEN');
  if (!bearer.ok) {
    return errorAnswer(401, 'unauthenticated', bearer.message, { 'WWW-Authenticate': METRICS_CHALLENGE });
  }
  const { contentType, body } = await metrics.exposition();
  return { status: 200, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' }, body };
}
