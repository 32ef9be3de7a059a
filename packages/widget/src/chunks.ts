/**
 * Files that load on demand from next to the bundle: English's problem messages (`translations/en.js`, see
 * `localize.ts`) and any feature kept out of the core bundles' 12,000 B. One seam for all of them:
 * `loadChunk('name.js')` imports `name.js` from where this bundle was loaded, in both bundles (a native `import()`
 * works in a classic script too). A failure (say, a CSP without the bundle's origin) is the caller's to ignore.
 */

/**
 * Where this bundle was loaded from, captured while it evaluates: the classic (IIFE) bundle sees its own
 * `<script>` as `document.currentScript`; the module bundle has `import.meta.url` (`"null"` origin for file: URLs).
 */
export const SCRIPT_URL: string = (globalThis.document?.currentScript as HTMLScriptElement | null)?.src || import.meta.url;

/** Imports a file next to the bundle (`translations/en.js`, `extras.js`): its module namespace. */
export const loadChunk = (path: string): Promise<unknown> => import(/* @vite-ignore */ new URL(path, SCRIPT_URL).href);
