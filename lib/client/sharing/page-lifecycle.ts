import type { TabSharing } from './types';

/**
 * Hands the lead over before the page stops running. A page put in the back/forward cache or
 * frozen (Page Lifecycle API) keeps its Web Lock and its place in the queue, yet runs no code:
 * its tabs would wait for a leader that never speaks. So:
 *
 *   pagehide (persisted) / freeze  → resign(): release the lock, leave the queue, say goodbye
 *   pageshow (persisted) / resume  → rejoin(): stand again, and catch up on what was missed
 *   pagehide (not persisted)       → close(): the page is going away for good
 *
 * A discarded or crashed tab runs none of this; the browser releases its lock, and with the
 * lease election its silence ends in a claim.
 */

interface PageTransition {
  persisted?: boolean;
}

/** `window` and `document`, or fakes in tests. */
export interface LifecycleTargets {
  window: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  document: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
}

/** Subscribes `sharing` to the page's lifecycle; returns the unsubscribe. */
export function followPageLifecycle(
  sharing: Pick<TabSharing, 'resign' | 'rejoin' | 'close'>,
  targets: LifecycleTargets = { window, document },
): () => void {
  const onPageHide = (event: Event) => ((event as PageTransition).persisted ? sharing.resign() : sharing.close());
  const onPageShow = (event: Event) => (event as PageTransition).persisted && sharing.rejoin();
  const onFreeze = () => sharing.resign();
  const onResume = () => sharing.rejoin();
  targets.window.addEventListener('pagehide', onPageHide);
  targets.window.addEventListener('pageshow', onPageShow);
  targets.document.addEventListener('freeze', onFreeze);
  targets.document.addEventListener('resume', onResume);
  return () => {
    targets.window.removeEventListener('pagehide', onPageHide);
    targets.window.removeEventListener('pageshow', onPageShow);
    targets.document.removeEventListener('freeze', onFreeze);
    targets.document.removeEventListener('resume', onResume);
  };
}
