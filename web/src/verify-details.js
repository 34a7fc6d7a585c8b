// @ts-check
// What a checked package holds: its manifest summary with the adapters
// (and how far to believe it, by the verdict), and its file list with each
// file's size, hash and result.

import { $, h, formatBytes, exactBytes } from './util.js';

/** The summary of verdict `v` from `ins` (its inspection), or why there is none. */
export function renderSummary(v, ins, inspectError) {
  const dl = $('#summary');
  const row = (label, value) => (value === null || value === undefined || value === '' ? [] : [h('dt', {}, label), h('dd', {}, value)]);
  const src = ins || v;
  dl.replaceChildren(
    ...row('Name', src.name),
    ...row('Version', src.version),
    ...row('Schema', ins ? ins.schema_version || '1.0' : null),
    ...row('Base model', src.base_model),
    ...row('Description', ins?.description),
    ...row('Author', ins?.author),
    ...row('Licence', ins?.license),
    ...row('Capabilities', ins?.capabilities?.length ? h('span', {}, ...ins.capabilities.map((c) => h('span', { class: 'chip' }, c))) : null),
  );
  showSummaryNote(v.status);
  if (!ins && inspectError) {
    dl.append(h('dt', {}, 'Manifest'), h('dd', { class: 'muted' }, `not readable: ${inspectError.message}`));
  }
  renderAdapters(ins?.adapters || []);
  $('#summary-box').hidden = dl.children.length === 0;
}

/** How far the summary can be believed, by the verdict's `status`. */
function showSummaryNote(status) {
  const note = $('#summary-note');
  note.hidden = false;
  if (status === 'verified') note.hidden = true;
  else if (status === 'legacy') note.textContent = 'The legacy signature does not cover the manifest: these details are not authenticated.';
  else if (status === 'invalid') note.textContent = 'This package failed verification: do not rely on what its manifest says.';
  else if (status === 'unsigned') note.textContent = 'Unsigned: these details are what the manifest says, with nothing to prove it.';
  else note.textContent = 'Signed by a key you do not trust: these details are authentic only if that key is the publisher’s.';
}

/** The manifest's adapters, one row each (hidden when there are none). */
function renderAdapters(adapters) {
  $('#adapters tbody').replaceChildren(
    ...adapters.map((a) =>
      h(
        'tr',
        {},
        h('td', {}, a.type || '—'),
        h('td', { class: 'num' }, a.r ?? '—'),
        h('td', { class: 'num' }, a.alpha ?? '—'),
        h('td', { class: 'path' }, a.path || '—'),
        h('td', { class: 'num' }, a.size_bytes ? formatBytes(a.size_bytes) : '—'),
      ),
    ),
  );
  $('#adapters').hidden = adapters.length === 0;
  $('#adapters-box').hidden = adapters.length === 0;
}

/** The files of verdict `v`, the failed ones marked. */
export function renderFiles(v) {
  const tbody = $('#files tbody');
  if (!v.files.length) {
    tbody.replaceChildren(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No files could be listed: the package was rejected before its contents were read.')));
  } else {
    tbody.replaceChildren(
      ...v.files.map((f) =>
        h(
          'tr',
          { class: f.ok ? '' : 'failed', dataset: { ok: String(f.ok) } },
          h('td', { class: 'path' }, f.path),
          h('td', { class: 'num', title: exactBytes(f.size) }, formatBytes(f.size)),
          h('td', { class: 'hash', title: f.sha256 }, h('span', {}, f.sha256.slice(0, 32)), h('span', {}, f.sha256.slice(32))),
          h('td', {}, f.ok ? h('span', { class: 'ok-badge' }, '✓ ok') : h('span', { class: 'fail-badge' }, '✗ failed')),
        ),
      ),
    );
  }
  const failed = v.files.filter((f) => !f.ok).length;
  $('#files-count').textContent = failed ? `${v.files.length} · ${failed} failed` : String(v.files.length);
  $('#files-box').hidden = false;
}
