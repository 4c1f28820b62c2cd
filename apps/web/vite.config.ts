import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API that `pnpm dev` proxies to: the one `pnpm start` runs, unless KAPMAP_API says otherwise. */
const api = process.env.KAPMAP_API ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/graphql': api, '/config.json': api, '/healthz': api },
  },
  build: {
    target: 'es2022',
    // Maps for our own debugging, with no link to them in the scripts; the server never serves them.
    sourcemap: 'hidden',
    // Which files the page loads at first and which chunk is the map engine: read by `pnpm bench:web`.
    manifest: true,
    // The map engines are ~1 MB each and load lazily in their own chunks: only they may be this large.
    chunkSizeWarningLimit: 2000,
  },
});
