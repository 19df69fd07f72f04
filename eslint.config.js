// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Modules the transport-free core may never import (edge -> core -> ports <- adapters). */
const FORBIDDEN_IN_CORE = [
  'ws',
  'fastify',
  '@fastify/*',
  'node:http',
  'node:https',
  'node:http2',
  'node:net',
  'http',
  'https',
  'net',
  'better-sqlite3',
  'kysely',
  'pg',
  'ioredis',
  'redis',
  'pino',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', 'coverage/', 'bench/results/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['server/src/core/**/*.ts', 'server/src/ports/**/*.ts', 'protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: FORBIDDEN_IN_CORE, message: 'The core and ports stay transport- and database-free.' },
            {
              group: ['**/edge/**', '**/adapters/**', '**/app.js', '**/main.js'],
              message: 'The core never reaches outward.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['server/test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs'],
    // vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any`.
    rules: { 'no-console': 'off', '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
);
