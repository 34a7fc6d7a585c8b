// The gzip half of verifyPackage, on a worker (a Node worker thread or a Web
// Worker): compressed chunks in, tar bytes out, while the calling thread
// walks the tar stream and hashes (verify-in-worker.js). Both halves are
// expert-core in wasm; this file only moves bytes. Buffers travel back and
// forth (transferred, never copied), so memory stays flat however large
// the package.
//
// Out: {hello}   listening                  {ready}   the module is running
// In:  {module}  the compiled WebAssembly.Module
//      {chunk}   compressed bytes           {end: true}  no more input
//      {ack}     an output buffer, back from the main thread for reuse
// Out: {out, length}  tar bytes             {consumed}   a chunk's buffer, back
//      {end: undefined | {code, message}}   how the gzip stream ended; last

import { initSync, Inflater } from './expert_wasm.js';

/** Output buffers: at most this many batches wait, unread, in the main thread. */
const OUT_BUFFERS = 4;
const OUT_BYTES = 1 << 20;

// A Web Worker has WorkerGlobalScope; a Node worker thread has parentPort.
const inBrowser = typeof WorkerGlobalScope === 'function' && globalThis instanceof WorkerGlobalScope;
const port = inBrowser ? null : (await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads')).parentPort;
const post = (msg, transfer = []) => (inBrowser ? globalThis.postMessage(msg, transfer) : port.postMessage(msg, transfer));

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
      post({ out, length }, [out.buffer]);
      continue;
    }
    free.push(out);
    if (inflater.error === undefined && queue.length > 0) {
      const chunk = queue.shift();
      inflater.push(chunk);
      post({ consumed: chunk }, [chunk.buffer]);
      continue;
    }
    if (inflater.error !== undefined || ended) {
      done = true;
      post({ end: inflater.finish() });
    }
    return;
  }
}

function onMessage(msg) {
  if (msg.module) {
    initSync({ module: msg.module });
    inflater = new Inflater();
    post({ ready: true });
    return;
  }
  if (msg.chunk) queue.push(msg.chunk);
  if (msg.ack) free.push(msg.ack);
  if (msg.end) ended = true;
  pump();
}

if (inBrowser) globalThis.onmessage = (event) => onMessage(event.data);
else port.on('message', onMessage);
post({ hello: true });
