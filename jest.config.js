/**
 * One runner for every kind of test:
 *  - unit tests (`*.spec.ts`) sit beside the code and touch no I/O;
 *  - integration and end-to-end tests (`test/**\/*.integration-spec.ts`, `*.e2e-spec.ts`) use the
 *    real PostgreSQL and Redis, each file in its own database and queue prefix (see
 *    test/support/test-environment.ts), so files run in parallel.
 */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/connectors', '<rootDir>/test'],
  testRegex: '\\.(spec|integration-spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  // Jest cannot load ES modules from node_modules; these few (pulled in by @fastify/static)
  // are compiled to CommonJS like our own files.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  testEnvironment: 'node',
  testTimeout: 60000,
  maxWorkers: 2,
  setupFiles: ['reflect-metadata'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
