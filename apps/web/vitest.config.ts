import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['test/**/*.test.{ts,tsx}'],
          setupFiles: ['test/setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // Chromium against the real server (`pnpm start` on PGlite): see e2e/harness.ts.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // A poll waits up to 15 s, not vitest's default second: under CI the browser shares 2 cores with the API
          // suite, and the re-render after a click (a router transition) can take longer than a second.
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
