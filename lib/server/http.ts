import 'server-only';

/**
 * Answers that are not streams, in one shape for both bindings: the route handler turns a
 * `PlainAnswer` into a `Response` (`toResponse`), the raw stream path writes it to a Node
 * `ServerResponse`. JSON error bodies share one shape: `{ error: { code, message } }`
 * (see docs/protocol.md).
 */

export interface PlainAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** A JSON error answer; never cached. */
export function errorAnswer(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): PlainAnswer {
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify({ error: { code, message } }),
  };
}

export function toResponse(answer: PlainAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

export function jsonError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return toResponse(errorAnswer(status, code, message, headers));
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  return Response.json(data, { ...init, headers: { 'Cache-Control': 'no-store', ...init.headers } });
}

/** The answer to a method an endpoint does not implement: a JSON 405 naming what is allowed. */
export function methodNotAllowedAnswer(allowed: string): PlainAnswer {
  return errorAnswer(405, 'method_not_allowed', `Use ${allowed} on this endpoint.`, { Allow: allowed });
}

/** For every method a route does not implement. */
export function methodNotAllowed(allowed: string): () => Response {
  return () => toResponse(methodNotAllowedAnswer(allowed));
}

/**
 * The answer to a body over its limit (request-body.ts): 413, and `Connection: close`, because
 * the rest of the upload is not read: the connection cannot carry another request.
 */
export function bodyTooLarge(limitBytes: number): Response {
  return jsonError(413, 'body_too_large', `Request bodies here are limited to ${limitBytes} bytes.`, {
    Connection: 'close',
  });
}

/** 429 with `Retry-After` (whole seconds, at least 1). */
export function tooManyRequests(retryAfterMs: number, message: string): Response {
  return jsonError(429, 'rate_limited', message, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });
}
