// @ts-check
// Node: the .wasm is read from disk, FileHandles are read with fs.readSync,
// and the inflate worker is a worker thread.

import * as nodeFs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { compileWasm as fetchWasm } from './platform-browser.js';

/**
 * @param {URL} url
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileWasm(url) {
  // fetch() cannot read file: URLs in Node.
  if (url.protocol !== 'file:') return fetchWasm(url);
  return WebAssembly.compile(await nodeFs.promises.readFile(url));
}

export const fs = nodeFs;

export function workersAvailable() {
  return true;
}

/** inflate-worker-node.js as `{post(msg, transfer), listen(onMessage, onError), close()}`. */
/** @returns {import('./platform.js').Inflater} */
export function spawnInflater() {
  // No inherited Node flags: some (--input-type, as under `node -e`) make
  // a worker fail to start, and this one needs none.
  const w = new Worker(new URL('./inflate-worker-node.js', import.meta.url), { execArgv: [] });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    listen(onMessage, onError) {
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', () => onError(new Error('it exited early')));
    },
    close() {
      w.removeAllListeners('exit');
      w.terminate();
    },
  };
}
