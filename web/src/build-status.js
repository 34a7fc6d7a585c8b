// @ts-check
// The Build panel's status line and progress bar.

import { $, formatBytes } from './util.js';

/** The status line (`state` is its data-state); the bar shows only while building. */
export function status(state, text) {
  const el = $('#build-status');
  el.dataset.state = state;
  el.textContent = text;
  if (state !== 'building') $('#build-progress').hidden = true;
}

/** The state the status line is in: idle, building, done, error or cancelled. */
export const statusState = () => $('#build-status').dataset.state;

/** The progress bar: bytes read of the total the core will read. */
export function showProgress(done, total) {
  const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  const text = `${formatBytes(done)} of ${formatBytes(total)} read (${pct}%)`;
  const bar = $('#build-progressbar');
  bar.setAttribute('aria-valuenow', String(pct));
  bar.setAttribute('aria-valuetext', text);
  $('#build-progress-fill').style.width = `${pct}%`;
  $('#build-progress-text').textContent = text;
  $('#build-progress').dataset.done = String(done);
  $('#build-progress').dataset.total = String(total);
}

/** The bar at zero, saying so, until the worker's first progress. */
export function startProgress() {
  $('#build-progress').hidden = false;
  showProgress(0, 0);
  $('#build-progress-text').textContent = 'Starting…';
}
