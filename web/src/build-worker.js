// @ts-check
// Build worker: buildPackage() over the dropped files, off the main thread.
// The private key arrives here by postMessage and goes nowhere else; the
// page replaces this worker after each build, which frees its memory.
//
// In:  {type: 'build', id, manifest, files: [{path, file}], model, signingKey, publisher}
// Out: {type: 'ready'}  {type: 'progress', id, done, total}
//      {type: 'built', id, fileName, model, sha256, blob, ms, wasmMemory}
//      {type: 'error', id, code, message, diagnostics}

import { buildPackage, wasmMemoryBytes } from './pkg/index.js';

const PROGRESS_EVERY_MS = 80;

/**
 * What the page posts (build.js).
 * @typedef {{ type: 'build', id: number, manifest: string, files: { path: string, file: File }[], model?: string, signingKey?: string | null, publisher?: string }} BuildMessage
 */

self.onmessage = async (event) => {
  const msg = /** @type {BuildMessage} */ (event.data);
  if (msg.type !== 'build') return;
  const { id, manifest, files, model, publisher } = msg;
  let { signingKey } = msg;
  msg.signingKey = null;
  try {
    const map = new Map(files.map((f) => [f.path, f.file]));
    const started = performance.now();
    let lastPost = 0;
    /** @type {(done: number, total: number) => void} */
    const onProgress = (done, total) => {
      const now = performance.now();
      if (done < total && now - lastPost < PROGRESS_EVERY_MS) return;
      lastPost = now;
      postMessage({ type: 'progress', id, done, total });
    };
    // Files are read a piece at a time (FileReaderSync) and the package
    // gathers in a Blob: neither has to fit in memory whole.
    const out = await buildPackage({ manifest, files: map, model: model || undefined, signingKey: signingKey || undefined, publisher: publisher || undefined, output: 'blob', onProgress });
    signingKey = null;
    postMessage({ type: 'built', id, fileName: out.fileName, model: out.model, sha256: out.sha256, blob: out.blob, ms: Math.round(performance.now() - started), wasmMemory: wasmMemoryBytes() });
  } catch (e) {
    signingKey = null;
    postMessage({ type: 'error', id, code: (e && e.code) || 'E_INTERNAL', message: (e && e.message) || String(e), reason: e?.reason, diagnostics: (e && e.diagnostics) || null });
  }
};

postMessage({ type: 'ready' });
