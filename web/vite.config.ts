import { defineConfig } from 'vite';

// Relative asset paths: the binary serves dist/ at `/`, and the page must also work from any prefix.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Vega is large by nature; it is loaded as its own chunk only when the first chart is drawn.
    chunkSizeWarningLimit: 2000,
  },
});
