import { test as base } from '@playwright/test';
import { startChaosProxy, type ChaosProxy } from './chaos-proxy';
import type { KitServer } from './server';

/**
 * The kit as Playwright fixtures, for any server you can start: each test gets its own server
 * (`server`, restartable), a chaos proxy in front of it (`chaos`), and `baseURL` pointing at the
 * proxy, so `page.goto('/')` goes through the breakable link.
 *
 *   const test = dropTest((env) => startNextApp({ dir: 'my-app', env }));
 *   test.use({ serverEnv: { TICK_MS: '100' } });
 *   test('survives a cut', async ({ page, chaos }) => { await page.goto('/'); chaos.cut(); … });
 */

export interface DropFixtures<S extends KitServer> {
  /** Env for this test's server (`test.use({ serverEnv })`). Default `{}`. */
  serverEnv: Record<string, string>;
  /** This test's server: started before the test, killed (SIGKILL) after it. */
  server: S;
  /** Named `chaos` because Playwright already has a `proxy` option (an HTTP proxy for the browser). */
  chaos: ChaosProxy;
}

/** A Playwright `test` with the kit's fixtures, starting servers with `start(serverEnv)`. */
export function dropTest<S extends KitServer>(start: (env: Record<string, string>) => Promise<S>) {
  return base.extend<DropFixtures<S>>({
    serverEnv: [{}, { option: true }],
    server: async ({ serverEnv }, use) => {
      const server = await start(serverEnv);
      await use(server);
      await server.stop('SIGKILL');
    },
    chaos: async ({ server }, use) => {
      const chaos = await startChaosProxy({ target: server.port });
      await use(chaos);
      await chaos.close();
    },
    baseURL: async ({ chaos }, use) => use(chaos.url),
  });
}
