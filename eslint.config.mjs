// @ts-check
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers, lowest first: sse/metrics → server | client → store → live → app. A file imports
 * its own layer and those below it, never one above; server and client are siblings that never
 * import each other. `import type` counts too: a seam that needs a type from above is upside down.
 * The import graph is checked here, on every lint, so the layering stays true.
 */
/** @param {string} name */
const layer = (name) => `^(@/|(\\.\\./)+)(lib/)?${name}(/|$)`;
/**
 * @param {string[]} files
 * @param {string[]} layers
 * @param {string} why
 * @param {{ packages?: string[], paths?: { name: string, message: string }[] }} [more]
 * @returns {import('typescript-eslint').ConfigWithExtends}
 */
const forbid = (files, layers, why, more = {}) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: more.paths ?? [],
        patterns: [
          ...layers.map((name) => ({ regex: layer(name), message: why })),
          ...(more.packages ? [{ regex: `^(${more.packages.join('|')})(/|$)`, message: why }] : []),
        ],
      },
    ],
  },
});
const layering = [
  forbid(
    ['lib/sse/**', 'lib/metrics/**'],
    ['server', 'client', 'store', 'live', 'app'],
    'lib/sse and lib/metrics are the bottom layer: pure, shared by server and client, importing neither.',
    { packages: ['react', 'react-dom', 'next', 'zustand'] },
  ),
  forbid(
    ['lib/server/**'],
    ['client', 'store', 'live', 'app'],
    'lib/server imports only lib/sse and lib/metrics: the browser side is not its business.',
  ),
  forbid(
    ['lib/client/**'],
    ['server', 'store', 'live', 'app'],
    'lib/client knows no store and no React (it imports only lib/sse and lib/metrics); lib/live joins them.',
    { packages: ['react', 'react-dom', 'next', 'zustand'] },
  ),
  forbid(
    ['lib/store/**'],
    ['server', 'client', 'live', 'app'],
    'lib/store knows no connection and no React (zustand/vanilla only); lib/live joins them.',
    {
      packages: ['react', 'react-dom', 'next'],
      paths: [{ name: 'zustand', message: 'The store is framework-free: import zustand/vanilla.' }],
    },
  ),
  /** @type {import('typescript-eslint').ConfigWithExtends} */ ({
    // The drop kit is copied into other people's apps: it may use packages and its own files,
    // never this app (lib/, app/, the specs and their fixtures), or the copy would not build.
    files: ['e2e/kit/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@/|\\.\\./)',
              message:
                'e2e/kit imports nothing from the app it tests (only packages and ./ files of the kit): app-specific helpers live in e2e/fixtures.',
            },
          ],
        },
      ],
    },
  }),
  forbid(['lib/live/**'], ['server', 'app'], 'lib/live joins client, store and React for the app; it knows no server.'),
  forbid(['app/**'], ['client', 'store'], 'The app reaches the connection and the store only through lib/live.'),
  forbid(
    ['app/_components/**'],
    ['server', 'client', 'store'],
    'Components reach the connection and the store only through lib/live, and the server only through the props app/page.tsx gives them.',
  ),
];

export default tseslint.config(
  {
    ignores: [
      '**/.next/**',
      'node_modules/**',
      '**/next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Rules that need type information: a promise nobody awaits or catches is how a stream dies
    // silently, and an async callback where a sync one is expected swallows its rejection.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    // Vitest's asymmetric matchers (`expect.any`, `expect.objectContaining`, `expect.stringMatching`)
    // are typed `any` by design, so a test that puts one inside an expected value trips this rule
    // without any unsafety. Off in tests only; app code keeps it.
    files: ['**/*.test.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  ...layering,
  {
    // Playwright fixtures receive a `use` callback that is not React's `use` hook.
    files: ['e2e/**'],
    ignores: ['e2e/naive-app/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // Plain Node scripts (CI glue, benchmarks); the bench also runs snippets in the page.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
