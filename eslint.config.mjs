// @ts-check
import eslint from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or are not deterministic: never allowed in workflow code. */
const workflowForbidden = [
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'dns',
  'tls',
  'worker_threads',
  'express',
  'nodemailer',
  'zod',
  'yaml',
  'pino',
  'jsonwebtoken',
  'smtp-server',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
].flatMap((name) => (/^[a-z_]+$/.test(name) && !name.includes('-') ? [name, `node:${name}`] : [name]));

/**
 * What sandboxed code may not import: I/O modules, activity bodies, and the API and the config
 * (policy reaches workflows as input; workflows may still name their types).
 * @param {{ allowTypesFromAbove: boolean }} options
 */
function sandboxImports({ allowTypesFromAbove }) {
  return {
    paths: workflowForbidden.map((name) => ({
      name,
      message: 'Workflow code runs in a deterministic sandbox: do I/O in an activity.',
    })),
    patterns: [
      { group: ['**/activities/*', '!**/activities/index'], message: 'Import activities only as types (proxyActivities).' },
      {
        group: ['**/api/*', '**/api/**', '**/config/*', '**/config/**'],
        allowTypeImports: allowTypesFromAbove,
        message: allowTypesFromAbove
          ? 'Policy reaches workflows as input: import from the API or the config only as types.'
          : 'The domain stands below the API and the config: define the type in src/domain.',
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'data/**', 'coverage/**', 'test-artifacts/**', '**/*.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // A type-only import is erased, so it can never pull a module (or a cycle) into the workflow bundle.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Imports run downhill: a cycle means two modules that cannot be read, tested or moved apart.
    files: ['src/**/*.ts', 'worker.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Workflow code and the pure domain code it imports run in Temporal's deterministic sandbox.
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', sandboxImports({ allowTypesFromAbove: true })],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Policy arrives as workflow input.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflow code runs in a deterministic sandbox.' }],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // HTTP answers in tests are checked by assertions, not by types.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The domain is the ground floor: it takes nothing from the API or the config, not even types.
    files: ['src/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', sandboxImports({ allowTypesFromAbove: false })] },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    // The dashboard's script runs in the browser as it is, without a build step.
    files: ['src/dashboard/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'navigator', 'sessionStorage', 'fetch', 'Intl', 'URLSearchParams', 'FormData', 'Node', 'HTMLElement'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
  },
);
