import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SharedStreamListener } from '@/lib/client/stream-source';
import { createFakeEnv, settle } from '@/lib/client/testing/fake-env';
import { roleListener } from '@/lib/client/testing/role-listener';
import { createBrowserSource } from './browser-live';

/**
 * The sharing switch (`APP_CONFIG.sharing`): with `'off'` the tab opens its own stream and no
 * sharing code runs — no BroadcastChannel is made and no Web Lock is asked for. Node 24 has both
 * APIs, so the real browser tab env (sharing/tab-env.ts) would use them:
 * browser-source-sharing.test.ts shows the same spies see them with `'tabs'`.
 */

function fakeListener(): SharedStreamListener & { roles: string[] } {
  const roles: string[] = [];
  return { ...roleListener(roles), roles };
}

describe('createBrowserSource', () => {
  let channels = 0;
  const RealBroadcastChannel = globalThis.BroadcastChannel;

  beforeEach(() => {
    channels = 0;
    globalThis.BroadcastChannel = class extends RealBroadcastChannel {
      constructor(name: string) {
        super(name);
        channels += 1;
      }
    };
  });
  afterEach(() => {
    globalThis.BroadcastChannel = RealBroadcastChannel;
    vi.restoreAllMocks();
  });

  it("with sharing 'off' opens this tab's own stream and uses no channel and no lock", async () => {
    const locks = vi.spyOn(navigator.locks, 'request');
    const fake = createFakeEnv();
    const source = createBrowserSource({
      url: '/api/stream',
      sharing: 'off',
      env: fake.env,
      watchLifecycle: () => () => {},
    });
    const listener = fakeListener();

    source.start(listener);
    await settle();

    expect(fake.requests.map((r) => new URL(r.url, 'http://x').pathname)).toEqual(['/api/stream']);
    expect(listener.roles).toEqual(['solo']);
    expect(channels).toBe(0);
    expect(locks).not.toHaveBeenCalled();
    source.stop();
    expect(fake.last().aborted).toBe(true);
  });
});
