// @ts-check
// The dashboard in headless Chromium, for the browser benches: one browser, one context (so its
// tabs share one stream, as a user's tabs do), tall enough that every chart is in view and so
// painted, as on a wall display; tabs opened and waited on until they are live in a given role.
import { existsSync } from 'node:fs';

export const VIEWPORT = { width: 1280, height: 2000 };

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').Browser} Browser */
/** @typedef {import('@playwright/test').BrowserContext} BrowserContext */

/** @returns {Promise<{ browser: Browser, context: BrowserContext }>} */
export async function launchDashboardBrowser() {
  const { chromium } = await import('@playwright/test');
  const executablePath =
    process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  return { browser, context: await browser.newContext({ viewport: VIEWPORT }) };
}

/**
 * Opens the dashboard in a new tab of `context` and waits until it is live in `role` and its
 * charts have drawn.
 * @param {BrowserContext} context
 * @param {string} url
 * @param {'leader' | 'follower'} role
 * @returns {Promise<Page>}
 */
export async function openTab(context, url, role) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector(`[data-testid="connection-state"][data-state="live"][data-role="${role}"]`);
  // Every feed's chart has drawn (uPlot sets `data-x-end` on its first draw).
  await page.waitForFunction(() => {
    const cards = document.querySelectorAll('[data-feed]').length;
    return cards > 0 && document.querySelectorAll('[data-feed] [data-x-end]').length === cards;
  });
  return page;
}

/**
 * How many feed cards (each with its chart) lie wholly inside the viewport, e.g. `8 of 8`.
 * @param {Page} page
 */
export const chartsInView = (page) =>
  page.evaluate(() => {
    const cards = [...document.querySelectorAll('[data-feed]')];
    return `${cards.filter((c) => c.getBoundingClientRect().bottom <= innerHeight).length} of ${cards.length}`;
  });
