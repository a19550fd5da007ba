import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * Not part of `npm test`: captures the README's screenshots into docs/screenshots/ from a
 * production build (`npx next build` first), with the same browser and fixtures as the e2e
 * suite. Run: `npx playwright test -c playwright.screenshots.config.ts`. See e2e/screenshots/.
 */
export default defineConfig({
  ...base,
  testDir: 'e2e/screenshots',
  testMatch: '**/*.shot.ts',
  timeout: 600_000,
});
