import 'server-only';
import { isIPv6 } from 'node:net';
import type { Principal } from '../auth/principal';

/**
 * Whom a per-client limit counts. A limit must not let one visitor use up another's share, so:
 *
 * - **signed in**: the session (`session:<id>`): two people who both signed in as the demo's
 *   shared `ops` user are two clients. For a real user (not `shared`) every session of theirs
 *   also counts towards one per-user total (`user:<id>`): eight tabs on a phone and a laptop are
 *   one person. And the address (`ip:<address>`) counts every session behind it, with room for
 *   several (CLIENTS_PER_IP), so one address cannot open sessions without end to multiply its share.
 * - **no session** (AUTH_MODE=off): the address.
 *
 * IPv6 addresses count per /64, the block one subscriber usually holds: counting each address
 * would hand one machine 2^64 budgets.
 */

export interface ClientKeys {
  /** The client itself: `session:<id>`, or `ip:<address>` without a session. */
  client: string;
  /** `user:<id>` for a real user's sessions together; null for shared users and sessionless clients. */
  user: string | null;
  /** `ip:<address>` for the sessions behind one address; null without a session (the client is the address). */
  ip: string | null;
}

/** The address as a limit key: IPv4 as is, IPv6 by its /64. */
export function addressKey(ip: string): string {
  if (!isIPv6(ip)) return `ip:${ip}`;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `ip:${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export function clientKeys(principal: Principal, ip: string): ClientKeys {
  const address = addressKey(ip);
  if (principal.kind !== 'user' || !principal.sessionId) return { client: address, user: null, ip: null };
  return {
    client: `session:${principal.sessionId}`,
    user: principal.shared ? null : `user:${principal.id}`,
    ip: address,
  };
}
