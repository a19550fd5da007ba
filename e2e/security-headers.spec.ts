import { badge, expect, test } from './fixtures';

/**
 * The page runs under its Content-Security-Policy with no violation: Next's scripts carry the
 * per-request nonce, the lazily loaded chart chunk is allowed through `'strict-dynamic'`, and the
 * stream is a same-origin connection. A violation would show as a `securitypolicyviolation`
 * event (and a console error, which `appErrors` would also catch).
 */

test('the dashboard goes live and draws charts with no CSP violation', async ({ page, appErrors }) => {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (window as unknown as { reportViolation(text: string): Promise<void> }).reportViolation(
        `${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });

  const response = await page.goto('/');
  const headers = response!.headers();
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-eval'); // production build
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');

  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect(page.locator('[data-feed] canvas').first()).toBeVisible();
  expect(violations).toEqual([]);
  expect(appErrors).toEqual([]);
});

test('every nonce is fresh: two loads get different nonces', async ({ request }) => {
  const nonce = async () =>
    /'nonce-([^']+)'/.exec((await request.get('/')).headers()['content-security-policy'] ?? '')?.[1];
  const [a, b] = [await nonce(), await nonce()];
  expect(a).toBeTruthy();
  expect(a).not.toBe(b);
});
