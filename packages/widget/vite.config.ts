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

/**
 * Lit's hooks for legacy polyfills (ShadyDOM/ShadyCSS, for browsers without shadow DOM) and its
 * `globalThis.lit*Versions` bookkeeping are dead code in these bundles: a browser that needs those polyfills cannot
 * parse the ES2022 the bundles are (private methods, static blocks), and the Lit copy inside is private, so no
 * other Lit should count it. About 100 B gzip of a 12 KB budget. `litElementHydrateSupport` stays: a page with
 * server-rendered markup can still hydrate. Each pattern must match once, so a Lit upgrade that moves them fails
 * the build instead of silently keeping or breaking them.
 */
export function stripLitLegacyHooks(): Plugin {
  const hooks: Record<string, string[]> = {
    'reactive-element': ['reactiveElementPolyfillSupport', 'reactiveElementVersions'],
    'lit-html': ['litHtmlPolyfillSupport', 'litHtmlVersions'],
    'lit-element': ['litElementPolyfillSupport', 'litElementVersions'],
  };
  const seen = new Set<string>();
  return {
    name: 'pay-link:strip-lit-legacy-hooks',
    transform(code, id) {
      // Lit's production modules, e.g. node_modules/lit-html/lit-html.js, node_modules/@lit/reactive-element/reactive-element.js
      const file = /[\\/]node_modules[\\/](?:@lit[\\/])?([\w-]+)[\\/]\1\.js$/.exec(id)?.[1];
      const [polyfill, versions] = (file && hooks[file]) || [];
      if (!polyfill) return;
      seen.add(file!);
      const rules: [RegExp, string][] = [
        [new RegExp(`\\b\\w+\\.${polyfill}\\b`), 'void 0'], // the minifier then drops the `?.()` call on it
        [new RegExp(`\\(\\w+\\.${versions}\\?\\?=\\[\\]\\)\\.push\\("[\\d.]+"\\)`), '0'],
      ];
      for (const [pattern, replacement] of rules) {
        if (code.split(pattern).length !== 2) throw new Error(`${pattern} must match once in ${id}: Lit changed, review this plugin`);
        code = code.replace(pattern, replacement);
      }
      return { code, map: null };
    },
    buildEnd(error) {
      if (!error && seen.size !== 3) throw new Error(`Lit's modules were not all found (saw ${[...seen]}): review this plugin`);
    },
  };
}

/**
 * What the element's templates never do, taken out of lit-html so it drops out of the bundles (about 220 B gzip):
 * bind properties (`.value=${…}`) or boolean attributes (`?hidden=${…}`): they bind attributes, events and children
 * only; render an iterable (an array) as children: they render strings, templates and `nothing`; bind an element
 * itself (`<div ${ref(…)}>`).
 * `test/bundles.node.mjs` checks the source for such bindings. Each pattern must match once, like the plugin above.
 */
export function stripUnusedLitParts(): Plugin {
  const rules: [RegExp, string][] = [
    [/ctor:"\."===(\w+)\[1\]\?\w+:"\?"===\1\[1\]\?\w+:/, 'ctor:'], // the template parser's part classes
    [/this\.T\(t\):\w+\(t\)\?this\.k\(t\):this\._\(t\)/, 'this.T(t):this._(t)'], // ChildPart: iterable → text
    [/\bk\(t\)\{\w+\(this\._\$AH\)\|\|\(this\._\$AH=\[\],this\._\$AR\(\)\);.*?i\.length=e\)\}/, ''], // ChildPart's iterable commit
    // element parts (`<div ${ref(…)}>`): the parser's branch and the template instance's
    [/else t\.startsWith\(o\)&&\(d\.push\(\{type:6,index:l\}\),r\.removeAttribute\(t\)\);/, ';'],
    [/:6===r\.type&&\(i=new \w+\(h,this,t\)\)/, ':0'],
  ];
  /** What our own templates must not use once those parts are gone: the build stops instead of a silent break. */
  const unsupported: [RegExp, string][] = [
    [/\s\.[A-Za-z][\w-]*=\$\{/, 'a property binding (.prop=${…})'],
    [/\s\?[A-Za-z][\w-]*=\$\{/, 'a boolean attribute binding (?attr=${…})'],
    [/<[a-z][\w-]*[^<>]*\s\$\{/, 'an element part (<el ${…}>)'],
    [/\$\{[^}]*\.map\(/, 'an array in a template (${items.map(…)})'],
    [/lit\/directives\//, 'a Lit directive'],
  ];
  let seen = false;
  return {
    name: 'pay-link:strip-unused-lit-parts',
    transform(code, id) {
      if (/[\\/]packages[\\/]widget[\\/]src[\\/].*\.ts$/.test(id)) {
        for (const [pattern, what] of unsupported) {
          if (pattern.test(code)) throw new Error(`${id} uses ${what}, which stripUnusedLitParts removed from the bundle: drop that rule, or the use`);
        }
        return;
      }
      if (!/[\\/]node_modules[\\/]lit-html[\\/]lit-html\.js$/.test(id)) return;
      for (const [pattern, replacement] of rules) {
        if (code.split(pattern).length !== (pattern.source.includes('(\\w+)') ? 3 : 2)) throw new Error(`${pattern} must match once in ${id}: Lit changed, review this plugin`);
        code = code.replace(pattern, replacement);
      }
      seen = true;
      return { code, map: null };
    },
    buildEnd(error) {
      if (!error && !seen) throw new Error("lit-html's template parser was not found: review this plugin");
    },
  };
}

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
  plugins: [minifyCssLiterals, stripLitLegacyHooks(), stripUnusedLitParts(), thirdPartyLicenses],
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
