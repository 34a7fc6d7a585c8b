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
  const link = connect(worker, tar, module);
  const onAbort = () => link.wake();
  signal?.addEventListener('abort', onAbort);
  try {
    await inflateAll(link, chunks, signal);
  } catch (e) {
    const err = e === NOT_STARTED ? e : recover(e);
    release(tar);
    if (err === NOT_STARTED) return null;
    throw err;
  } finally {
    link.closed = true;
    signal?.removeEventListener('abort', onAbort);
    worker.close();
  }
  return tar.finish(link.upstream?.code, link.upstream?.message);
}

/**
 * @typedef {object} Link What this thread knows of the worker, as its messages arrive.
 * @property {import('./platform.js').Inflater} worker
 * @property {import('./expert_wasm.js').TarVerifier} tar gets what the worker inflates
 * @property {boolean} ready the worker has the module and runs
 * @property {number} credits compressed batches the worker may still be sent
 * @property {Uint8Array<ArrayBuffer>[]} pool batches the worker gave back, to fill again
 * @property {boolean} ended the gzip stream ended
 * @property {{ code: string, message: string } | undefined} upstream how the gzip stream ended, if it failed
 * @property {Error | null} broken the worker's own error
 * @property {Error | null} failure what pushing the worker's output threw
 * @property {boolean} closed verification stopped: messages are dropped
 * @property {(value?: unknown) => void} wake resumes inflateAll, waiting for news
 */

/**
 * Listens to `worker`, which is handed `module` when it says hello.
 * @param {import('./platform.js').Inflater} worker
 * @param {import('./expert_wasm.js').TarVerifier} tar
 * @param {WebAssembly.Module} module
 * @returns {Link}
 */
function connect(worker, tar, module) {
  /** @type {Link} */
  const link = { worker, tar, ready: false, credits: IN_WINDOW, pool: [], ended: false, upstream: undefined, broken: null, failure: null, closed: false, wake: () => {} };
  worker.listen(
    (msg) => hear(link, msg, module),
    (e) => {
      link.broken = e;
      link.wake();
    },
  );
  return link;
}

/**
 * One message from the worker: hello, ready, a buffer of inflated output
 * (pushed into the tar verifier, then handed back), a batch consumed (one
 * more credit) or the end of the gzip stream.
 * @param {Link} link
 * @param {any} msg
 * @param {WebAssembly.Module} module
 */
function hear(link, msg, module) {
  // Messages already in flight when verification stopped are dropped.
  if (link.closed) return;
  if (msg.hello) link.worker.post({ module });
  if (msg.ready) link.ready = true;
  if (msg.out) {
    try {
      link.tar.push(msg.out.subarray(0, msg.length));
    } catch (e) {
      // A panic here must not escape from an event handler.
      link.failure = recover(e);
      link.wake();
      return;
    }
    link.worker.post({ ack: msg.out }, [msg.out.buffer]);
  }
  if (msg.consumed) {
    link.credits += 1;
    if (msg.consumed.byteLength === BATCH) link.pool.push(msg.consumed);
  }
  if ('end' in msg) {
    link.ended = true;
    link.upstream = msg.end;
  }
  link.wake();
}

/**
 * Sends `chunks` to the worker, at most IN_WINDOW batches ahead of it, and
 * waits until it has inflated them all or verification stops: the tar
 * stream failed, the gzip stream ended, the worker broke, or an abort.
 * Throws NOT_STARTED if the worker never became ready.
 * @param {Link} link
 * @param {AsyncIterable<Uint8Array>} chunks
 * @param {AbortSignal} [signal]
 */
async function inflateAll(link, chunks, signal) {
  const stopped = () => link.failure !== null || link.ended || link.tar.failed || link.broken !== null || signal?.aborted === true;
  /** @param {() => boolean} done */
  const until = async (done) => {
    while (!done() && !stopped()) await new Promise((resolve) => (link.wake = resolve));
    if (link.failure) throw link.failure;
    throwIfAborted(signal);
  };
  await until(() => link.ready);
  // It never ran: nothing was read, the caller verifies on this thread.
  if (!link.ready) throw NOT_STARTED;
  for await (const chunk of batches(chunks, link.pool)) {
    await until(() => link.credits > 0);
    if (stopped()) break;
    link.credits -= 1;
    link.worker.post({ chunk }, [chunk.buffer]);
  }
  if (!stopped()) link.worker.post({ end: true });
  await until(() => false);
  const lost = link.broken;
  if (lost && !link.tar.failed && !link.ended) throw fail('E_WORKER', `the inflate worker failed: ${lost.message ?? lost}`);
}
