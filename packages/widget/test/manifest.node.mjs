// Checks the element's published description against its source (run: `node --import tsx --test test/manifest.node.mjs`):
// - custom-elements.json, as the build writes it, lists the tag, every observed attribute, every event, part, slot,
//   custom state and `--pay-link-*` custom property, each documented, with the defaults the styles really have;
// - the typings the package exports (`types` of its `exports`) put the tag in HTMLElementTagNameMap and every event
//   in the element, document and window event maps.
// Everything expected is read from the source (the element class itself, src/events.ts, the template, the styles), so
// a new attribute, event, part or custom property without docs fails here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';

const root = new URL('..', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const withoutComments = (code) => code.replace(/\/\*[\s\S]*?\*\//g, '');

// What `pnpm run build` runs last: the manifest from the source as it is now
execFileSync(process.execPath, [fileURLToPath(new URL('node_modules/@custom-elements-manifest/analyzer/cem.js', root)), 'analyze', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
const pkg = JSON.parse(read('package.json'));
const manifest = JSON.parse(read(pkg.customElements));

const widget = await import('../src/index.ts');
const { TAG_NAME } = await import('../src/define.ts');
const { PayLinkButton, PayLinkEvent } = widget;

/** Every exported event class, by its event name: `new X(detail).type`. */
const eventClasses = new Map(
  Object.entries(widget)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof PayLinkEvent)
    .map(([name, Class]) => [new Class({}).type, name]),
);

const modulePath = (path) => manifest.modules.find((module) => module.path === path);
const element = manifest.modules.flatMap((module) => module.declarations ?? []).find((declaration) => declaration.customElement);
const names = (list) => (list ?? []).map((entry) => entry.name).sort();
const undocumented = (list) => (list ?? []).filter((entry) => !entry.description?.trim()).map((entry) => entry.name);

/** The on-demand chunks that extend the element (vite.chunks.config.ts). */
const CHUNK_SOURCES = ['src/extras.ts', 'src/price.ts', 'src/amount-input.ts'];

test('package.json points at the manifest (customElements, and an export)', () => {
  assert.equal(pkg.customElements, './dist/custom-elements.json');
  assert.equal(pkg.exports['./custom-elements.json'], pkg.customElements);
  assert.ok(manifest.schemaVersion);
});

test('the manifest defines the tag, on import of the entry, as the element class', () => {
  assert.equal(element.name, 'PayLinkButton');
  assert.equal(element.tagName, TAG_NAME);
  const definitions = manifest.modules.flatMap((module) => (module.exports ?? []).filter((e) => e.kind === 'custom-element-definition'));
  assert.deepEqual(definitions, [{ kind: 'custom-element-definition', name: TAG_NAME, declaration: { name: 'PayLinkButton', module: 'src/pay-link-button.ts' } }]);
  assert.ok(modulePath('src/index.ts').exports.includes(definitions[0]));
});

test('every observed attribute, no internal state, each documented and tied to its property', () => {
  const observed = PayLinkButton.observedAttributes;
  assert.ok(observed.includes('customer-email'), 'derived from the class itself');
  // Flags only the on-demand chunks read (`hasAttribute`), documented on the class with @attr, no property behind them
  const chunkFlags = [...new Set(CHUNK_SOURCES.flatMap((file) => [...withoutComments(read(file)).matchAll(/hasAttribute\('([\w-]+)'\)/g)].map(([, name]) => name)))];
  assert.ok(chunkFlags.includes('hide-price'));
  assert.deepEqual(names(element.attributes), [...observed, ...chunkFlags].sort());
  assert.deepEqual(undocumented(element.attributes), []);
  for (const attribute of element.attributes) {
    if (chunkFlags.includes(attribute.name)) {
      assert.equal(attribute.fieldName, undefined, `${attribute.name} has no property`);
      continue;
    }
    const member = element.members.find((m) => m.name === attribute.fieldName);
    assert.equal(member?.attribute, attribute.name, `${attribute.name} → ${attribute.fieldName}`);
    assert.equal(member.privacy, 'public');
  }
  // The read-only API beside them
  for (const name of ['status', 'link', 'errorCode', 'checkAgain']) {
    assert.ok(element.members.find((m) => m.name === name)?.description, `${name} is documented`);
  }
});

test('every event of src/events.ts, with its class', () => {
  const declared = [...read('src/events.ts').matchAll(/^\s+'(pay-link-[a-z-]+)': (\w+);$/gm)].map(([, name, type]) => [name, type]);
  assert.equal(declared.length, 9);
  // The global map's names are the classes' real event types
  assert.deepEqual([...eventClasses].sort(), declared.sort());
  assert.deepEqual(names(element.events), declared.map(([name]) => name).sort());
  assert.deepEqual(undocumented(element.events), []);
  for (const event of element.events) assert.equal(event.type?.text, eventClasses.get(event.name), event.name);
});

test('every part and slot of the template', () => {
  const source = withoutComments(read('src/pay-link-button.ts'));
  // The template's parts, and those the on-demand chunks add to the same shadow root
  const chunkParts = CHUNK_SOURCES.flatMap((file) => [...withoutComments(read(file)).matchAll(/setAttribute\('part', '([\w-]+)'\)/g)].map(([, part]) => part));
  assert.ok(chunkParts.includes('qr'));
  const parts = [...new Set([...[...source.matchAll(/\bpart=([\w-]+)/g)].map(([, part]) => part), ...chunkParts])].sort();
  assert.ok(parts.includes('spinner'));
  assert.deepEqual(names(element.cssParts), parts);
  assert.deepEqual(undocumented(element.cssParts), []);
  const slots = [...source.matchAll(/<slot\b(?:[^>]*?\bname=([\w-]+))?/g)].map(([, name]) => name ?? '').sort();
  assert.deepEqual(slots, ['', 'paid']);
  assert.deepEqual(names(element.slots), slots);
  assert.deepEqual(undocumented(element.slots), []);
});

test('every custom state the element sets: one per ButtonStatus', () => {
  const union = /export type ButtonStatus = ([^;]+);/.exec(read('src/events.ts'))[1];
  const statuses = [...union.matchAll(/'([a-z_]+)'/g)].map(([, status]) => status).sort();
  assert.equal(statuses.length, 9);
  assert.deepEqual(names(element.cssStates), statuses);
  assert.deepEqual(undocumented(element.cssStates), []);
});

test('every --pay-link-* custom property of the styles, with the default the styles give it', () => {
  const css = withoutComments(read('src/pay-link-button.styles.ts'));
  const used = [...new Set([...css.matchAll(/--pay-link-[\w-]+/g)].map(([name]) => name))].sort();
  assert.ok(used.length >= 9);
  assert.deepEqual(names(element.cssProperties), used);
  assert.deepEqual(undocumented(element.cssProperties), []);

  // The default: declared on the first `:host` block, else the fallback of a `var(--x, fallback)`
  const host = /:host\s*\{([^}]*)\}/.exec(css)[1];
  const defaults = new Map([...host.matchAll(/(--pay-link-[\w-]+):\s*([^;]+);/g)].map(([, name, value]) => [name, value.trim()]));
  for (const [, name, fallback] of css.matchAll(/var\((--pay-link-[\w-]+),\s*((?:[^()]|\([^()]*\))+)\)/g)) {
    if (!defaults.has(name)) defaults.set(name, fallback.trim());
  }
  for (const property of element.cssProperties) {
    assert.equal(property.default, defaults.get(property.name), property.name);
  }
});

test('the exported typings: the tag in HTMLElementTagNameMap, every event in the element, document and window maps', () => {
  // A consumer's file inside the package, importing it by name: resolved through `exports` → `types`
  const file = fileURLToPath(new URL('test/__consumer__.ts', root));
  const events = [...eventClasses];
  const source = [
    `import type { PayLinkButton, PayLinkEventDetail, ${events.map(([, type]) => type).join(', ')} } from '${pkg.name}';`,
    'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
    `export const tag: Equal<HTMLElementTagNameMap['${TAG_NAME}'], PayLinkButton> = true;`,
    `export const created: PayLinkButton = document.createElement('${TAG_NAME}');`,
    ...events.flatMap(([name, type], i) => [
      `export const e${i}: Equal<HTMLElementEventMap['${name}'], ${type}> = true;`,
      `export const d${i}: Equal<DocumentEventMap['${name}'], ${type}> = true;`,
      `export const w${i}: Equal<WindowEventMap['${name}'], ${type}> = true;`,
      `created.addEventListener('${name}', (event) => { const detail: PayLinkEventDetail = event.detail; void detail; });`,
    ]),
    // The check itself can fail: a map entry is not just any event
    `export const control: Equal<HTMLElementEventMap['click'], ${events[0][1]}> = false;`,
  ].join('\n');

  const config = ts.getParsedCommandLineOfConfigFile(fileURLToPath(new URL('tsconfig.json', root)), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (path) => path === file || fileExists(path);
  host.readFile = (path) => (path === file ? source : readFile(path));
  host.getSourceFile = (path, language, ...rest) => (path === file ? ts.createSourceFile(path, source, language) : getSourceFile(path, language, ...rest));
  const program = ts.createProgram([file], { ...config.options, types: [] }, host);

  const resolved = ts.resolveModuleName(pkg.name, file, config.options, host).resolvedModule?.resolvedFileName;
  assert.equal(resolved, fileURLToPath(new URL(pkg.exports['.'].types, root)));
  const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  assert.deepEqual(problems, []);
});
