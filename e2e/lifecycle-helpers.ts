import type { BrowserContext, CDPSession, Page } from '@playwright/test';

/**
 * Helpers for the page-lifecycle specs (docs/lifecycle.md): drive Chromium's
 * Page Lifecycle through CDP, and record in the page which lifecycle events it saw.
 */

export interface LifecycleEntry {
  type: string;
  /** `pagehide` / `pageshow` only: whether the page is kept in / restored from the back/forward cache. */
  persisted?: boolean;
}

declare global {
  interface Window {
    __lifecycle?: LifecycleEntry[];
  }
}

/** Records freeze, resume, pagehide and pageshow in `window.__lifecycle` (call before `goto`). */
export async function recordLifecycle(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__lifecycle = [];
    const log = (event: Event) =>
      window.__lifecycle?.push({
        type: event.type,
        ...('persisted' in event ? { persisted: (event as PageTransitionEvent).persisted } : {}),
      });
    for (const type of ['pagehide', 'pageshow']) window.addEventListener(type, log);
    for (const type of ['freeze', 'resume']) document.addEventListener(type, log);
  });
}

export const lifecycleEvents = (page: Page) => page.evaluate(() => window.__lifecycle ?? []);

/**
 * Freezes and resumes `page` the way Chrome's Page Lifecycle does: `freeze` fires, then the page
 * stops running; it runs again, then `resume` fires.
 *
 * CDP `Page.setWebLifecycleState` is sent, but measured on the Debian Chromium 156 this suite
 * runs (headless): it answers ok yet neither stops the page's timers nor fires `freeze` or
 * `resume` (a 100 ms interval kept ticking for the 1.5 s "frozen"). So the helper also fires the
 * two events in the page itself, exactly where Chrome fires them. Where CDP does freeze the page,
 * the handlers see the event twice, which they must (and do) tolerate.
 */
export async function lifecycleControl(context: BrowserContext, page: Page) {
  const cdp: CDPSession = await context.newCDPSession(page);
  const fire = (type: 'freeze' | 'resume') => page.evaluate((t) => void document.dispatchEvent(new Event(t)), type);
  return {
    cdp,
    async freeze() {
      await fire('freeze');
      await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    },
    async resume() {
      await cdp.send('Page.setWebLifecycleState', { state: 'active' });
      await fire('resume');
    },
  };
}
