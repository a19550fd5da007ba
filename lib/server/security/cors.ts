import 'server-only';

/**
 * CORS for `/api/*`: same-origin only by default; origins listed in CORS_ORIGINS (comma-separated,
 * exact `scheme://host[:port]`) may call the API with credentials (the session cookie), e.g. a
 * dashboard on another subdomain using `new EventSource(url, { withCredentials: true })`.
 *
 * Any other cross-origin request is refused with 403 JSON before it reaches a route, so it
 * cannot open a stream or build a snapshot whose answer the browser would then hide anyway.
 * Pure: proxy.ts applies it; the unit test checks every branch.
 */

export type CorsDecision =
  | { kind: 'same-origin' }
  | { kind: 'preflight'; headers: Record<string, string> }
  | { kind: 'allowed'; headers: Record<string, string> }
  | { kind: 'denied' };

export function parseCorsOrigins(value: string | undefined): ReadonlySet<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((origin) => origin.trim().replace(/\/$/, ''))
      .filter(Boolean),
  );
}

export function decideCors(
  method: string,
  origin: string | null,
  sameOrigin: boolean,
  allowed: ReadonlySet<string>,
): CorsDecision {
  if (!origin || sameOrigin) return { kind: 'same-origin' };
  if (!allowed.has(origin)) return { kind: 'denied' };
  const headers = {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
  if (method === 'OPTIONS') {
    return {
      kind: 'preflight',
      headers: {
        ...headers,
        'Access-Control-Allow-Methods': 'GET, POST, DELETE',
        // Last-Event-ID: a fetch-based SSE client resumes with it; X-Stream-Refusals: it reads 429/503 (admission.ts).
        // The fault token is never allowed cross-origin.
        'Access-Control-Allow-Headers': 'Content-Type, Last-Event-ID, X-Stream-Refusals',
        'Access-Control-Max-Age': '600',
      },
    };
  }
  return { kind: 'allowed', headers };
}
