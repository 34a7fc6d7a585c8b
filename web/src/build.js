// @ts-check
// The "Build and sign" panel: collect an expert folder (folder picker,
// drag-and-drop of a directory, or loose files), choose the base model, an
// optional signing key, and run buildPackage() in a worker. The private key
// lives only in this page's memory (the textarea and the worker message); it
// is never stored or sent.

import { $, h, formatBytes, exactBytes, dropTarget, saveBlob } from './util.js';
import { keyErrorWords } from './words.js';

/** Files of a dropped directory, recursively, as [{path, file}]. */
async function filesFromEntries(entries) {
  const out = [];
  const readAll = (reader) =>
    new Promise((ok, fail) => {
      const all = [];
      const next = () =>
        reader.readEntries((batch) => {
          if (!batch.length) return ok(all);
          all.push(...batch);
          next();
        }, fail);
      next();
    });
  async function walk(entry, prefix) {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      out.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      for (const child of await readAll(entry.createReader())) await walk(child, `${prefix}${entry.name}/`);
    }
  }
  for (const e of entries) await walk(e, '');
  return out;
}

/**
 * The expert root among `list` ([{path, file}]): the folder of the
 * shallowest manifest.json. Returns its files with paths relative to it.
 * Version-control folders (.git) are left out: a package never holds them.
 */
export function expertRoot(list) {
  const manifests = list.filter((f) => f.path === 'manifest.json' || f.path.endsWith('/manifest.json'));
  if (!manifests.length) return null;
  manifests.sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  const prefix = manifests[0].path.slice(0, -'manifest.json'.length);
  const files = list
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => ({ path: f.path.slice(prefix.length), file: f.file }))
    .filter((f) => !f.path.split('/').some((seg) => seg === '.git'));
  return { name: prefix.replace(/\/$/, '').split('/').pop() || '(files)', files, manifestFile: manifests[0].file };
}

