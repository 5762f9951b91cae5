/**
 * The fault drills (`npm run test:faults`): minutes long, so kept out of `npm test` and run by CI
 * after it. One test file at a time: each starts its own Temporal, SMTP server and worker process.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'faults',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testTimeout: 15 * 60_000,
  maxWorkers: 1,
  // The SDK's native runtime keeps handles open after the last test (sdk-typescript#928).
  forceExit: true,
};
