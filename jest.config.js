import { fileURLToPath } from 'node:url'

// Jest runs the TypeScript sources as native ES modules, the way the bundle runs them.
export default {
  // A full path: Stryker's jest runner loads the environment itself, without <rootDir>.
  testEnvironment: fileURLToPath(
    new URL('__tests__/support/jest-environment.cjs', import.meta.url)
  ),
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // Stryker's sandboxes (npm run mutate) are copies of the project.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/.stryker-unit/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/', '<rootDir>/.stryker-unit/'],
  // The end-to-end tests run dist/: rebuild it first when the sources changed since the last build.
  globalSetup: '<rootDir>/__tests__/support/global-setup.mjs',
  setupFiles: ['<rootDir>/__tests__/support/test-environment.mjs'],
  // A no-op outside `npm run mutate` (see the file).
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/mutation-tests.mjs'],
  testSequencer: '<rootDir>/__tests__/support/sequencer.mjs',
  // jest-circus, which under `npm run mutate` stops a mutant's run at its first failing test.
  testRunner: '<rootDir>/__tests__/support/jest-circus-with-bail.cjs',
  testTimeout: 30000,
  verbose: false
}
