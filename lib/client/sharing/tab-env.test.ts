import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserTabEnv } from './tab-env';
import { createTabSharing } from './tab-sharing';
import type { FollowerMessage, TabSharing } from './types';
import { FEED_A } from '@/lib/testing/catalogue';

/**
 * The real adapters, against the real APIs: Node 24 has `BroadcastChannel` and `navigator.locks`
 * with browser semantics (one process plays one browser profile). Catches what the fake browser
 * cannot: option names, `ifAvailable` and abort behaviour, structured clone of our messages.
 */

const open: TabSharing[] = [];
afterEach(() => {
  for (const sharing of open.splice(0)) sharing.close();
});

function tab(channelName: string) {
  const received: FollowerMessage[] = [];
  const sharing = createTabSharing({ env: browserTabEnv(), channelName, cursor: () => null, onRole: () => {} });
  sharing.onMessage((message) => received.push(message));
  open.push(sharing);
  sharing.start();
  return { sharing, received };
}

describe('browserTabEnv() on the real platform APIs', () => {
  it('elects one leader with Web Locks, fans events out over BroadcastChannel, and hands over on close', async () => {
    const name = `tab-env-test-${process.pid}-${Date.now()}`;
    const tabs = [tab(name), tab(name), tab(name)];
    const roles = () => tabs.map((t) => t.sharing.role()).sort();
    await vi.waitFor(() => expect(roles()).toEqual(['follower', 'follower', 'leader']), { timeout: 5000 });
    expect(tabs[0]?.sharing.mode()).toBe('locks');

    const leader = tabs.find((t) => t.sharing.role() === 'leader')!;
    leader.sharing.publish({ kind: 'metric', cursor: 'ep.1', event: { feed: FEED_A, seq: 1, ts: 1, value: 2 } });
    const followers = tabs.filter((t) => t !== leader);
    await vi.waitFor(
      () => {
        for (const follower of followers) {
          expect(
            follower.received.filter((m) => m.kind === 'item').map((m) => m.kind === 'item' && m.item.cursor),
          ).toEqual(['ep.1']);
        }
      },
      { timeout: 5000 },
    );

    leader.sharing.close();
    await vi.waitFor(() => expect(followers.map((t) => t.sharing.role()).sort()).toEqual(['follower', 'leader']), {
      timeout: 5000,
    });
  });
});
