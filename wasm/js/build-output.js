// @ts-check
// Where buildPackage's output goes: to the caller's function chunk by
// chunk, or gathered into bytes or a Blob. A Blob is folded every 64 MiB,
// so that what is built can leave the JS heap.

/** Output chunks gathered into a Blob every so often, so they can leave the JS heap. */
const BLOB_FOLD_BYTES = 64 << 20;

/**
 * `sink` takes each chunk from the core; `result(out)` is buildPackage's
 * result once the core's `out` says it is done.
 * @param {'bytes' | 'blob' | ((chunk: Uint8Array<ArrayBuffer>) => void)} output
 */
export function packageOutput(output) {
  /** @type {Uint8Array<ArrayBuffer>[]} Chunks from the core, not yet folded. */
  let parts = [];
  let held = 0;
  let folded = output === 'blob' ? new Blob([]) : null;
  /** @param {Uint8Array<ArrayBuffer>} chunk */
  const gather = (chunk) => {
    parts.push(chunk);
    held += chunk.length;
    if (folded && held >= BLOB_FOLD_BYTES) {
      folded = new Blob([folded, ...parts]);
      parts = [];
      held = 0;
    }
  };
  return {
    sink: typeof output === 'function' ? output : gather,
    /** @param {{ fileName: string, model: string, sha256: string, size: number }} out */
    result(out) {
      const result = { fileName: out.fileName, model: out.model, sha256: out.sha256 };
      if (typeof output === 'function') return { ...result, size: out.size };
      if (folded) return { ...result, blob: new Blob([folded, ...parts], { type: 'application/gzip' }) };
      const bytes = new Uint8Array(out.size);
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
      return { ...result, bytes };
    },
  };
}
