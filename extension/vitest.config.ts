import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: repoRoot,
  plugins: [WxtVitest({ root: repoRoot }), vue()],
  test: {
    name: 'ext',
    root: repoRoot,
    environment: 'happy-dom',
    include: ['extension/**/*.test.ts'],
    restoreMocks: true,
  },
});
