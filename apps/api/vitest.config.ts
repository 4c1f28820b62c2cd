import { defineConfig } from 'vitest/config';
import { engineProjects } from '../../vitest.engines.js';

export default defineConfig(async () => ({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: await engineProjects({ include: ['test/**/*.test.ts'] }),
  },
}));
