import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * Languages shipped as add-ons next to the bundles. English is built in, all but its problem messages: `en.js` carries
 * those (with the rest of English), and the element loads it on demand (see `localize.ts`).
 */
const LANGUAGES = ['en', 'hi', 'id', 'es', 'ms', 'th', 'vi'];
const PREFIX = 'pay-link-translation:';

/**
 * One virtual entry per language: import the typed translation and push it onto the page-wide list that every
 * copy of the element reads (see `localize.ts`). The output has no import or export, so each file works as a
 * classic `<script>` and as a module.
 */
const translationEntries: Plugin = {
  name: 'pay-link:translation-entries',
  enforce: 'pre',
  resolveId(id, importer) {
    if (id.startsWith(PREFIX)) return `\0${id}`;
    // Each file gets its own copy of the shared problem table (a shared chunk would need an `import`)
    const lang = importer && /[\\/]translations[\\/]([\w-]+)\.ts$/.exec(importer)?.[1];
    if (lang && id === './problems.ts') return `${fileURLToPath(new URL('./src/translations/problems.ts', import.meta.url))}?for=${lang}`;
  },
  load(id) {
    if (id.includes('problems.ts?for=')) return readFileSync(id.slice(0, id.indexOf('?')), 'utf8');
    if (!id.startsWith(`\0${PREFIX}`)) return;
    const lang = id.slice(PREFIX.length + 1);
    const file = `/src/translations/${lang}.ts`;
    const t = lang === 'en' ? `import en, { problems } from '${file}'; const t = { ...en, problems };` : `import t from '${file}';`;
    return `${t} (globalThis.payLinkTranslations ??= []).push(t);`;
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
