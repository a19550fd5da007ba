import 'server-only';

/**
 * Whether an `Origin` header names the host a request was sent to. Pure (used by proxy.ts and
 * the auth routes). The host comes from `X-Forwarded-Host` when a proxy sets it, else `Host`;
 * a proxy that forwards `Host` without its port (nginx's `$host`) is matched on the hostname.
 */
export function originMatchesHost(origin: string, host: string | null): boolean {
  if (!host) return false;
  let originUrl: URL;
  let hostUrl: URL;
  try {
    originUrl = new URL(origin);
    hostUrl = new URL(`http://${host}`);
  } catch {
    return false;
  }
  return hostUrl.port === '' ? originUrl.hostname === hostUrl.hostname : originUrl.host === hostUrl.host;
}

export function requestHost(headers: Headers): string | null {
  return headers.get('x-forwarded-host') ?? headers.get('host');
}
