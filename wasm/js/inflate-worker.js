// The gzip half of verifyPackage, on a Node worker thread: compressed
// chunks in, tar bytes out, while the main thread walks the tar stream and
// hashes (verify-in-worker.js). Both halves are expert-core in wasm; this
// file only moves bytes. Buffers travel back and forth (transferred, never
// copied), so memory stays flat however large the package.
//
// In:  {module}  the compiled WebAssembly.Module, first
//      {chunk}   compressed bytes           {end: true}  no more input
//      {ack}     an output buffer, back from the main thread for reuse
// Out: {out, length}  tar bytes             {consumed}   a chunk's buffer, back
//      {end: undefined | {code, message}}   how the gzip stream ended; last

import { parentPort } from 'node:worker_threads';
import { initSync, Inflater } from './expert_wasm.js';

/** Output buffers: at most this many batches wait, unread, in the main thread. */
const OUT_BUFFERS = 4;
const OUT_BYTES = 1 << 20;

let inflater = null;
const queue = [];
const free = Array.from({ length: OUT_BUFFERS }, () => new Uint8Array(OUT_BYTES));
let ended = false;
let done = false;

/** Inflates while an output buffer is free, then reports how it ended. */
function pump() {
  while (!done && free.length > 0) {
    const out = free.pop();
    const length = inflater.read(out);
    if (length > 0) {
      parentPort.postMessage({ out, length }, [out.buffer]);
      continue;
    }
    free.push(out);
    if (inflater.error === undefined && queue.length > 0) {
      const chunk = queue.shift();
      inflater.push(chunk);
      parentPort.postMessage({ consumed: chunk }, [chunk.buffer]);
      continue;
    }
    if (inflater.error !== undefined || ended) {
      done = true;
      parentPort.postMessage({ end: inflater.finish() });
    }
    return;
  }
}

parentPort.on('message', (msg) => {
  if (msg.module) {
    initSync({ module: msg.module });
    inflater = new Inflater();
    return;
  }
  if (msg.chunk) queue.push(msg.chunk);
  if (msg.ack) free.push(msg.ack);
  if (msg.end) ended = true;
  pump();
});
