// What differs between Node and browsers, set once by the entry point
// (index.js: platform-browser.js; node.js: platform-node.js), so that the
// browser entry reaches no `node:` module at all.

/** `{compileWasm(url), fs, workersAvailable(), spawnInflater()}` */
export let platform = null;

/** The first entry loaded wins: both share one module instance. */
export function setPlatform(p) {
  platform ??= p;
}
