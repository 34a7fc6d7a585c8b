// @ts-check
// Verification worker: streams a File (file.stream(), chunk by chunk)
// through verifyAndInspect, which gives the verdict and the manifest summary
// in one pass and, for large files, inflates in a second worker while this
// one hashes. A multi-GB package never sits whole in memory and the page
// stays responsive.
//
// In:  {type: 'verify', id, file, trustedKeys}   {type: 'cancel'}
// Out: {type: 'ready', version}
//      {type: 'progress', id, read, total}
//      {type: 'result', id, verdict, inspection, inspectError, read, total, ms, wasmMemory}
//      {type: 'error', id, code, message}

import { verifyAndInspect, wasmMemoryBytes } from './pkg/index.js';

/** The job that may run; a newer job or a cancel makes older ones stop. */
let current = 0;
const CANCELLED = Symbol('cancelled');
const PROGRESS_EVERY_MS = 80;

/**
 * file.stream(), counting progress and stopping when the job is replaced
 * or cancelled (the error ends verifyAndInspect, which cancels the read).
 * @param {number} id
 * @param {File} file
 * @param {(bytes: number) => void} onRead
 */
function watched(id, file, onRead) {
  return file.stream().pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        if (current !== id) throw CANCELLED;
        onRead(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

/** @param {{ id: number, file: File, trustedKeys: string[] }} job */
async function verify({ id, file, trustedKeys }) {
  const started = performance.now();
  const total = file.size;
  let read = 0;
  let lastPost = 0;
  const source = watched(id, file, (n) => {
    read += n;
    const now = performance.now();
    if (now - lastPost >= PROGRESS_EVERY_MS) {
      lastPost = now;
      postMessage({ type: 'progress', id, read, total });
    }
  });
  let report;
  try {
    // One pass gives the verdict and the manifest summary; large files are
    // inflated in a second worker while this one hashes (the package
    // decides by the file's size, which the stream cannot tell it).
    report = await verifyAndInspect(source, { trustedKeys, size: total });
  } catch (e) {
    if (e === CANCELLED || current !== id) return;
    // Our errors carry an E_ code (a bad trusted key, a worker that died);
    // anything else is the browser failing to read the file.
    const ours = typeof e?.code === 'string' && e.code.startsWith('E_');
    const message = (e && e.message) || String(e);
    postMessage({ type: 'error', id, code: ours ? e.code : 'E_IO', message: ours ? message : `could not read ${file.name}: ${message}`, reason: e?.reason });
    return;
  }
  if (current !== id) return;
  postMessage({ type: 'progress', id, read, total });
  postMessage({ type: 'result', id, verdict: report.verdict, inspection: report.inspection, inspectError: report.inspectError, read, total, ms: Math.round(performance.now() - started), wasmMemory: wasmMemoryBytes() });
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
