import { defineConfig } from 'vitest/config';

/**
 * manifests: the image, compose, Kubernetes and HAProxy files, checked offline (part of `npm test`).
 * scale: three API processes from the bare bundle behind HAProxy, on a primary and a streaming replica
 * (`pnpm test:scale`; `npm test` runs it after the rest, alone, as it uses both cores).
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'manifests', include: ['test/manifests.test.ts'] } },
      {
        test: {
          name: 'scale',
          include: ['test/scale.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
