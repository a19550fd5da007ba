import { describe, expect, it } from 'vitest';
import { followPageLifecycle } from './page-lifecycle';

/** Page lifecycle events map to resign / rejoin / close. */

function setup() {
  const calls: string[] = [];
  const sharing = {
    resign: () => void calls.push('resign'),
    rejoin: () => void calls.push('rejoin'),
    close: () => void calls.push('close'),
  };
  const targets = { window: new EventTarget(), document: new EventTarget() };
  const stop = followPageLifecycle(sharing, targets);
  const transition = (type: string, persisted: boolean) =>
    targets.window.dispatchEvent(Object.assign(new Event(type), { persisted }));
  return { calls, targets, stop, transition };
}

describe('followPageLifecycle()', () => {
  it('resigns when the page enters the back/forward cache and rejoins when it comes back', () => {
    const { calls, transition } = setup();
    transition('pagehide', true);
    transition('pageshow', true);
    expect(calls).toEqual(['resign', 'rejoin']);
  });

  it('closes on a pagehide that is not kept in the cache, and ignores a first pageshow', () => {
    const { calls, transition } = setup();
    transition('pageshow', false);
    transition('pagehide', false);
    expect(calls).toEqual(['close']);
  });

  it('resigns on freeze and rejoins on resume; stops listening when unsubscribed', () => {
    const { calls, targets, stop } = setup();
    targets.document.dispatchEvent(new Event('freeze'));
    targets.document.dispatchEvent(new Event('resume'));
    stop();
    targets.document.dispatchEvent(new Event('freeze'));
    expect(calls).toEqual(['resign', 'rejoin']);
  });
});
