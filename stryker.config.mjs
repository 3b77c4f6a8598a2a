// Mutation testing (docs/testing.md): `npm run mutate`, over the unit and component tests, which hold the logic and
// the adapters without a build or a server. Not part of `npm test`'s time: run it before a change to src/launch,
// src/idempotency, src/boundary or src/token lands.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutate.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  // src/token holds the token decision, which is launch policy (docs/adr/0020).
  mutate: ['src/idempotency/**/*.ts', 'src/launch/**/*.ts', 'src/boundary/**/*.ts', 'src/token/**/*.ts'],
  // Only what the tests read: the bundles and the reports are not copied into the sandbox.
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench/results.json', '.aws-sam'],
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // A later run tests again only the mutants whose code or tests changed (`--incremental false` for all of them).
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  concurrency: 2,
  // A mutant that makes a test wait on a timer it would have cleared: given up as a timeout, which counts as killed.
  timeoutMS: 5_000,
  thresholds: { high: 90, low: 80, break: null },
};
