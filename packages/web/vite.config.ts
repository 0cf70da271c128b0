/**
 * Vite build of the dashboard into dist/, served by `baseerat serve` from the API's origin. Nothing
 * is inlined into index.html (the CSP allows no inline script), no module-preload polyfill is
 * injected, and no asset becomes a data: URI; the MapLibre worker is emitted as its own file.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/geo': 'http://127.0.0.1:8080' } },
});
