// Root jest configuration: three projects, selected with `--selectProjects`.
//   unit         src/**/*.spec.ts            no I/O, mocked repositories
//   integration  {src,test}/**/*.int-spec.ts against the real local PostgreSQL + NATS
//   e2e          packages/system-tests        the built services end to end (run in band)
// TypeScript is compiled by SWC (decorators + metadata for Nest). NestJS 12 ships ESM only, so
// @nestjs/* under node_modules is transformed to CommonJS too, as is content-disposition (ESM only, required by
// @fastify/static for the gateway's /docs UI; Node >= 20.19 requires ESM itself, jest's runtime does not).
// Test timeouts: unit 5 s (jest default), integration 60 s, e2e 300 s. `testTimeout` is a global-only
// option in jest (ignored inside a project), hence globals + infra/jest/test-timeout.js.

/** @type {import('@swc/core').Options} */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

/** @type {import('jest').Config} */
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', swcOptions] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|content-disposition)/)'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/apps/.*/dist', '<rootDir>/packages/.*/dist/.*\\.spec'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,packages}/*/{src,test}/**/*.int-spec.ts'],
      globals: { __TEST_TIMEOUT_MS__: 60_000 },
      setupFilesAfterEnv: ['<rootDir>/infra/jest/test-timeout.js'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/packages/system-tests/**/*.e2e-spec.ts'],
      globals: { __TEST_TIMEOUT_MS__: 300_000 },
      setupFilesAfterEnv: ['<rootDir>/infra/jest/test-timeout.js'],
    },
  ],
};
