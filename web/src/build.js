// @ts-check
// The "Build and sign" panel: collect an expert folder (build-files.js),
// choose the base model (build-form.js) and an optional signing key
// (build-keys.js), run buildPackage() in a worker (build-runner.js) with a
// status line and progress bar (build-status.js), and offer the package
// (build-result.js). The private key lives only in this page's memory (the
// textarea and the worker message); it is never stored or sent.

import { $, formatBytes } from './util.js';
import { keyErrorWords } from './words.js';
import { expertRoot, listenForFiles } from './build-files.js';
import { expertSize, manifestText, refreshForm, showDiagnostics, showNoManifest } from './build-form.js';
import { initSigningKey, signingKey } from './build-keys.js';
import { initResult } from './build-result.js';
import { buildRunner } from './build-runner.js';
import { showProgress, startProgress, status, statusState } from './build-status.js';

export function initBuild({ ef, trust, editor, diagnosticItem, startWorker, verifyFile }) {
  let expert = null; // {name, files, manifestText}
  const result = initResult({ ef, verifyFile });
  const runner = buildRunner(startWorker, onMessage);
  const refresh = () => refreshForm({ ef, expert, text: manifestText(editor, expert), diagnosticItem });

  async function setFiles(list) {
    const root = expertRoot(list);
    result.clear();
    if (!root) {
      expert = null;
      showNoManifest(list.length);
      refresh();
      return;
    }
    expert = { name: root.name, files: root.files, manifestText: await root.manifestFile.text() };
    status('idle', 'Ready to build.');
    refresh();
  }

  function build() {
    if (!expert) return;
    result.clear();
    const key = signingKey();
    $('#build-button').disabled = true;
    status('building', `Building ${key ? 'and signing ' : ''}from ${expert.files.length} files (${formatBytes(expertSize(expert))})…`);
    startProgress();
    const model = $('#build-model').value || undefined;
    const publisher = $('#build-publisher').value.trim() || undefined;
    runner.start({ manifest: manifestText(editor, expert), files: expert.files, model, signingKey: key, publisher });
  }

  /** Stops the build under way at once: its worker goes, a fresh one starts. */
  function cancel() {
    if (statusState() !== 'building') return;
    runner.stop();
    $('#build-button').disabled = false;
    status('cancelled', 'Build cancelled. Nothing was saved.');
  }

  function onMessage(msg) {
    if (msg.type === 'progress') return showProgress(msg.done, msg.total);
    // A fresh worker for the next build gives this one's memory back.
    runner.renew();
    $('#build-button').disabled = false;
    if (msg.type === 'error') return showFailure(msg, diagnosticItem);
    result.show(msg);
    status('done', `Built ${msg.fileName} for ${msg.model} (${signingKey() ? 'signed' : 'unsigned'}) in ${(msg.ms / 1000).toFixed(2)} s.`);
  }

  listenForFiles(setFiles);
  $('#build-model').addEventListener('change', refresh);
  $('#build-use-editor').addEventListener('change', refresh);
  editor.addEventListener('validated', () => {
    if ($('#build-use-editor').checked) refresh();
  });
  $('#build-button').addEventListener('click', build);
  $('#build-cancel').addEventListener('click', cancel);
  initSigningKey({ ef, trust });
  refresh();
  return { ready: runner.ready };
}

/** A failed build: key errors in words, without the API's argument names. */
function showFailure(msg, diagnosticItem) {
  const why = msg.code === 'E_KEY_FORMAT' ? keyErrorWords(msg, 'the signing key was refused') : msg.message;
  status('error', `Build failed: ${why} (${msg.code})`);
  if (msg.diagnostics?.length) showDiagnostics(msg.diagnostics, diagnosticItem);
}
