import 'server-only';

/**
 * Which site a request was sent to (scheme, host and port) and from which address, told apart
 * from what its sender merely claims.
 *
 * `X-Forwarded-Proto`, `-Host` and `-For` are set by a proxy in front (deploy/nginx.conf) — or by
 * anyone at all, since they are ordinary headers. So they are believed only from a proxy listed
 * in `TRUSTED_PROXIES`:
 *
 * - **Raw path** (`npm run start:raw`): the server sees the socket. A request whose peer is not a
 *   trusted proxy has these headers replaced before anything reads them (`vetForwardedHeaders`,
 *   applied to every request, the ones handed to Next included): `-For` becomes the peer's
 *   address, `-Proto` and `-Host` are dropped. Exact.
 * - **Route handlers** (`npm start`): Next does not show a route the socket, and it fills these
 *   headers from the socket only when the request has none. So `TRUSTED_PROXIES` set means "every
 *   request reaches this server through those proxies" (bind the app where only they can reach
 *   it), and the headers are believed; unset, they are ignored: the site is `http://` + `Host`.
 */

/** Normalises an address: IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is the same client as `127.0.0.1`. */
export function normalizeIp(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/** `TRUSTED_PROXIES` (validated at boot by env.ts) as a set of normalised addresses. */
export function parseTrustedProxies(raw: string | undefined): ReadonlySet<string> {
  return new Set(
    (raw ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map(normalizeIp),
  );
}

const GLOBAL_KEY = '__realtimeDashboardTrustedProxies';
type GlobalWithProxies = typeof globalThis & { [GLOBAL_KEY]?: ReadonlySet<string> };

/** This process's trusted proxies, read once from the environment. */
export function trustedProxies(): ReadonlySet<string> {
  const g = globalThis as GlobalWithProxies;
  g[GLOBAL_KEY] ??= parseTrustedProxies(process.env.TRUSTED_PROXIES);
  return g[GLOBAL_KEY];
}

/**
 * The client's address from a socket peer and the `X-Forwarded-For` it sent: the peer, unless it
 * is a trusted proxy; then the rightmost hop that is not itself a trusted proxy (proxies append,
 * so everything left of the last untrusted hop is the client's to forge).
 */
export function clientIp(peer: string | null, forwardedFor: string | null, proxies: ReadonlySet<string>): string {
  const direct = peer ? normalizeIp(peer) : 'unknown';
  if (!forwardedFor || !proxies.has(direct)) return direct;
  const hops = forwardedFor.split(',').map(normalizeIp).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!proxies.has(hop)) return hop;
  }
  return hops[0] ?? direct;
}

/**
 * The client's address as a route handler can know it (no socket): from `X-Forwarded-For`,
 * which the raw server has vetted, or Next filled from the socket when the client sent none, or
 * a trusted proxy appended to. The rightmost hop not a trusted proxy; with no proxy configured,
 * the last hop. Exact behind a trusted proxy or the raw server; a client that reaches `npm start`
 * directly can choose it (docs/auth.md, "Where per-IP limits are exact").
 */
export function clientIpFromHeaders(headers: Headers, proxies: ReadonlySet<string>): string {
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const last = hops.pop();
  if (!last) return 'unknown';
  // The last hop stands for the peer; behind a trusted proxy walk left past the proxies.
  return proxies.size > 0 && proxies.has(normalizeIp(last))
    ? clientIp(last, hops.join(', ') || null, proxies)
    : normalizeIp(last);
}

export interface Site {
  scheme: 'http' | 'https';
  /** `host[:port]` as the client addressed it, or null when the request named none. */
  host: string | null;
}

const first = (value: string | null) => value?.split(',')[0]?.trim() || null;

/** The site this request was sent to, believing forwarded headers only as described above. */
export function siteOf(headers: Headers, proxies: ReadonlySet<string>): Site {
  const believe = proxies.size > 0;
  const proto = believe ? first(headers.get('x-forwarded-proto'))?.toLowerCase() : null;
  const host = (believe ? first(headers.get('x-forwarded-host')) : null) ?? first(headers.get('host'));
  return { scheme: proto === 'https' ? 'https' : 'http', host };
}

/** `scheme://host[:port]` of the site, normalised as browsers write `Origin` (default ports dropped), or null. */
export function siteOrigin(site: Site): string | null {
  if (!site.host) return null;
  try {
    const url = new URL(`${site.scheme}://${site.host}`);
    // A Host header is `host[:port]`, nothing more: anything that parses into more is no site.
    const bare = !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
    return bare ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * For the raw server: makes a request's forwarded headers trustworthy before anything reads
 * them. From a trusted proxy they stay, with `-For` reduced to the client it names; from anyone
 * else `-For` becomes the peer and `-Proto`/`-Host` are dropped. Mutates Node's header object.
 */
export function vetForwardedHeaders(
  headers: Record<string, string | string[] | undefined>,
  peer: string | null,
  proxies: ReadonlySet<string>,
): void {
  const forwardedFor = headers['x-forwarded-for'];
  const joined = Array.isArray(forwardedFor) ? forwardedFor.join(', ') : (forwardedFor ?? null);
  const fromProxy = peer !== null && proxies.has(normalizeIp(peer));
  headers['x-forwarded-for'] = clientIp(peer, joined, proxies);
  if (!fromProxy) {
    delete headers['x-forwarded-proto'];
    delete headers['x-forwarded-host'];
  }
}
