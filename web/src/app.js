// @ts-check
// The page: verify a .expert (in a worker), keep trusted keys, author a
// manifest with live diagnostics, build and sign a package. Every judgement
// comes from expert-format (the Rust core in WebAssembly); each panel is its
// own module (verify-panel.js, keys-panel.js, editor-panel.js, build.js),
// given what it shares with the others; this file loads and connects them.

import { $, startWorker } from './util.js';

const body = document.body;

/** @param {string} message */
function showLoadError(message) {
  const el = $('#load-error');
  el.textContent = message;
  el.hidden = false;
  body.dataset.ready = 'error';
}

let ef, keysMod, verifyPanel, keysPanel, editorPanel, buildMod;
try {
  [ef, keysMod, verifyPanel, keysPanel, editorPanel, buildMod] = await Promise.all([
    import('./pkg/index.js'),
    import('./keys.js'),
    import('./verify-panel.js'),
    import('./keys-panel.js'),
    import('./editor-panel.js'),
    import('./build.js'),
  ]);
} catch (e) {
  showLoadError(`The WebAssembly core could not be loaded (${e.message}). Serve this page over http(s) with .wasm as application/wasm.`);
  throw e;
}

/** The trusted keys: the verify panel judges by them, the keys panel edits them. */
const trust = new keysMod.TrustStore();
const verify = verifyPanel.initVerifyPanel({ ef, trust, showLoadError });
keysPanel.initKeysPanel({ trust, onChange: () => verify.recheck() });
const { editor } = editorPanel.initEditorPanel({ ef });
const builder = buildMod.initBuild({
  ef,
  trust,
  editor,
  diagnosticItem: editorPanel.diagnosticItem,
  startWorker,
  verifyFile: (file) => {
    verify.verifyFile(file);
    $('#verify').scrollIntoView();
  },
});

// ---------------------------------------------------------------------------
// Start-up

// Start-up

// early.js hears #package-input from the start and queues what was chosen
// before now; from here on each choice goes straight to verifyFile.
window.expertPackageInput.listen((file) => verify.verifyFile(file));

const offline = $('#offline-status');
if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker
    .register(new URL('sw.js', document.baseURI), { scope: './' })
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      offline.dataset.state = 'ready';
      offline.textContent = 'Works offline';
    })
    .catch((e) => {
      offline.dataset.state = 'unavailable';
      offline.textContent = 'Online only';
      offline.title = `No offline copy: ${e.message}`;
    });
} else {
  offline.dataset.state = 'unavailable';
  offline.textContent = 'Online only';
}

try {
  const pkg = await fetch(new URL('pkg/package.json', document.baseURI)).then((r) => r.json());
  $('#pkg-version').textContent = ` ${pkg.version}`;
} catch {}

try {
  await Promise.all([verify.ready, builder.ready]);
  body.dataset.ready = 'true';
} catch (e) {
  showLoadError(`A background worker could not start: ${e.message}`);
}
