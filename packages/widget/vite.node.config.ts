import { defineConfig } from 'vite';

/**
 * The build Node gets (the `node` condition of the package's `exports`): server rendering, tooling, tests.
 *
 * The browser bundles inline Lit's browser build, which touches `HTMLElement` and `document` as it loads, as Lit's own
 * browser build does; Node has neither. This build keeps `lit` external instead, so Node resolves Lit's own `node`
 * build (with its small DOM shim), and a server renderer such as `@lit-labs/ssr` shares the one Lit it renders with.
 * Registration then goes to Lit's shim registry, where such a renderer looks for the element.
 */
export default defineConfig({
  build: {
    target: 'node20',
    outDir: 'dist/node',
    emptyOutDir: true,
    minify: false,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: { external: [/^lit(\/|$)/, /^@lit\//, /^lit-(html|element)(\/|$)/] },
  },
});
