/**
 * Tests sorted by kind (CONTRIBUTING.md): `npm run test:<kind>` runs one kind, `npm test` all of them.
 * - unit: pure modules and the launch over in-memory fakes; no SDK mock, no build, no server.
 * - component: the handler's wiring and the SDK adapters, over aws-sdk-client-mock.
 * - integration: the built bundle in Node processes, against the local stand-in (real SDK over HTTP, real pip).
 * - contract: what the project promises outside the code: README, template.yaml, examples, the bundle, the layout.
 * @type {import('jest').Config}
 */
const shared = {
  testEnvironment: 'node',
  // TypeScript is only type-checked by `tsc --noEmit`; swc strips types and turns ESM into CommonJS for jest.
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // middy and parts of Powertools ship ESM only: swc turns them into CommonJS, and middy 7, whose package exports
  // have no `require` condition, is found by path.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@aws-lambda-powertools)/)'],
  moduleNameMapper: { '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};

const kind = (name, options = {}) => ({
  ...shared,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...options,
});

// Integration and contract tests need dist/: built once per jest run, so that they never test a stale bundle.
const withBuild = { globalSetup: '<rootDir>/test/build-once.cjs' };

export default {
  // Three workers even on two cores: most of an integration test's time is spent waiting on other processes (the
  // bundle, real pip, the stand-in). Measured on this 2-core machine, quiet: 194 s with two, 175 s with three, 192 s
  // with four (and a timing test failed): three keep \`npm test\` about three minutes.
  maxWorkers: 3,
  projects: [kind('unit'), kind('component'), kind('integration', withBuild), kind('contract', withBuild)],
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { global: { lines: 90 } },
};
