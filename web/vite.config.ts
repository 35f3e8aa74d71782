import { defineConfig } from 'vite';

// `npm run dev` forwards the API to a running `dataanalyst serve` (DA_SERVER, default http://127.0.0.1:8080).
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

// Relative asset paths: the binary serves dist/ at `/`, and the page must also work from any prefix.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Vega is large by nature; it is loaded as its own chunk only when the first chart is drawn.
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '/api': env.DA_SERVER ?? 'http://127.0.0.1:8080' } },
});
