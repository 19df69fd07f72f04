import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Resolved from this file, so `vite --config web/vite.config.ts` works from the repo root.
const root = fileURLToPath(new URL('.', import.meta.url));
const backend = 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Every asset is a file served from 'self': nothing inlined as data: URLs, which a strict CSP refuses.
    assetsInlineLimit: 0,
    // Modern browsers support modulepreload; the polyfill would only add code.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: backend, ws: true },
      '/health': { target: backend },
    },
  },
});
