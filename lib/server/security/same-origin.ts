import 'server-only';
import { siteOf, siteOrigin } from './forwarded';

/**
 * Whether an `Origin` header names exactly the site a request was sent to: same scheme, host
 * and port (`https://a.example` is not `http://a.example`, nor `https://a.example:8443`). The
 * site comes from `Host`, and from `X-Forwarded-Proto`/`-Host` only when they are believed
 * (forwarded.ts). Pure: used by proxy.ts, the raw stream path and the auth routes.
 */
export function originMatchesSite(origin: string, headers: Headers, proxies: ReadonlySet<string>): boolean {
  const expected = siteOrigin(siteOf(headers, proxies));
  if (!expected) return false;
  try {
    return new URL(origin).origin === expected;
  } catch {
    return false; // `null` and other opaque origins match nothing
  }
}
