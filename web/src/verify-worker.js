// Verification worker: streams a File through the verifier and the
// inspector in one pass (file.stream(), chunk by chunk), so a multi-GB
// package never sits whole in memory and the page stays responsive.
//
// In:  {type: 'verify', id, file, trustedKeys}   {type: 'cancel'}
// Out: {type: 'ready', version}
//      {type: 'progress', id, read, total}
//      {type: 'result', id, verdict, inspection, inspectError, read, total, ms, wasmMemory}
//      {type: 'error', id, code, message}

import { createVerifier, inspectPackage, wasmMemoryBytes } from './pkg/index.js';

/** The job that may run; a newer job or a cancel makes older ones stop. */
let current = 0;
const CANCELLED = Symbol('cancelled');
const PROGRESS_EVERY_MS = 80;

function errorInfo(e) {
  return { code: (e && e.code) || 'E_INTERNAL', message: (e && e.message) || String(e) };
}

async function verify({ id, file, trustedKeys }) {
  const started = performance.now();
  const total = file.size;
  let read = 0;
  let lastPost = 0;
  let verifier;
  try {
    verifier = createVerifier({ trustedKeys });
  } catch (e) {
    postMessage({ type: 'error', id, ...errorInfo(e) });
    return;
  }
  const reader = file.stream().getReader();
  let readError = null;

  // Reads the next chunk and feeds it to the verifier. Chunks that the
  // inspector also needs are handed on by feed().
  async function pump() {
    if (current !== id) throw CANCELLED;
    let r;
    try {
      r = await reader.read();
    } catch (e) {
      readError = e;
      throw e;
    }
    if (current !== id) throw CANCELLED;
    if (!r.done) {
      read += r.value.byteLength;
      verifier.update(r.value);
      const now = performance.now();
      if (now - lastPost >= PROGRESS_EVERY_MS) {
        lastPost = now;
        postMessage({ type: 'progress', id, read, total });
      }
    }
    return r;
  }
  async function* feed() {
    for (;;) {
      const r = await pump();
      if (r.done) return;
      yield r.value;
    }
  }

  let inspection = null;
  let inspectError = null;
  try {
    try {
      inspection = await inspectPackage(feed());
    } catch (e) {
      if (e === CANCELLED || readError) throw e;
      // A malformed package: the verdict says why; keep feeding the verifier.
      inspectError = errorInfo(e);
    }
    for (;;) {
      const r = await pump();
      if (r.done) break;
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    try {
      verifier.finish(); // frees the wasm object
    } catch {}
    if (e !== CANCELLED) postMessage({ type: 'error', id, code: 'E_READ', message: `could not read ${file.name}: ${errorInfo(e).message}` });
    return;
  }
  const verdict = verifier.finish();
  postMessage({ type: 'progress', id, read, total });
  postMessage({ type: 'result', id, verdict, inspection, inspectError, read, total, ms: Math.round(performance.now() - started), wasmMemory: wasmMemoryBytes() });
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'verify') {
    current = msg.id;
    verify(msg);
  } else if (msg.type === 'cancel') {
    current = 0;
  }
};

postMessage({ type: 'ready' });
