import { afterEach, expect, it, vi } from 'vitest';
import { createFakeEnv, settle } from '@/lib/client/testing/fake-env';
import { roleListener } from '@/lib/client/testing/role-listener';
import { createBrowserSource } from './browser-live';

/**
 * The other side of browser-source.test.ts: with `sharing: 'tabs'` the source does join the
 * browser's election, so the spies that see nothing with `'off'` would see it. (Deleted with tab
 * sharing: docs/fork.md, "Drop tab sharing".)
 */

const RealBroadcastChannel = globalThis.BroadcastChannel;
afterEach(() => {
  globalThis.BroadcastChannel = RealBroadcastChannel;
  vi.restoreAllMocks();
});

it("with sharing 'tabs' opens a BroadcastChannel and asks for a Web Lock", async () => {
  let channels = 0;
  globalThis.BroadcastChannel = class extends RealBroadcastChannel {
    constructor(name: string) {
      super(name);
      channels += 1;
    }
  };
  const locks = vi.spyOn(navigator.locks, 'request');
  const fake = createFakeEnv();
  const source = createBrowserSource({
    url: '/api/stream',
    sharing: 'tabs',
    env: fake.env,
    watchLifecycle: () => () => {},
  });
  const roles: string[] = [];
  const listener = roleListener(roles);

  source.start(listener);
  await settle();

  expect(channels).toBeGreaterThan(0);
  expect(locks).toHaveBeenCalled();
  source.stop();
});
