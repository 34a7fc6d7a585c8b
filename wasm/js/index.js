// @ts-check
// expert-format for browsers (and any host but Node): the .expert toolchain
// core (expert-core) in WebAssembly. Nothing reachable from here imports a
// `node:` module. The module loads once, here (top-level await).

import * as browser from './platform-browser.js';
import { setPlatform } from './platform.js';
import { load } from './api.js';

setPlatform(browser);
await load();

export * from './api-exports.js';
