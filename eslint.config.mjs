import tseslint from 'typescript-eslint';

const forbidden = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

/** Several restrictions on the same files: a later config's no-restricted-imports replaces an earlier one's. */
const restricted = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
});
const ESDB_CLIENT_ONLY_IN_ADAPTER = [['@eventstore/*'], 'Only libs/event-store/src/esdb imports the EventStoreDB client.'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The EventStoreDB client stays behind its adapter, so a client upgrade touches one folder.
    files: ['**/*.ts'],
    ignores: ['libs/event-store/src/esdb/**', 'test/**'],
    rules: restricted(ESDB_CLIENT_ONLY_IN_ADAPTER),
  },
  {
    // The custody model is pure: no framework, no store, no validation library, no I/O.
    files: ['libs/domain/**/*.ts'],
    rules: forbidden(
      ['@nestjs/*', '@eventstore/*', 'class-validator', 'class-transformer', 'better-sqlite3', 'fs', 'node:*', '@chip-ledger/*'],
      'libs/domain is pure: it imports nothing from Nest, a store, validation or the file system.',
    ),
  },
  {
    // The CLI runs the ledger through libs/runtime; the HTTP API is another program, not a library to reach into.
    files: ['apps/cli/**/*.ts'],
    rules: restricted(
      ESDB_CLIENT_ONLY_IN_ADAPTER,
      [['**/api/src', '**/api/src/**', '**/apps/api', '**/apps/api/**'], 'apps/cli imports nothing from apps/api: shared code belongs in a library (libs/runtime).'],
    ),
  },
  {
    // Libraries serve the apps, never the other way round.
    files: ['libs/**/*.ts'],
    ignores: ['libs/domain/**', 'libs/event-store/src/esdb/**'],
    rules: restricted(ESDB_CLIENT_ONLY_IN_ADAPTER, [['**/apps/**'], 'Libraries import nothing from apps/.']),
  },
);
