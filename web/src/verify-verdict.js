// @ts-check
// The verdict box: its state and icon while a check runs, is cancelled or
// fails, and a finished check's verdict with its explanation and problems,
// then its facts (verify-facts.js), summary and files (verify-details.js).

import { $, h, formatBytes } from './util.js';
import { keyErrorWords } from './words.js';
import { STATUS } from './verify-texts.js';
import { showFacts } from './verify-facts.js';
import { renderFiles, renderSummary } from './verify-details.js';
import { showChecked } from './verify-progress.js';

/** The box's data-state, and data-status with its icon once there is a verdict. */
function setVerdictState(state, status) {
  const el = $('#verdict');
  el.dataset.state = state;
  if (status) el.dataset.status = status;
  else el.removeAttribute('data-status');
  $('#verdict-icon-use').setAttribute('href', `#${status ? STATUS[status].icon : state === 'running' ? 'i-running' : state === 'error' ? 'i-error' : 'i-idle'}`);
}

/** Hides the last verdict's details. */
function clearResults() {
  for (const id of ['#verdict-explain', '#problems-box', '#summary-box', '#files-box', '#verdict-facts', '#verdict-code']) $(id).hidden = true;
  $('#verdict').removeAttribute('data-problem');
}

/** Check `id` of `file` under way. */
export function showChecking(id, file) {
  const el = $('#verdict');
  el.dataset.job = String(id);
  el.dataset.file = file.name;
  clearResults();
  setVerdictState('running');
  $('#verdict-title').textContent = 'Checking…';
  $('#verdict-sub').textContent = `${file.name} (${formatBytes(file.size)}) is being read and checked in a background worker.`;
}

/** The check was cancelled; `id` is the job that stands for it. */
export function showCancelled(id) {
  clearResults();
  setVerdictState('cancelled');
  $('#verdict').dataset.job = String(id);
  $('#verdict-title').textContent = 'Check cancelled';
  $('#verdict-sub').textContent = 'Choose or drop a .expert file to check it.';
}

/** The worker's error message: the file could not be checked at all. */
export function showCheckError(msg) {
  setVerdictState('error');
  $('#verdict-title').textContent = 'Could not check this file';
  $('#verdict-sub').textContent = msg.code === 'E_KEY_FORMAT' ? keyErrorWords(msg, 'One of your trusted keys is not a public key; remove it under Trusted keys') : `${msg.message} (${msg.code})`;
}

/**
 * The worker's result message; `words` ({title, headline}) replaces the
 * status's own words for an invalid package.
 * @param {any} msg
 * @param {{ title: string, headline: string } | null} words
 * @param {{ ef: typeof import('./pkg/index.js'), trust: import('./keys.js').TrustStore }} deps
 */
export function renderVerdict({ verdict: v, inspection, inspectError, read, ms, wasmMemory }, words, deps) {
  const info = STATUS[v.status];
  setVerdictState('done', v.status);
  if (v.problems[0]) $('#verdict').dataset.problem = v.problems[0].code;
  $('#verdict-title').textContent = words?.title ?? info.title;
  $('#verdict-sub').textContent = words?.headline ?? info.sub(v, deps.trust);
  $('#verdict-sub').classList.toggle('headline', !!words);
  $('#verdict-code').textContent = `status: ${v.status}`;
  $('#verdict-code').hidden = false;
  showChecked(read, ms, wasmMemory);
  const trusted = showFacts(v, inspection, deps);
  showExplanation(v, info, trusted);
  showProblems(v.problems);
  renderSummary(v, inspection, inspectError);
  renderFiles(v);
}

/** What the verdict means and what to do; `trusted` says whether its key is. */
function showExplanation(v, info, trusted) {
  let means = info.means;
  if (v.status === 'legacy' && trusted) means += ' Its key is in your trusted keys, but that cannot make the manifest authentic.';
  $('#explain-means').textContent = means;
  $('#explain-todo').textContent = info.todo;
  $('#verdict-explain').hidden = false;
}

/** The verdict's problems and warnings (W_ codes), each with its code. */
function showProblems(problems) {
  $('#problems').replaceChildren(
    ...problems.map((p) => h('li', { class: p.code.startsWith('W_') ? 'warn' : '', dataset: { code: p.code } }, h('code', {}, p.code), h('span', {}, p.message))),
  );
  $('#problems-count').textContent = String(problems.length);
  $('#problems-box').hidden = problems.length === 0;
}
