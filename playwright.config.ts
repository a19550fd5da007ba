import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/**
 * Playwright e2e against the production build (`npm run build` first; `npm test` does it).
 * No `webServer`: every test starts its own server (and chaos proxy) through the fixtures in
 * e2e/fixtures, because restart tests must be able to kill and restart it.
 *
 * Browser: the system Chromium when there is one (CHROMIUM_PATH, else /usr/bin/chromium),
 * otherwise Playwright's own (`npx playwright install chromium` on a laptop).
 */

const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = existsSync(systemChromium) ? systemChromium : undefined;
if (!executablePath) {
  console.warn(
    `[playwright] no Chromium at ${systemChromium}: using Playwright's own browser (install it with \`npx playwright install chromium\`, or set CHROMIUM_PATH).`,
  );
}

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
  ],
});
