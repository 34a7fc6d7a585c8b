// @ts-check
// expert-format for Node >= 20: the same API as index.js, with the .wasm
// read from disk, Node FileHandles as buildPackage sources and worker
// threads for the inflate worker. package.json's "node" condition picks it.

import * as node from './platform-node.js';
import { setPlatform } from './platform.js';
import { load } from './api.js';

setPlatform(node);
await load();

export * from './api-exports.js';
