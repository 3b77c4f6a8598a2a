/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript is only type-checked by `tsc --noEmit`; swc strips types and turns ESM into CommonJS for jest.
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // middy and parts of Powertools ship ESM only.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@aws-lambda-powertools)/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { global: { lines: 90 } },
};
