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
 * itself (`<div ${ref(…)}>`). Then (about 200 B more, #15): use a directive (`resolveDirective` becomes the
 * identity), put a binding inside a raw-text element (`<style>`, `<script>`, `<textarea>`, `<title>`), write `svg`…``
 * or `mathml`…`` templates, and, in ReactiveElement, declare properties by decorators (`Symbol.metadata`,
 * `addInitializer`): the element declares `static properties`.
 * `test/bundles.node.mjs` checks the source for such bindings. Each pattern must match once, like the plugin above.
 */
export function stripUnusedLitParts(): Plugin {
  const rules: Record<string, [RegExp, string][]> = {
    'lit-html': [
      [/ctor:"\."===(\w+)\[1\]\?\w+:"\?"===\1\[1\]\?\w+:/, 'ctor:'], // the template parser's part classes
      [/this\.T\(t\):\w+\(t\)\?this\.k\(t\):this\._\(t\)/, 'this.T(t):this._(t)'], // ChildPart: iterable → text
      [/\bk\(t\)\{\w+\(this\._\$AH\)\|\|\(this\._\$AH=\[\],this\._\$AR\(\)\);.*?i\.length=e\)\}/, ''], // ChildPart's iterable commit
      // element parts (`<div ${ref(…)}>`): the parser's branch and the template instance's
      [/else t\.startsWith\(o\)&&\(d\.push\(\{type:6,index:l\}\),r\.removeAttribute\(t\)\);/, ';'],
      [/:6===r\.type&&\(i=new \w+\(h,this,t\)\)/, ':0'],
      // directives: resolveDirective(part, value, …) only passes the value on
      [/function (\w+)\(t,i,s=t,e\)\{if\(i===\w+\)return i;let h=.*?\._\$AS\(t,i\.values\),h,e\)\),i\}/, 'function $1(t,i){return i}'],
      // raw-text elements: the parser's end-tag search, the template's text bindings
      [/\w+\.test\(u\[2\]\)&&\(n=RegExp\("<\/"\+u\[2\],"g"\)\),/, ''],
      [/if\(\w+\.test\(r\.tagName\)\)\{const t=r\.textContent\.split\(o\),i=t\.length-1;if\(i>0\)\{.*?r\.append\(t\[i\],c\(\)\)\}\}/, ''],
      // `svg` and `mathml` templates: the parser's wrapping element, and its unwrapping
      [/l=2===i\?"<svg>":3===i\?"<math>":""/, 'l=""'],
      [/\+\(2===i\?"<\/svg>":3===i\?"<\/math>":""\)/, ''],
      [/,2===i\|\|3===i\)\{const t=this\.el\.content\.firstChild;t\.replaceWith\(\.\.\.t\.childNodes\)\}/, ',0);'],
    ],
    // Constructable stylesheets are in every browser that parses these bundles (static blocks came later): the
    // `<style>` fallback and its `litNonce` are dead code
    'css-tag': [[/\be=t\.ShadowRoot&&\(void 0===t\.ShadyCSS\|\|t\.ShadyCSS\.nativeShadow\)&&"adoptedStyleSheets"in Document\.prototype&&"replace"in CSSStyleSheet\.prototype/, 'e=!0']],
    'reactive-element': [
      // `addInitializer`, decorators' way to reach each instance (none here: see the metadata below)
      [/static addInitializer\(t\)\{this\._\$Ei\(\),\(this\.l\?\?=\[\]\)\.push\(t\)\}/, ''],
      [/,this\.constructor\.l\?\.forEach\(t=>t\(this\)\)/, ''],
      [/void 0!==t\.l&&\(this\.l=\[\.\.\.t\.l\]\),/, ''],
      [/Symbol\.metadata\?\?=Symbol\("metadata"\),\w+\.litPropertyMetadata\?\?=new WeakMap;/, ''],
      [/const t=this\[Symbol\.metadata\];if\(null!==t\)\{const s=litPropertyMetadata\.get\(t\);if\(void 0!==s\)for\(const\[t,i\]of s\)this\.elementProperties\.set\(t,i\)\}/, ''],
    ],
  };
  /** What our own templates must not use once those parts are gone: the build stops instead of a silent break. */
  const unsupported: [RegExp, string][] = [
    [/\s\.[A-Za-z][\w-]*=\$\{/, 'a property binding (.prop=${…})'],
    [/\s\?[A-Za-z][\w-]*=\$\{/, 'a boolean attribute binding (?attr=${…})'],
    [/<[a-z][\w-]*[^<>]*\s\$\{/, 'an element part (<el ${…}>)'],
    [/\$\{[^}]*\.map\(/, 'an array in a template (${items.map(…)})'],
    [/lit\/(directives\/|directive\.js|async-directive\.js|decorators)/, 'a Lit directive or decorator'],
    [/html`[^`]*<(style|script|textarea|title)\b/, 'a raw-text element in a template'],
    [/\b(svg|mathml)`/, 'an svg`…` or mathml`…` template'],
    [/\baddInitializer\(/, 'addInitializer'],
  ];
  const seen = new Set<string>();
  return {
    name: 'pay-link:strip-unused-lit-parts',
    transform(code, id) {
      if (/[\\/]packages[\\/]widget[\\/]src[\\/].*\.ts$/.test(id)) {
        for (const [pattern, what] of unsupported) {
          if (pattern.test(code)) throw new Error(`${id} uses ${what}, which stripUnusedLitParts removed from the bundle: drop that rule, or the use`);
        }
        return;
      }
      // lit-html/lit-html.js, @lit/reactive-element/reactive-element.js, @lit/reactive-element/css-tag.js
      const file = /[\\/]node_modules[\\/](?:@lit[\\/])?(?:lit-html|reactive-element)[\\/](lit-html|reactive-element|css-tag)\.js$/.exec(id)?.[1];
      if (!file) return;
      for (const [pattern, replacement] of rules[file]!) {
        if (code.split(pattern).length !== (pattern.source.includes('(\\w+)') ? 3 : 2)) throw new Error(`${pattern} must match once in ${id}: Lit changed, review this plugin`);
        code = code.replace(pattern, replacement);
      }
      seen.add(file);
      return { code, map: null };
    },
    buildEnd(error) {
      if (!error && seen.size !== 3) throw new Error(`Lit's modules were not all found (saw ${[...seen]}): review this plugin`);
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
