/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^sluice$': '<rootDir>/lib/index.ts',
    '^sluice/testing$': '<rootDir>/lib/testing/index.ts',
    '^sluice/inspect$': '<rootDir>/lib/inspect/index.ts',
    '^sluice/otel$': '<rootDir>/lib/otel/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // Two cores: keep one worker so a loaded machine does not starve the event loop of a test.
  maxWorkers: 1,
};
