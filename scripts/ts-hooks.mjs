// @ts-check
// Lets Node 24 run the project's TypeScript entries outside Next (`npm run producer`, the bench's
// recovery.ts) against the real lib/ code, with no build step and no extra dependency. Node
// strips/transforms the types itself (`--experimental-transform-types`, needed for constructor
// parameter properties); these hooks add the two things the code base relies on from its
// bundler-style resolution: the `@/` alias (tsconfig `paths`) and extensionless relative imports.
// Loaded with `--import`. An entry that imports server modules also needs
// `--conditions=react-server`, so `server-only` resolves to its empty export as it does in Next's
// server bundles.

import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);

registerHooks({
  resolve(specifier, context, next) {
    const spec = specifier.startsWith('@/') ? new URL(specifier.slice(2), root).href : specifier;
    const local = spec.startsWith('.') || spec.startsWith('file:');
    if (local && !/\.[cm]?[jt]sx?$/.test(spec)) {
      const base = new URL(spec, context.parentURL).href;
      for (const suffix of ['.ts', '.tsx', '/index.ts']) {
        if (existsSync(fileURLToPath(base + suffix))) return next(base + suffix, context);
      }
    }
    return next(spec, context);
  },
});
