// @ts-check
// The Build panel's result: the package and its .sha256 sidecar (the
// core's text) as downloads, its size and SHA-256, and "Verify it above".

import { $, exactBytes, formatBytes } from './util.js';

/** A download link for `url`, saved as `name`. */
function offer(selector, url, name, text) {
  const a = $(selector);
  a.href = url;
  a.download = name;
  a.textContent = text;
}

/** `verifyFile(file)` verifies the built package in the Verify panel. */
export function initResult({ ef, verifyFile }) {
  let built = null; // {fileName, blob, urls}
  $('#build-verify').addEventListener('click', () => {
    if (built) verifyFile(new File([built.blob], built.fileName, { type: 'application/gzip' }));
  });
  return {
    /** Hides the last result and lets its downloads go. */
    clear() {
      if (built) for (const u of built.urls) URL.revokeObjectURL(u);
      built = null;
      $('#build-result').hidden = true;
    },
    /** Shows the package of the worker's `built` message. */
    show(msg) {
      const { blob, fileName, sha256 } = msg;
      // The worker's WebAssembly memory after the build: small however large
      // the weights, because files are read a piece at a time.
      $('#build-result').dataset.wasmMemory = String(msg.wasmMemory);
      const sidecar = new Blob([ef.sidecar(fileName, sha256)], { type: 'text/plain' });
      const urls = [URL.createObjectURL(blob), URL.createObjectURL(sidecar)];
      built = { fileName, blob, urls };
      offer('#build-download', urls[0], fileName, `Download ${fileName}`);
      offer('#build-download-sha256', urls[1], `${fileName}.sha256`, 'Download .sha256');
      $('#build-out-name').textContent = fileName;
      $('#build-out-size').textContent = `${formatBytes(blob.size)} (${exactBytes(blob.size)})`;
      $('#build-out-sha').textContent = sha256;
      $('#build-result').hidden = false;
    },
  };
}
