// @ts-check
// What differs between Node and browsers, set once by the entry point
// (index.js: platform-browser.js; node.js: platform-node.js), so that the
// browser entry reaches no `node:` module at all.

/**
 * A worker that inflates (inflate-core.js's protocol).
 * @typedef {{
 *   post(msg: object, transfer?: ArrayBuffer[]): void,
 *   listen(onMessage: (msg: any) => void, onError: (error: Error) => void): void,
 *   close(): void,
 * }} Inflater
 */

/**
 * What an entry point provides: platform-browser.js or platform-node.js.
 * @typedef {{
 *   compileWasm(url: URL): Promise<WebAssembly.Module>,
 *   fs: typeof import('node:fs') | null,
 *   workersAvailable(): boolean,
 *   spawnInflater(): Inflater,
 * }} Platform
 */

/**
 * Set by the entry point before anything else runs, so never null when used.
 * @type {Platform}
 */
export let platform = /** @type {any} */ (null);

/** The first entry loaded wins: both share one module instance. */
/** @param {Platform} p */
export function setPlatform(p) {
  platform ??= p;
}
