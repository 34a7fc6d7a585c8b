// @ts-check
// The Build panel's form: the manifest (the folder's, or the editor's when
// chosen) as the core judges it, its base models to choose from, the
// folder's summary, the package's file name, and whether Build can start.

import { $, h, formatBytes } from './util.js';
import { status, statusState } from './build-status.js';

/** The manifest to build with: the editor's when chosen, else the folder's. */
export function manifestText(editor, expert) {
  if ($('#build-use-editor').checked) return editor.value;
  return expert?.manifestText ?? '';
}

/** Bytes of all the expert's files. */
export const expertSize = (expert) => expert.files.reduce((n, f) => n + f.file.size, 0);

/** Re-reads the manifest `text`, fills the model list, enables the button. */
export function refreshForm({ ef, expert, text, diagnosticItem }) {
  if (!expert && !$('#build-use-editor').checked) return noFolder();
  const report = text.trim() ? ef.validateManifest(text) : { valid: false, diagnostics: [] };
  const errors = showDiagnostics(report.diagnostics, diagnosticItem);
  const names = report.valid ? ef.modelNames(text) : [];
  fillModels(names, report.valid);
  if (expert) showSummary(expert, report, errors, names.length);
  $('#build-filename').textContent = report.valid ? fileName(ef, text) : '—';
  const ok = !!expert && report.valid && (names.length <= 1 || !!$('#build-model').value);
  $('#build-button').disabled = !ok;
  showReadiness(ok, expert, report.valid);
}

/**
 * Lists the errors among `diagnostics` (hidden when there are none);
 * returns how many there are.
 */
export function showDiagnostics(diagnostics, diagnosticItem) {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const box = $('#build-diagnostics');
  box.replaceChildren(...errors.map((d) => diagnosticItem(d, null)));
  box.hidden = errors.length === 0;
  return errors.length;
}

/** The summary for files chosen without a manifest.json among them. */
export function showNoManifest(count) {
  const summary = $('#build-summary');
  summary.dataset.state = 'error';
  summary.textContent = count ? `No manifest.json among the ${count} files chosen.` : 'No files chosen.';
}

function noFolder() {
  const select = $('#build-model');
  select.replaceChildren(h('option', { value: '' }, '— choose a folder first —'));
  select.disabled = true;
  $('#build-button').disabled = true;
  $('#build-filename').textContent = '—';
  $('#build-diagnostics').hidden = true;
}

/** The model list: the manifest's names, keeping the one chosen if it is still there. */
function fillModels(names, valid) {
  const select = $('#build-model');
  const previous = select.value;
  select.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
  if (!names.length) select.append(h('option', { value: '' }, valid ? '(the manifest names no model)' : '— the manifest has errors —'));
  if (names.includes(previous)) select.value = previous;
  select.disabled = names.length < 2;
}

function showSummary(expert, report, errors, models) {
  const summary = $('#build-summary');
  summary.dataset.state = report.valid ? 'ok' : 'error';
  const manifest = report.valid ? `valid (v${report.schema_version || '1.0'}, ${models} base model${models === 1 ? '' : 's'})` : `has ${errors} error${errors === 1 ? '' : 's'}`;
  const source = $('#build-use-editor').checked ? ' (from the editor)' : '';
  summary.textContent = `${expert.name}/ — ${expert.files.length} files, ${formatBytes(expertSize(expert))}; manifest ${manifest}${source}`;
}

/** The package's file name for the model chosen, or the code that prevents one. */
function fileName(ef, text) {
  try {
    return ef.packageFileName(text, $('#build-model').value || undefined);
  } catch (e) {
    return `— (${e.code})`;
  }
}

/** Says what is missing before a build can start, or that it can. */
function showReadiness(ok, expert, valid) {
  if (!ok && statusState() !== 'done') {
    status('idle', !expert ? 'Choose the expert’s folder to start.' : valid ? 'Choose a base model.' : 'Fix the manifest’s errors first (listed below).');
  } else if (ok && statusState() === 'idle') {
    status('idle', 'Ready to build.');
  }
}
