/**
 * `custom-elements.json` for editors, linters and docs: the element's attributes, properties, events, slots, parts,
 * custom properties and custom states, read from the class's JSDoc in `src/pay-link-button.ts` (Lit-aware).
 *
 * Written to `dist/` beside the bundles: like them it is generated from the source on every build, so it is never
 * committed and cannot drift (test/bundles.node.mjs checks it against the source). `package.json` points at it
 * (`customElements`, and the `./custom-elements.json` export) by hand, hence `packagejson: false`: the analyzer would
 * otherwise rewrite package.json on every build.
 */

/** The module that registers the element when imported: the package's entry. */
const ENTRY = 'src/index.ts';

/**
 * What the analyzer 0.11 gets wrong for this element, put right:
 * - Lit's internal reactive state (`{ state: true }` in `static properties`) has no attribute, but is listed with one;
 * - `#emit`'s `dispatchEvent(new Type(…))` becomes a nameless event (the named ones come from `@fires`);
 * - `definePayLinkButton`'s `customElements.define(tagName, klass)` becomes a definition of a tag called "tagName"
 *   (and a module-level variable `klass`): dropped, and the real one, `pay-link-button` on import of the entry, added.
 */
function litStateAndDefinitions() {
  /** class name → names of its `static properties` entries with `state: true` */
  const states = new Map();
  return {
    name: 'pay-link:lit-state-and-definitions',
    analyzePhase({ ts, node }) {
      if (!ts.isPropertyDeclaration(node) || node.name.getText() !== 'properties' || !ts.isClassDeclaration(node.parent)) return;
      if (!node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword)) return;
      if (!node.initializer || !ts.isObjectLiteralExpression(node.initializer)) return;
      const names = node.initializer.properties
        .filter((entry) => ts.isPropertyAssignment(entry) && ts.isObjectLiteralExpression(entry.initializer))
        .filter((entry) =>
          entry.initializer.properties.some(
            (option) => option.name?.getText() === 'state' && option.initializer?.kind === ts.SyntaxKind.TrueKeyword,
          ),
        )
        .map((entry) => entry.name.getText());
      states.set(node.parent.name.getText(), new Set(names));
    },
    packageLinkPhase({ customElementsManifest }) {
      const defined = [];
      for (const module of customElementsManifest.modules) {
        // A definition needs a valid custom element name (with a hyphen); "tagName" is a parameter's name
        const bogus = module.exports?.filter((e) => e.kind === 'custom-element-definition' && !e.name.includes('-')) ?? [];
        module.exports = module.exports?.filter((e) => !bogus.includes(e));
        module.declarations = module.declarations?.filter((d) => !bogus.some((e) => e.declaration.name === d.name));
        for (const declaration of module.declarations ?? []) {
          const internal = states.get(declaration.name);
          if (internal) {
            declaration.attributes = declaration.attributes?.filter((attribute) => !internal.has(attribute.fieldName));
            for (const member of declaration.members ?? []) if (internal.has(member.name)) delete member.attribute;
          }
          if (declaration.events) declaration.events = declaration.events.filter((event) => event.name);
          if (declaration.customElement && declaration.tagName) defined.push({ tag: declaration.tagName, name: declaration.name, module: module.path });
        }
      }
      const entry = customElementsManifest.modules.find((module) => module.path === ENTRY);
      for (const { tag, name, module } of defined) {
        (entry.exports ??= []).push({ kind: 'custom-element-definition', name: tag, declaration: { name, module } });
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/translations/**'],
  outdir: 'dist',
  litelement: true,
  packagejson: false,
  plugins: [litStateAndDefinitions()],
};
