// @ts-check
// verifyPackage on two cores, as expert-cli verify does with two threads:
// a worker (a Node worker thread, or a Web Worker in browsers) inflates
// (inflate-worker.js) while this thread walks the tar stream and hashes.
// Both halves are expert-core; the result is the one-thread Verifier's,
// because each error keeps its stream position.

import * as core from './expert_wasm.js';
import { fail, throwIfAborted } from './errors.js';
import { made, recover, release } from './instance.js';
import { platform } from './platform.js';

/** Compressed chunks that may wait in the worker, unread. */
const IN_WINDOW = 2;
/** Compressed bytes per message to the worker. */
const BATCH = 1 << 20;
const NOT_STARTED = Symbol('the worker did not start');

/**
 * Regroups chunks into ~1 MiB buffers taken from `pool` (or new).
 * @param {AsyncIterable<Uint8Array>} chunks
 * @param {Uint8Array<ArrayBuffer>[]} pool
 * @returns {AsyncGenerator<Uint8Array<ArrayBuffer>>}
 */
async function* batches(chunks, pool) {
  const take = () => pool.pop() ?? new Uint8Array(BATCH);
  let buf = take();
  let used = 0;
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(BATCH - used, chunk.length - at);
      buf.set(chunk.subarray(at, at + n), used);
      used += n;
      at += n;
      if (used === BATCH) {
        yield buf;
        buf = take();
        used = 0;
      }
    }
  }
  if (used > 0) yield buf.subarray(0, used);
}

/**
 * `{verdict, inspection, inspectError}` for a package read from `chunks`
 * (an async iterable of Uint8Array, not yet started), trusting
 * `trustedKeys`; `module` is the compiled wasm. Resolves to null, having
 * read nothing, if the worker cannot start. An abort of `signal` ends the
 * worker at once and rejects with an AbortError.
 * @param {AsyncIterable<Uint8Array>} chunks
 * @param {string[]} trustedKeys
 * @param {WebAssembly.Module} module
 * @param {AbortSignal} [signal]
 * @returns {Promise<any>} the report, as the Verifier's finish() gives it
 */
export async function verifyInWorker(chunks, trustedKeys, module, signal) {
  // First, so that a bad key throws before there is a worker to end.
  const tar = made(new core.TarVerifier(trustedKeys));
  let worker;
  try {
    // The platform's: a Node worker thread or a module Web Worker.
    worker = await platform.spawnInflater();
  } catch {
    release(tar);
    throwIfAborted(signal);
    return null;
  }
  let ready = false;
  let credits = IN_WINDOW;
  /** @type {Uint8Array<ArrayBuffer>[]} */
  const pool = [];
  let ended = false;
  /** @type {{ code: string, message: string } | undefined} How the gzip stream ended, if it failed. */
  let upstream;
  /** @type {Error | null} */
  let broken = null;
  /** @type {Error | null} */
  let failure = null;
  let closed = false;
  /** @type {(value?: unknown) => void} */
  let wake = () => {};
  worker.listen(
    (msg) => {
      // Messages already in flight when verification stopped are dropped.
      if (closed) return;
      if (msg.hello) worker.post({ module });
      if (msg.ready) ready = true;
      if (msg.out) {
        try {
          tar.push(msg.out.subarray(0, msg.length));
        } catch (e) {
          // A panic here must not escape from an event handler.
          failure = recover(e);
          wake();
          return;
        }
        worker.post({ ack: msg.out }, [msg.out.buffer]);
      }
      if (msg.consumed) {
        credits += 1;
        if (msg.consumed.byteLength === BATCH) pool.push(msg.consumed);
      }
      if ('end' in msg) {
        ended = true;
        upstream = msg.end;
      }
      wake();
    },
    (e) => {
      broken = e;
      wake();
    },
  );
  const onAbort = () => wake();
  signal?.addEventListener('abort', onAbort);
  const stopped = () => failure !== null || ended || tar.failed || broken !== null || signal?.aborted === true;
  /** @param {() => boolean} done */
  const until = async (done) => {
    while (!done() && !stopped()) await new Promise((resolve) => (wake = resolve));
    if (failure) throw failure;
    throwIfAborted(signal);
  };
  try {
    await until(() => ready);
    // It never ran: nothing was read, the caller verifies on this thread.
    if (!ready) throw NOT_STARTED;
    for await (const chunk of batches(chunks, pool)) {
      await until(() => credits > 0);
      if (stopped()) break;
      credits -= 1;
      worker.post({ chunk }, [chunk.buffer]);
    }
    if (!stopped()) worker.post({ end: true });
    await until(() => false);
    // Set by the worker's error handler, which the checker does not follow.
    const lost = /** @type {Error | null} */ (broken);
    if (lost && !tar.failed && !ended) throw fail('E_WORKER', `the inflate worker failed: ${lost.message ?? lost}`);
  } catch (e) {
    const err = e === NOT_STARTED ? e : recover(e);
    release(tar);
    if (err === NOT_STARTED) return null;
    throw err;
  } finally {
    closed = true;
    signal?.removeEventListener('abort', onAbort);
    worker.close();
  }
  return tar.finish(upstream?.code, upstream?.message);
}
