// @ts-check
// The Verify panel's progress line: the file being read, a bar of the bytes
// read with the rate, Cancel while the check runs, and at the end how long
// it took.

import { $, formatBytes } from './util.js';

/** The progress line of one check at a time; it knows when the check started. */
export function verifyProgress() {
  let started = 0;
  /** The bar: `read` bytes of `total`, at the rate since the start. */
  const show = (read, total) => {
    const pct = total ? Math.min(100, (read / total) * 100) : 100;
    $('#verify-progress-bar').style.width = `${pct}%`;
    $('.bar', $('#verify-progress')).setAttribute('aria-valuenow', String(Math.round(pct)));
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0.3 ? ` · ${formatBytes(read / secs)}/s` : '';
    $('#verify-progress-text').textContent = `${formatBytes(read)} of ${formatBytes(total)} (${pct.toFixed(0)}%)${rate}`;
  };
  return {
    show,
    /** The line for `file`, at zero, with Cancel. */
    start(file) {
      $('#verify-progress').hidden = false;
      $('#verify-cancel').hidden = false;
      $('#verify-file-name').textContent = file.name;
      show(0, file.size);
      started = performance.now();
    },
    /** The check ended: nothing left to cancel. */
    ended() {
      $('#verify-cancel').hidden = true;
    },
    /** The check was cancelled: the line goes. */
    hide() {
      $('#verify-progress').hidden = true;
    },
  };
}

/** How much was checked and in how long; `wasmMemory` is the worker's. */
export function showChecked(read, ms, wasmMemory) {
  $('#verify-progress-text').textContent = `${formatBytes(read)} checked in ${(ms / 1000).toFixed(2)} s`;
  // The worker's WebAssembly memory after the run: it stays small however
  // large the package, because the file is streamed.
  $('#verify-progress').dataset.wasmMemory = String(wasmMemory);
  $('#verify-progress').title = `WebAssembly memory in the worker: ${formatBytes(wasmMemory)}`;
}
