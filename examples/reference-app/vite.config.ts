import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The dashboard page: sources in web/, built into dist/web, which the app's HTTP server serves at `/`.
 * `npx vite` (in examples/reference-app) serves it with hot reload, proxying `/api` to a running
 * `tickflow demo` on port 9464 (override with TICKFLOW_API_ORIGIN).
 */
export default defineConfig({
  root: here('./web'),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': process.env.TICKFLOW_API_ORIGIN ?? 'http://127.0.0.1:9464' },
  },
});
