import 'server-only';

/**
 * CORS for `/api/*`: same-origin only by default; origins listed in CORS_ORIGINS (comma-separated,
 * exact `scheme://host[:port]`) may call the API with credentials (the session cookie), e.g. a
 * dashboard on another subdomain using `new EventSource(url, { withCredentials: true })`, and may
 * renew and end their session (the auth routes accept them too).
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

/**
 * Why one CORS_ORIGINS entry is not an origin, or null. Only `http(s)://host[:port]` is: no
 * path, query, credentials or wildcard, and never `null` — the origin of sandboxed iframes and
 * `data:` pages anywhere, which would hand every one of them the user's session.
 */
export function corsOriginProblem(entry: string): string | null {
  if (entry === 'null') return '`null` is the origin of any sandboxed iframe or data: page, not a site';
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return 'is not scheme://host[:port]';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be http:// or https://';
  if (url.origin !== entry) return `must be exactly scheme://host[:port] (did you mean ${url.origin}?)`;
  return null;
}

const entriesOf = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter(Boolean);

/** Every problem of a CORS_ORIGINS value, for the boot-time check (env.ts). */
export function corsOriginsProblems(value: string | undefined): string[] {
  return entriesOf(value).flatMap((entry) => {
    const problem = corsOriginProblem(entry);
    return problem ? [`${JSON.stringify(entry)} ${problem}`] : [];
  });
}

/** The allowlist. Invalid entries never match (boot refuses to start with any; env.ts). */
export function parseCorsOrigins(value: string | undefined): ReadonlySet<string> {
  return new Set(entriesOf(value).filter((entry) => corsOriginProblem(entry) === null));
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
