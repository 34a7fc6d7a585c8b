// @ts-check
// The Author panel: the manifest editor (editor.js) with live diagnostics
// from validateManifest, the example, open, drop and save.

import { $, h, dropTarget, debounce, saveBlob } from './util.js';
import { ManifestEditor } from './editor.js';

/**
 * One diagnostic as a list item; clicking it calls `goTo(line, column)`.
 * The build panel lists the manifest's errors with it too.
 */
export function diagnosticItem(d, goTo) {
  const pos = d.line ? `${d.line}:${d.column ?? 1}` : '—';
  return h(
    'li',
    { dataset: { code: d.code, severity: d.severity, line: d.line ?? '', column: d.column ?? '', path: d.path } },
    h(
      'button',
      { type: 'button', title: d.line ? `Go to line ${d.line}, column ${d.column ?? 1}` : 'No position in the text', onclick: () => d.line && goTo && goTo(d.line, d.column) },
      h('span', { class: 'd-pos' }, pos),
      h('span', { class: 'd-code' }, `${d.severity === 'error' ? 'error' : 'warning'} ${d.code}`),
      h('span', { class: 'd-msg' }, d.message),
      d.path ? h('span', { class: 'd-path' }, d.path) : null,
    ),
  );
}

/**
 * Wires the panel; returns the editor, which the build panel reads.
 * @param {{ ef: typeof import('./pkg/index.js') }} deps
 */
export function initEditorPanel({ ef }) {
  const editor = new ManifestEditor({ textarea: $('#editor'), gutter: $('#editor-gutter'), marks: $('#editor-marks') });
  let validations = 0;

  function validateNow() {
    const text = editor.value;
    const status = $('#editor-status');
    status.dataset.rev = String(++validations);
    // Tests wait for the report of exactly the text they typed.
    status.dataset.length = String(text.length);
    if (!text.trim()) {
      editor.setDiagnostics([]);
      $('#diagnostics').replaceChildren();
      status.dataset.valid = '';
      status.textContent = 'Empty — paste a manifest.json or load the example.';
      editor.dispatchEvent(new Event('validated'));
      return;
    }
    const report = ef.validateManifest(text);
    editor.setDiagnostics(report.diagnostics);
    const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = report.diagnostics.length - errors;
    const plural = (n, w) => `${n} ${w}${n === 1 ? '' : 's'}`;
    status.dataset.valid = String(report.valid);
    status.dataset.errors = String(errors);
    status.textContent = report.valid
      ? `✓ Valid${report.schema_version ? ` v${report.schema_version}` : ''} manifest${warnings ? `, ${plural(warnings, 'warning')}` : ''}`
      : `✗ ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
    $('#diagnostics').replaceChildren(...report.diagnostics.map((d) => diagnosticItem(d, (line, col) => editor.goTo(line, col))));
    editor.dispatchEvent(new Event('validated'));
  }

  editor.addEventListener('change', debounce(validateNow, 200));
  editor.addEventListener('cursor', (e) => {
    const { line, column } = /** @type {CustomEvent<{ line: number, column: number }>} */ (e).detail;
    $('#editor-cursor').textContent = `Ln ${line}, Col ${column}`;
  });

  // The example is fetched now, so the button works offline later.
  const exampleText = fetch(new URL('examples/manifest.json', document.baseURI))
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .catch((e) => {
      console.warn(`example manifest unavailable: ${e.message}`);
      return null;
    });
  $('#load-example').addEventListener('click', async () => {
    const text = await exampleText;
    if (text === null) return;
    editor.value = text;
    validateNow();
  });
  $('#editor-open').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) {
      editor.value = await file.text();
      validateNow();
    }
  });
  dropTarget($('#editor-frame'), async (e) => {
    const file = e.dataTransfer.files[0];
    if (file) {
      editor.value = await file.text();
      validateNow();
    }
  });
  $('#editor-save').addEventListener('click', () => saveBlob(new Blob([editor.value], { type: 'application/json' }), 'manifest.json'));
  validateNow();

  return { editor };
}
