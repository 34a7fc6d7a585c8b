// verifyPackage on two cores in Node, as expert-cli verify does with two
// threads: a worker inflates (inflate-worker.js) while this thread walks
// the tar stream and hashes. Both halves are expert-core; the verdict is
// the one-thread Verifier's, because each error keeps its stream position.

import * as core from './expert_wasm.js';

/** Compressed chunks that may wait in the worker, unread. */
const IN_WINDOW = 2;
/** Compressed bytes per message to the worker. */
const BATCH = 1 << 20;

function fail(code, message) {
  const e = new Error(message);
  e.code = code;
  return e;
}

/** Regroups chunks into ~1 MiB buffers taken from `pool` (or new). */
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
 * The verdict for a package read from `chunks` (async iterable of
 * Uint8Array), trusting `trustedKeys`; `module` is the compiled wasm.
 */
export async function verifyInWorker(chunks, trustedKeys, module) {
  const tar = new core.TarVerifier(trustedKeys);
  const { Worker } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
  // No inherited Node flags: some (--input-type, as under `node -e`) make a
  // worker fail to start, and this one needs none.
  const worker = new Worker(new URL('./inflate-worker.js', import.meta.url), { execArgv: [] });
  let credits = IN_WINDOW;
  const pool = [];
  let ended = false;
  let upstream;
  let broken = null;
  let wake = () => {};
  let closed = false;
  worker.on('message', (msg) => {
    // Messages already in flight when verification stopped are dropped.
    if (closed) return;
    if (msg.out) {
      tar.push(msg.out.subarray(0, msg.length));
      worker.postMessage({ ack: msg.out }, [msg.out.buffer]);
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
  });
  const onError = (e) => {
    broken = fail('E_WORKER', `the inflate worker failed: ${e?.message ?? e}`);
    wake();
  };
  worker.on('error', onError);
  worker.on('exit', () => onError(new Error('it exited early')));
  const stopped = () => ended || tar.failed || broken !== null;
  const until = async (ready) => {
    while (!ready() && !stopped()) await new Promise((resolve) => (wake = resolve));
  };
  try {
    worker.postMessage({ module });
    for await (const chunk of batches(chunks, pool)) {
      await until(() => credits > 0);
      if (stopped()) break;
      credits -= 1;
      worker.postMessage({ chunk }, [chunk.buffer]);
    }
    if (!stopped()) worker.postMessage({ end: true });
    await until(() => false);
    if (broken && !tar.failed) throw broken;
  } catch (e) {
    tar.free();
    throw e;
  } finally {
    closed = true;
    worker.removeAllListeners('exit');
    worker.terminate();
  }
  return tar.finish(upstream?.code, upstream?.message);
}
