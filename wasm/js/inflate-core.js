// @ts-check
// The gzip half of verifyPackage, run on a worker (inflate-worker.js in a
// browser, inflate-worker-node.js in Node): compressed chunks in, tar bytes out, while the calling thread
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

/**
 * Serves the protocol above: `post(msg, transfer)` sends to the main
 * thread, `listen(onMessage)` hands each message from it to onMessage.
 * @param {(msg: object, transfer?: ArrayBuffer[]) => void} post
 * @param {(onMessage: (msg: any) => void) => void} listen
 */
export function serveInflater(post, listen) {

  /** Output buffers: at most this many batches wait, unread, in the main thread. */
  const OUT_BUFFERS = 4;
  const OUT_BYTES = 1 << 20;

  /** @type {Inflater} Set once the module arrives, before any chunk. */
  let inflater = /** @type {any} */ (null);
  /** @type {Uint8Array<ArrayBuffer>[]} */
  const queue = [];
  const free = Array.from({ length: OUT_BUFFERS }, () => new Uint8Array(OUT_BYTES));
  let ended = false;
  let done = false;

  /** Inflates while an output buffer is free, then reports how it ended. */
  function pump() {
    while (!done && free.length > 0) {
      const out = /** @type {Uint8Array<ArrayBuffer>} */ (free.pop());
      const length = inflater.read(out);
      if (length > 0) {
        post({ out, length }, [out.buffer]);
        continue;
      }
      free.push(out);
      if (inflater.error === undefined && queue.length > 0) {
        const chunk = /** @type {Uint8Array<ArrayBuffer>} */ (queue.shift());
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

  /** @param {any} msg one of the messages above */
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

  listen(onMessage);
  post({ hello: true });
}
