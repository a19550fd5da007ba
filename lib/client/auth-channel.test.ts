import { afterEach, describe, expect, it, vi } from 'vitest';
import { announceSignOut, AUTH_CHANNEL, onSignOutElsewhere } from './auth-channel';

/** Node has BroadcastChannel: objects of one name hear each other, as tabs of a browser do. */

/** Resolves once a third listener has heard the next message: by then every listener has. */
function delivered(): Promise<void> {
  const probe = new BroadcastChannel(AUTH_CHANNEL);
  return new Promise((resolve) => {
    probe.onmessage = () => {
      probe.close();
      setTimeout(resolve, 0);
    };
  });
}

describe('auth channel', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => cleanup.splice(0).forEach((off) => off()));

  it("hears another tab's sign-out", async () => {
    let heard = 0;
    cleanup.push(onSignOutElsewhere(() => (heard += 1)));
    const otherTab = new BroadcastChannel(AUTH_CHANNEL);
    otherTab.postMessage({ kind: 'signed-out', from: 'another-page' });
    otherTab.close();
    await vi.waitFor(() => expect(heard).toBe(1));
  });

  it('does not hear its own sign-out (the page is already leaving: a second navigation would abort the first)', async () => {
    let heard = 0;
    cleanup.push(onSignOutElsewhere(() => (heard += 1)));
    const done = delivered();
    announceSignOut();
    await done;
    expect(heard).toBe(0);
  });
});
