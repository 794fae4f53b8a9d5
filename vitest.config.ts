import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Chromium tests run on their own: npm run test:browser.
    exclude: ['test/browser/**', ...configDefaults.exclude],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
