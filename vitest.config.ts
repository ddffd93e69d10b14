import { defineConfig } from 'vitest/config';

// One project per test level (docs/architecture.md, "Testing levels"); each has its own
// npm script. Host-level tests start the built host (dist/), so `npm test`
// builds it first.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['native-host/src/**/*.test.ts', 'shared/**/*.test.ts', 'install-scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'host',
          include: ['native-host/test/**/*.test.ts'],
          exclude: ['native-host/test/faults/**', 'native-host/test/nat/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      './extension/vitest.config.ts',
      {
        test: {
          name: 'faults',
          include: ['native-host/test/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'nat',
          include: ['native-host/test/nat/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // The same end-to-end scenarios in each browser (e2e/support/browser-under-test.ts).
      ...(['chromium', 'firefox'] as const).map((browser) => ({
        test: {
          name: browser === 'chromium' ? 'e2e' : 'e2e-firefox',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          env: { PARLEY_E2E_BROWSER: browser },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      })),
    ],
  },
});
