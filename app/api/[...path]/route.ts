import { jsonError } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** Any other /api path: a JSON 404 (API clients should not have to parse the HTML error page). */
function notFound(request: Request): Response {
  return jsonError(404, 'not_found', `No endpoint at ${new URL(request.url).pathname}; see docs/protocol.md.`);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
