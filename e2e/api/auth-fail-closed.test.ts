import { describe, expect, it } from 'vitest';
import { startNextServer, type StartOptions } from '../fixtures/next-server';

/**
 * Fail-closed start: only `npm run dev` may use the public dev-only secret. Every production
 * start — `npm start` and `npm run start:raw`, whatever NODE_ENV says — exits with a clear
 * message without a real AUTH_SECRET, with the published dev secret, with a guessable one, or
 * with a CORS_ORIGINS entry that is not an origin. (The fixture gives every server a random
 * secret; these tests take it away or replace it.)
 */

const DEV_ONLY_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';

/** Starts a server that must refuse to start; resolves with what it printed. */
async function refusedStart(options: StartOptions): Promise<string> {
  const error = await startNextServer({ readyTimeoutMs: 25_000, ...options }).then(
    async (server) => {
      await server.stop('SIGKILL');
      throw new Error(`the server started with ${JSON.stringify(options.env)}`);
    },
    (refusal: unknown) => String(refusal),
  );
  expect(error).toMatch(/the server exited with 1/);
  return error;
}

describe('a production start refuses to run without a real AUTH_SECRET', () => {
  it('npm start with NODE_ENV=test and no AUTH_SECRET', async () => {
    const output = await refusedStart({ env: { NODE_ENV: 'test', AUTH_SECRET: '' } });
    expect(output).toMatch(/AUTH_SECRET is not set\. Only `npm run dev` may run without it/);
  });

  it('npm run start:raw with NODE_ENV=staging and no AUTH_SECRET', async () => {
    const output = await refusedStart({ streamPath: 'raw', env: { NODE_ENV: 'staging', AUTH_SECRET: '' } });
    expect(output).toMatch(/AUTH_SECRET is not set/);
  });

  it('npm start with NODE_ENV=development (a production build is not the dev server)', async () => {
    const output = await refusedStart({ env: { NODE_ENV: 'development', AUTH_SECRET: '' } });
    expect(output).toMatch(/AUTH_SECRET is not set/);
  });

  it('the published dev-only secret and a guessable one are refused, naming the variable', async () => {
    expect(await refusedStart({ env: { AUTH_SECRET: DEV_ONLY_SECRET } })).toMatch(
      /AUTH_SECRET: is a published example value/,
    );
    expect(await refusedStart({ streamPath: 'raw', env: { AUTH_SECRET: 'a'.repeat(32) } })).toMatch(
      /AUTH_SECRET: is a shorter string repeated/,
    );
  });

  it('CORS_ORIGINS must be exact origins: `null` is refused', async () => {
    const output = await refusedStart({ env: { CORS_ORIGINS: 'https://ops.example.com, null' } });
    expect(output).toMatch(/CORS_ORIGINS: "null" `null` is the origin of any sandboxed iframe/);
  });
});
