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
          include: ['native-host/src/**/*.test.ts', 'shared/**/*.test.ts', 'install-scripts/**/*.test.ts', 'bench/**/*.test.js'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'host',
          include: ['native-host/test/**/*.test.ts'],
          exclude: ['native-host/test/faults/**'],
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
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
