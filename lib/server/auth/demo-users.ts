import 'server-only';
import type { FeedName } from '@/lib/metrics/feeds';

/**
 * DEMO SCAFFOLDING — replace with your identity provider when you fork.
 *
 * Two users with different feed scopes, so the dashboard can show scoping: `ops` reads every
 * feed; `viewer` reads only the service-level feeds (what a customer-facing status page might
 * show), not the infrastructure ones. Sign-in is one click (no password): it proves the session
 * mechanics, not authentication. A real app verifies credentials, then issues the same session.
 */
export interface DemoUser {
  id: string;
  name: string;
  feeds: 'all' | readonly FeedName[];
}

export const DEMO_USERS = [
  { id: 'ops', name: 'Ops (all feeds)', feeds: 'all' },
  { id: 'viewer', name: 'Viewer (service feeds)', feeds: ['rps', 'latency_p95', 'error_rate'] },
] as const satisfies readonly DemoUser[];

export function findDemoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.id === id);
}
