const { existsSync } = require('node:fs');

/** One config for unit, conformance and end-to-end tests; @swc/jest keeps the suite fast on 2 cores. */
module.exports = {
  testEnvironment: 'node',
  roots: ['libs', 'apps', 'test', 'bench'].filter((dir) => existsSync(`${__dirname}/${dir}`)).map((dir) => `<rootDir>/${dir}`),
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: {
    '^@chip-ledger/domain$': '<rootDir>/libs/domain/src',
    '^@chip-ledger/event-store$': '<rootDir>/libs/event-store/src',
    '^@chip-ledger/projections$': '<rootDir>/libs/projections/src',
    '^@chip-ledger/application$': '<rootDir>/libs/application/src',
    '^@chip-ledger/runtime$': '<rootDir>/libs/runtime/src',
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
