import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { stripLitLegacyHooks } from '../vite.config.ts';

// The same build options as packages/widget/vite.config.ts, applied to Lit's floor.
export default defineConfig({
  logLevel: 'silent',
  plugins: [stripLitLegacyHooks()], // Lit as the widget bundles it
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    minify: true,
    lib: {
      entry: fileURLToPath(new URL('./floor.ts', import.meta.url)),
      name: 'LitFloor',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'floor.js' : `floor.${format}.js`),
    },
    rolldownOptions: { external: [], output: { minify: true, comments: false, charset: 'ascii' } },
  },
});
