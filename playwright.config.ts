import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/**
 * Playwright e2e against the production build (`npm run build` first; `npm test` does it).
 * No `webServer`: every test starts its own server (and chaos proxy) through the fixtures in
 * e2e/fixtures, because restart tests must be able to kill and restart it.
 *
 * Browsers: the system Chromium when there is one (CHROMIUM_PATH, else /usr/bin/chromium),
 * otherwise Playwright's own (`npx playwright install chromium` on a laptop). The drop, tab-sharing
 * and lifecycle specs also run in Firefox ESR (FIREFOX_PATH, else /usr/bin/firefox-esr), driven
 * over WebDriver BiDi: those engines differ on exactly what they test (back/forward cache,
 * freezing, background tabs). No Firefox there: that project is left out with a printed warning
 * locally, and CI (which installs firefox-esr) fails instead. e2e/README.md "Browsers" says why
 * Playwright is pinned where it is.
 */

const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = existsSync(systemChromium) ? systemChromium : undefined;
if (!executablePath) {
  console.warn(
    `[playwright] no Chromium at ${systemChromium}: using Playwright's own browser (install it with \`npx playwright install chromium\`, or set CHROMIUM_PATH).`,
  );
}

const systemFirefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const hasFirefox = existsSync(systemFirefox);
if (!hasFirefox) {
  const message = `[playwright] no Firefox at ${systemFirefox}: the firefox project is not run (install firefox-esr, or set FIREFOX_PATH).`;
  if (process.env.CI) throw new Error(message);
  console.warn(message);
}

/**
 * The specs whose subject differs between engines: network drops, tab sharing, page lifecycle,
 * and the native EventSource against a scripted stream.
 */
const BOTH_ENGINES = ['**/drop-*.spec.ts', '**/tabs-*.spec.ts', '**/lifecycle-*.spec.ts', '**/scripted-sse.spec.ts'];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Each spec drives one server and real sockets: run them one at a time on a 2-core machine.
  workers: 1,
  fullyParallel: false,
  // Generous bounds, because specs wait for states and a busy machine (CI, several builds, a
  // core pinned at 100 %) only makes each state arrive later: a passing test never waits them
  // out, and a failing one still fails, just later. Durations that are the behaviour under test
  // are asserted in the specs, with LOADED_TIMER_SLACK_MS (e2e/fixtures/index.ts).
  timeout: 120_000,
  expect: { timeout: 20_000 },
  retries: 0,
  reporter: 'list',
  use: {
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(executablePath ? { executablePath } : {}),
          // Headless in a container: no sandbox as root, no GPU, no calls to Google's services.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    ...(hasFirefox
      ? [
          {
            name: 'firefox',
            testMatch: BOTH_ENGINES,
            use: {
              // The real Firefox's user agent, not the device list's: the engine is what is tested.
              viewport: devices['Desktop Firefox'].viewport,
              // No locale override: this Firefox ESR does not know the BiDi command for it, and the
              // suite reads no locale-dependent text.
              locale: '',
              // Firefox over WebDriver BiDi, which a stock (Debian) Firefox speaks; Playwright's
              // `firefox` needs its own patched build. The private name is how this Playwright
              // version selects it (`firefox` + channel `moz-firefox` in later ones).
              browserName: '_bidiFirefox' as 'firefox',
              channel: 'moz-firefox',
              launchOptions: { executablePath: systemFirefox },
            },
          },
        ]
      : []),
  ],
});
