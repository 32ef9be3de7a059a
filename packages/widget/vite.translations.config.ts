import { defineConfig, type Plugin } from 'vite';

/** Languages shipped as add-ons next to the bundles (English is built in). */
const LANGUAGES = ['hi', 'id', 'es', 'ms', 'th', 'vi'];
const PREFIX = 'pay-link-translation:';

/**
 * One virtual entry per language: import the typed translation and push it onto the page-wide list that every
 * copy of the element reads (see `localize.ts`). The output has no import or export, so each file works as a
 * classic `<script>` and as a module.
 */
const translationEntries: Plugin = {
  name: 'pay-link:translation-entries',
  resolveId: (id) => (id.startsWith(PREFIX) ? `\0${id}` : undefined),
  load(id) {
    if (!id.startsWith(`\0${PREFIX}`)) return;
    const lang = id.slice(PREFIX.length + 1);
    return `import t from '/src/translations/${lang}.ts'; (globalThis.payLinkTranslations ??= []).push(t);`;
  },
};

export default defineConfig({
  plugins: [translationEntries],
  build: {
    target: 'es2022',
    outDir: 'dist/translations',
    emptyOutDir: true,
    minify: true,
    rolldownOptions: {
      input: Object.fromEntries(LANGUAGES.map((lang) => [lang, PREFIX + lang])),
      output: { entryFileNames: '[name].js', minify: true, charset: 'ascii' }, // classic scripts: see vite.config.ts
    },
  },
});
