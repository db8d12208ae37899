import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

// The Closed System invariant (docs/ATLAS_EXPLAINABILITY_ARCH.md): src/lib/core has no clock,
// randomness, timers, network, DOM or node:* access. tsconfig.core.json removes the types; this
// rule set removes the names, so a violation is a lint failure, not a review comment.
const closedSystem = {
  'no-restricted-globals': [
    'error',
    ...['Date', 'performance', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval',
      'queueMicrotask', 'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'navigator', 'window', 'document',
      'self', 'globalThis', 'process', 'require', 'crypto', 'localStorage', 'indexedDB', 'Worker', 'Buffer',
      'requestAnimationFrame'].map((name) => ({ name, message: `Closed System: '${name}' is not allowed in src/lib/core.` }))
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Closed System: no randomness in src/lib/core.' },
    { object: 'crypto', property: 'getRandomValues', message: 'Closed System: no randomness in src/lib/core.' }
  ],
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'child_process', 'worker_threads'], message: 'Closed System: no Node APIs in src/lib/core.' },
        { group: ['svelte', 'svelte/*', '$app/*', 'd3', 'd3-*', 'comlink', 'idb'], message: 'src/lib/core is pure TypeScript.' },
        { group: ['**/issuer/**', '**/cli/**', '**/worker/**', '**/state/**', '**/cache/**', '**/viz/**', '**/routes/**'], message: 'Imports flow one way: core imports nothing outside core.' }
      ]
    }
  ]
};

export default ts.config(
  { ignores: ['build/', '.svelte-kit/', 'dist/', 'node_modules/', 'bench/cache/', 'static/', 'test-results/', 'playwright-report/', 'ledger-*/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'svelte/no-at-html-tags': 'error'
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
  },
  {
    // Nothing in the verify path imports the reference issuer.
    files: ['src/lib/**/*.ts', 'src/lib/**/*.svelte', 'src/routes/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/issuer/**'], message: 'The verify path never imports the reference issuer.' }] }]
    }
  },
  {
    files: ['src/lib/core/**/*.ts'],
    ignores: ['src/lib/core/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: closedSystem
  }
);
