import 'server-only';

/** JSON error bodies share one shape: `{ error: { code, message } }` (see docs/protocol.md). */
export function jsonError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  return Response.json(data, { ...init, headers: { 'Cache-Control': 'no-store', ...init.headers } });
}

/** For every method a route does not implement: a JSON 405 naming what is allowed. */
export function methodNotAllowed(allowed: string): () => Response {
  return () => jsonError(405, 'method_not_allowed', `Use ${allowed} on this endpoint.`, { Allow: allowed });
}
