// The browser suite (`npm run test:browser`): the HTML report opened in headless Chromium
// (Debian's /usr/bin/chromium, or CHROMIUM_PATH) through playwright-core. Kept out of `npm test`
// because it needs a browser on the machine; it spawns the built CLI, so the script builds first.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    env: { DUNNING_BROWSER_SUITE: '1' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser at a time on a 2-core machine.
    fileParallelism: false,
  },
});
