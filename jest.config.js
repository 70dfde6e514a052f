/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript before JavaScript: a build left in lib/ (`npm run build` without `npm run clean`) must not shadow the sources.
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  // Type checking is `tsc --noEmit` in `npm test`; ts-jest only transpiles (isolatedModules in tsconfig.json).
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Unit tests run without the CloudFormation template-check engine (3 s and 350 MB per test file);
  // the compliance harness turns it back on for itself.
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testSequencer: '<rootDir>/test/sequencer.js',
};
