import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';

/**
 * The on-demand chunks, next to the bundles in `dist/`: `extras.js` (the element imports it once on a page: price on
 * product buttons, the amount field's and the QR action's loaders), `amount-input.js` and `qr-dialog.js` (imported
 * by `extras.js` only when needed). Plain ES modules, loaded with a dynamic `import()` from the bundle's own origin,
 * which works from the classic bundle too.
 *
 * Each is built on its own, self-contained: one multi-entry build would split what they share (the strings, money
 * formatting) into a fourth, hashed chunk, one more request and one more file for the proxy to serve. No Lit in any:
 * they touch the element through its public properties, events and shadow root (`extras.ts`).
 */
export const CHUNKS = ['extras', 'amount-input', 'qr-dialog'] as const;

const chunkBuild = (name: string): InlineConfig => ({
  configFile: false,
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false, // the bundles' build (vite.config.ts) empties dist first
    sourcemap: true,
    minify: true,
    lib: { entry: `src/${name}.ts`, formats: ['es'], fileName: () => `${name}.js` },
    rolldownOptions: {
      // As the bundles: minified, no comments, ASCII only (see vite.config.ts)
      output: { minify: true, comments: false, charset: 'ascii' },
    },
  },
});

/** After the first chunk, the others, one build each. */
const theOthers: Plugin = {
  name: 'pay-link:build-other-chunks',
  apply: 'build',
  async closeBundle() {
    for (const name of CHUNKS.slice(1)) await build(chunkBuild(name));
  },
};

export default defineConfig({ ...chunkBuild(CHUNKS[0]), configFile: undefined, plugins: [theOthers] });
