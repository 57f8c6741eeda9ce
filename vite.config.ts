// Builds the renderer once for both hosts: base './' so the same files load from
// file:// inside Electron and from http:// in browser mode.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}src-renderer`,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}dist-renderer`,
    emptyOutDir: true,
    // Inline assets would become data: URLs for scripts/styles, which the CSP forbids.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
