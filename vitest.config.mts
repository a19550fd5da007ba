import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('./', import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@/': root,
      'server-only': fileURLToPath(new URL('./lib/testing/server-only-stub.ts', import.meta.url)),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'app/**/*.test.{ts,tsx}', 'e2e/kit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // Against a real `next start` of the production build: run `npm run build` first.
        extends: true,
        test: {
          name: 'integration',
          include: ['e2e/api/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file starts its own servers on free ports; two at a time suits 2 cores.
          maxWorkers: 2,
        },
      },
    ],
  },
});
