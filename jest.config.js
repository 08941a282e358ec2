/** Two projects: fast unit tests, and end-to-end tests against the local cloud (see README). */
const base = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json', diagnostics: { ignoreCodes: [151002] } }]
  }
}
export default {
  testTimeout: 120_000,
  testSequencer: '<rootDir>/__tests__/helpers/e2e-sequencer.mjs',
  // With --coverage (npm test's unit run): what the unit tests reach of src/, and the floor it must not fall below.
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { statements: 92, branches: 87, functions: 90, lines: 93 } },
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'] }
  ]
}
