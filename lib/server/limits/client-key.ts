import 'server-only';

/**
 * Whom a per-client limit counts: the signed-in user when there is one (a user with 8 tabs on
 * a phone and a laptop is one client), else the IP address.
 *
 * `X-Forwarded-For` is trusted only when the socket peer is one of the configured proxies
 * (TRUSTED_PROXIES, e.g. the nginx in front): anyone can send the header, so believing it from
 * everyone would let one client pretend to be thousands. The rightmost address not itself a
 * trusted proxy is the client (proxies append, so the left part is the client's to forge).
 */

export interface ClientKeyInput {
  /** Signed-in user id, or null. */
  userId: string | null;
  /** The TCP peer address (the socket's remoteAddress), or null when unknown. */
  peer: string | null;
  /** The raw `X-Forwarded-For` header, or null. */
  forwardedFor: string | null;
}

export function normalizeIp(address: string): string {
  const trimmed = address.trim();
  // IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is the same client as its IPv4 form.
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

export function clientIp(
  peer: string | null,
  forwardedFor: string | null,
  trustedProxies: ReadonlySet<string>,
): string {
  const direct = peer ? normalizeIp(peer) : 'unknown';
  if (!forwardedFor || !trustedProxies.has(direct)) return direct;
  const hops = forwardedFor.split(',').map(normalizeIp).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!trustedProxies.has(hop)) return hop;
  }
  return hops[0] ?? direct;
}

export function clientKey(input: ClientKeyInput, trustedProxies: ReadonlySet<string>): string {
  return input.userId ? `user:${input.userId}` : `ip:${clientIp(input.peer, input.forwardedFor, trustedProxies)}`;
}
