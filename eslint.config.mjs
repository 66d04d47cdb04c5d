import tseslint from 'typescript-eslint';

const forbidden = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

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
    rules: forbidden(['@eventstore/*'], 'Only libs/event-store/src/esdb imports the EventStoreDB client.'),
  },
  {
    // The custody model is pure: no framework, no store, no validation library, no I/O.
    files: ['libs/domain/**/*.ts'],
    rules: forbidden(
      ['@nestjs/*', '@eventstore/*', 'class-validator', 'class-transformer', 'better-sqlite3', 'fs', 'node:*', '@chip-ledger/*'],
      'libs/domain is pure: it imports nothing from Nest, a store, validation or the file system.',
    ),
  },
);
