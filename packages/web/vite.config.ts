import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves `dist` at `/` (same origin as the API, strict CSP: no inline scripts or
// styles), so the build must emit only external module scripts and CSS files.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, modulePreload: { polyfill: false } },
  server: {
    proxy: { '/api': { target: process.env.WACHSAM_API ?? 'http://localhost:3000', ws: true } },
  },
});