export function initBuild({ ef, trust, editor, diagnosticItem, startWorker, verifyFile }) {
  let expert = null; // {name, files, manifestText}
  let generated = null; // {publicKey, keyId, privateKeyPem} of a key made here
  let built = null; // {fileName, sha256, blob, urls}
  let buildId = 0;
  let worker;
  let workerReady;

  const status = (state, text) => {
    const el = $('#build-status');
    el.dataset.state = state;
    el.textContent = text;
    if (state !== 'building') $('#build-progress').hidden = true;
  };

  /** The progress bar: bytes read of the total the core will read. */
  function showProgress(done, total) {
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

  /** Stops the build under way at once: its worker goes, a fresh one starts. */
  function cancel() {
    if ($('#build-status').dataset.state !== 'building') return;
    buildId += 1;
    worker.terminate();
    spawn();
    $('#build-button').disabled = false;
    status('cancelled', 'Build cancelled. Nothing was saved.');
  }

  function spawn() {
    const w = startWorker('./build-worker.js', onMessage);
    worker = w.worker;
    workerReady = w.ready;
    return w.ready;
  }

  function manifestText() {
    if ($('#build-use-editor').checked) return editor.value;
    return expert?.manifestText ?? '';
  }

  /** Re-reads the manifest, fills the model list, enables the button. */
  function refresh() {
    const select = $('#build-model');
    const text = manifestText();
    const diagBox = $('#build-diagnostics');
    const summary = $('#build-summary');
    if (!expert && !$('#build-use-editor').checked) {
      select.replaceChildren(h('option', { value: '' }, '— choose a folder first —'));
      select.disabled = true;
      $('#build-button').disabled = true;
      $('#build-filename').textContent = '—';
      diagBox.hidden = true;
      return;
    }
    const report = text.trim() ? ef.validateManifest(text) : { valid: false, diagnostics: [] };
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    diagBox.replaceChildren(...errors.map((d) => diagnosticItem(d, null)));
    diagBox.hidden = errors.length === 0;
    const names = report.valid ? ef.modelNames(text) : [];
    const previous = select.value;
    select.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
    if (!names.length) select.append(h('option', { value: '' }, report.valid ? '(the manifest names no model)' : '— the manifest has errors —'));
    if (names.includes(previous)) select.value = previous;
    select.disabled = names.length < 2;
    if (expert) {
      const size = expert.files.reduce((n, f) => n + f.file.size, 0);
      summary.dataset.state = report.valid ? 'ok' : 'error';
      summary.textContent = `${expert.name}/ — ${expert.files.length} files, ${formatBytes(size)}; manifest ${
        report.valid ? `valid (v${report.schema_version || '1.0'}, ${names.length} base model${names.length === 1 ? '' : 's'})` : `has ${errors.length} error${errors.length === 1 ? '' : 's'}`
      }${$('#build-use-editor').checked ? ' (from the editor)' : ''}`;
    }
    let fileName = '—';
    if (report.valid) {
      try {
        fileName = ef.packageFileName(text, select.value || undefined);
      } catch (e) {
        fileName = `— (${e.code})`;
      }
    }
    $('#build-filename').textContent = fileName;
    const ok = !!expert && report.valid && (names.length <= 1 || !!select.value);
    $('#build-button').disabled = !ok;
    if (!ok && $('#build-status').dataset.state !== 'done') {
      status('idle', !expert ? 'Choose the expert’s folder to start.' : report.valid ? 'Choose a base model.' : 'Fix the manifest’s errors first (listed below).');
    } else if (ok && $('#build-status').dataset.state === 'idle') {
      status('idle', 'Ready to build.');
    }
  }

  async function setFiles(list) {
    const root = expertRoot(list);
    clearResult();
    if (!root) {
      expert = null;
      const summary = $('#build-summary');
      summary.dataset.state = 'error';
      summary.textContent = list.length ? `No manifest.json among the ${list.length} files chosen.` : 'No files chosen.';
      refresh();
      return;
    }
    expert = { name: root.name, files: root.files, manifestText: await root.manifestFile.text() };
    status('idle', 'Ready to build.');
    refresh();
  }

  function clearResult() {
    if (built) for (const u of built.urls) URL.revokeObjectURL(u);
    built = null;
    $('#build-result').hidden = true;
  }

  async function build() {
    if (!expert) return;
    const id = ++buildId;
    clearResult();
    const model = $('#build-model').value || undefined;
    const signingKey = $('#build-key').value.trim() || undefined;
    const publisher = $('#build-publisher').value.trim() || undefined;
    $('#build-button').disabled = true;
    const size = expert.files.reduce((n, f) => n + f.file.size, 0);
    status('building', `Building ${signingKey ? 'and signing ' : ''}from ${expert.files.length} files (${formatBytes(size)})…`);
    $('#build-progress').hidden = false;
    showProgress(0, 0);
    $('#build-progress-text').textContent = 'Starting…';
    const w = await workerReady;
    if (id !== buildId) return;
    w.postMessage({ type: 'build', id, manifest: manifestText(), files: expert.files, model, signingKey, publisher });
  }

  function onMessage(msg) {
    if (msg.id !== buildId) return;
    if (msg.type === 'progress') return showProgress(msg.done, msg.total);
    // A fresh worker for the next build gives this one's memory back.
    worker.terminate();
    spawn();
    $('#build-button').disabled = false;
    if (msg.type === 'error') {
      // Key errors in words, without the API's argument names.
      const why = msg.code === 'E_KEY_FORMAT' ? keyErrorWords(msg, 'the signing key was refused') : msg.message;
      status('error', `Build failed: ${why} (${msg.code})`);
      if (msg.diagnostics?.length) {
        $('#build-diagnostics').replaceChildren(...msg.diagnostics.filter((d) => d.severity === 'error').map((d) => diagnosticItem(d, null)));
        $('#build-diagnostics').hidden = false;
      }
      return;
    }
    const blob = msg.blob;
    // The worker's WebAssembly memory after the build: small however large
    // the weights, because files are read a piece at a time.
    $('#build-result').dataset.wasmMemory = String(msg.wasmMemory);
    const sidecar = new Blob([ef.sidecar(msg.fileName, msg.sha256)], { type: 'text/plain' });
    const urls = [URL.createObjectURL(blob), URL.createObjectURL(sidecar)];
    built = { fileName: msg.fileName, sha256: msg.sha256, blob, urls };
    const dl = $('#build-download');
    dl.href = urls[0];
    dl.download = msg.fileName;
    dl.textContent = `Download ${msg.fileName}`;
    const side = $('#build-download-sha256');
    side.href = urls[1];
    side.download = `${msg.fileName}.sha256`;
    side.textContent = 'Download .sha256';
    $('#build-out-name').textContent = msg.fileName;
    $('#build-out-size').textContent = `${formatBytes(blob.size)} (${exactBytes(blob.size)})`;
    $('#build-out-sha').textContent = msg.sha256;
    $('#build-result').hidden = false;
    const signed = !!$('#build-key').value.trim();
    status('done', `Built ${msg.fileName} for ${msg.model} (${signed ? 'signed' : 'unsigned'}) in ${(msg.ms / 1000).toFixed(2)} s.`);
  }

  // ---- inputs ----
  for (const id of ['#build-input', '#build-files']) {
    $(id).addEventListener('change', (e) => {
      const list = [...e.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
      e.target.value = '';
      setFiles(list);
    });
  }
  dropTarget($('#build-drop'), async (e) => {
    // Entries must be taken before the handler returns.
    const entries = [...e.dataTransfer.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
    const list = entries.length ? await filesFromEntries(entries) : [...e.dataTransfer.files].map((file) => ({ path: file.name, file }));
    setFiles(list);
  });
  $('#build-model').addEventListener('change', refresh);
  $('#build-use-editor').addEventListener('change', refresh);
  editor.addEventListener('validated', () => {
    if ($('#build-use-editor').checked) refresh();
  });
  $('#build-button').addEventListener('click', build);
  $('#build-cancel').addEventListener('click', cancel);
  $('#build-verify').addEventListener('click', () => {
    if (built) verifyFile(new File([built.blob], built.fileName, { type: 'application/gzip' }));
  });

  // ---- keys ----
  const showKeyInfo = () => {
    const same = generated && $('#build-key').value.trim() === generated.privateKeyPem.trim();
    $('#build-keyinfo').hidden = !same;
    if (same) {
      $('#build-pubkey').textContent = generated.publicKey;
      $('#build-keyid').textContent = generated.keyId;
    }
  };
  $('#build-keygen').addEventListener('click', () => {
    generated = ef.generateKeyPair();
    $('#build-key').value = generated.privateKeyPem;
    showKeyInfo();
  });
  $('#build-key').addEventListener('input', showKeyInfo);
  $('#build-key-clear').addEventListener('click', () => {
    $('#build-key').value = '';
    generated = null;
    showKeyInfo();
  });
  $('#build-key-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) {
      $('#build-key').value = await file.text();
      generated = null;
      showKeyInfo();
    }
  });
  $('#build-trust').addEventListener('click', async () => {
    if (!generated) return;
    await trust.add(generated.publicKey, `generated ${new Date().toISOString().slice(0, 10)}`);
    $('#build-trust').textContent = 'Trusted ✓';
    setTimeout(() => ($('#build-trust').textContent = 'Add to trusted keys'), 1500);
  });
  $('#build-save-key').addEventListener('click', () => {
    if (generated) saveBlob(new Blob([generated.privateKeyPem], { type: 'application/x-pem-file' }), `expert-${generated.keyId}.pem`);
  });
  $('#build-save-pub').addEventListener('click', () => {
    if (generated) saveBlob(new Blob([`${generated.publicKey}\n`], { type: 'text/plain' }), `expert-${generated.keyId}.pub`);
  });
  // Leaving the page drops the key from the form.
  window.addEventListener('pagehide', () => {
    $('#build-key').value = '';
  });

  refresh();
  return { ready: spawn() };
}
