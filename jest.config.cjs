/**
 * Three projects so each kind of test gets the time it needs: unit tests are fast, workflow tests
 * start the time-skipping server, integration tests start a real dev server and SMTP server.
 * @type {import('jest').Config}
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  // testTimeout is a global option in Jest; the slowest (integration) tests set the bar.
  testTimeout: 180_000,
  // The SDK's native runtime keeps handles open after the last test (sdk-typescript#928).
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'workflows',
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts', '<rootDir>/test/replay/**/*.test.ts'],
    },
    {
      ...common,
      // Headless Chromium (Debian's package) against the real stack: see test/helpers/browser.ts.
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
  ],
};
