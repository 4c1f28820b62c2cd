import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { engineProjects } from '../../vitest.engines.js';

export default defineConfig(async () => ({
  // graphql ships ESM and CJS builds; Node (and so Pothos and Apollo) loads the CJS one. Vite must load the
  // same, or a schema built by one copy is "from another realm" to the other.
  resolve: { alias: { graphql: createRequire(import.meta.url).resolve('graphql') } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: await engineProjects({ include: ['test/**/*.test.ts'] }),
  },
}));
