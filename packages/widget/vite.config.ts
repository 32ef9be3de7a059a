import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

/**
 * CSS literals (`unsafeCSS(`…`)`) reach the bundle verbatim. Collapse their comments and whitespace at build time so the
 * source stays readable and the bundle stays small. Only `*.styles.ts`, whose CSS has no strings that need spaces.
 */
const minifyCssLiterals: Plugin = {
  name: 'pay-link:minify-css-literals',
  transform(code, id) {
    if (!id.endsWith('.styles.ts')) return;
    return {
      code: code.replace(/unsafeCSS\(`([^`]*)`/g, (_, body: string) => {
        const css = body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};:,>])\s*/g, '$1')
          .replace(/;}/g, '}')
          .replace(/='([\w-]+)'/g, '=$1') // [part='x'] → [part=x]
          .replace(/([^\w.])0\./g, '$1.') // 0.5rem → .5rem
          .replace(/#(\w)\1(\w)\2(\w)\3\b/g, '#$1$2$3'); // #ffffff → #fff
        return `unsafeCSS(\`${css.trim()}\``;
      }),
      map: null,
    };
  },
};

/** The bundles inline Lit, whose BSD-3-Clause licence asks for its notice to travel with them: next to them, not in them. */
const thirdPartyLicenses: Plugin = {
  name: 'pay-link:third-party-licenses',
  generateBundle() {
    const lit = readFileSync(new URL('./node_modules/lit/LICENSE', import.meta.url), 'utf8');
    this.emitFile({ type: 'asset', fileName: 'THIRD-PARTY-LICENSES.txt', source: `The pay-link bundles include Lit (https://lit.dev):\n\n${lit}` });
  },
};

// Two self-contained bundles (Lit inlined): an ES module for `<script type="module">` and a classic IIFE for
// CMSs and pages that cannot use modules. The entry registers the element as a side effect.
// Translations other than English are a separate build (vite.translations.config.ts).
export default defineConfig({
  plugins: [minifyCssLiterals, thirdPartyLicenses],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: true,
    lib: {
      entry: 'src/index.ts',
      name: 'PayLinkButton',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'pay-link-button.js' : `pay-link-button.${format}.js`),
    },
    rolldownOptions: {
      external: [], // bundle lit into both outputs
      // `import.meta.url` is `undefined` in the IIFE on purpose: that bundle reads document.currentScript instead
      checks: { emptyImportMeta: false },
      // Vite 8 lib mode leaves ES output unminified unless forced here (toolchain.md §6)
      // No comments: pure annotations only help a bundler that re-bundles us; Lit's licence travels beside (above)
      // ASCII only: a classic script is decoded in the page's encoding unless served with a charset, and "✓" or
      // "…" would turn into mojibake on a page without <meta charset="utf-8">
      output: { minify: true, comments: false, charset: 'ascii', generatedCode: { symbols: false } },
    },
  },
});
