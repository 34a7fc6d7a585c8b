// @ts-check
// The Verify panel: checks a chosen or dropped .expert in a worker
// (verify-worker.js) and shows the verdict, the manifest summary and the
// file list. The verdict is the npm package's; this only shows it.

import { $, h, formatBytes, exactBytes, dropTarget, startWorker } from './util.js';
import { invalidWords, keyErrorWords } from './words.js';

/**
 * Wires the panel and starts its worker. `trust` (a TrustStore) gives the
 * trusted keys and their names; `showLoadError(message)` reports a worker
 * that fails.
 * @param {{
 *   ef: typeof import('./pkg/index.js'),
 *   trust: import('./keys.js').TrustStore,
 *   showLoadError: (message: string) => void,
 * }} deps
 */
export function initVerifyPanel({ ef, trust, showLoadError }) {
  const STATUS = {
    verified: {
      title: 'Verified',
      icon: 'i-verified',
      sub: (v) => `Signed with trusted key ${v.key_id}${who(v)}. Every file and the manifest are exactly what was signed.${claim(v)}`,
      means:
        'The Ed25519 signature is valid, it was made by a key in your trusted keys, and every file — including the manifest with its name, version, base model and adapter settings — matches what was signed. Nothing was added, removed or changed.',
      todo: 'It is safe to install as far as authenticity goes: expert-cli install <file>. Trust is only as good as the way you got the key, so keep your trusted-keys list short.',
    },
    'valid-untrusted': {
      title: 'Valid signature, untrusted key',
      icon: 'i-valid-untrusted',
      sub: (v) => `Intact and correctly signed with key ${v.key_id}, but that key is not one of your trusted keys.${claim(v)}`,
      means:
        'Nothing was changed since signing, but anyone can sign with a key of their own, so this does not tell you who published it: an attacker who re-signs a package gets exactly this result.',
      todo: 'Get the publisher’s public key (ed25519:…) through a channel you already trust — their website, repository or release notes — and check that its key ID matches the one above. Then add it under Trusted keys; this verdict turns into “Verified”. Do not trust a key just because this package carries it.',
    },
    invalid: {
      title: 'Invalid package',
      icon: 'i-invalid',
      // Replaced by words.js's plain headline; the problem's own message is below.
      sub: (v) => (v.problems[0] ? v.problems[0].message : 'The package failed verification.'),
      means:
        'The package was changed after it was signed, is damaged (for example a cut-off download), or is built to trick the tools that unpack it. The problems below name the file, hash or rule that failed.',
      todo: 'Do not install or unpack it. Download it again from the original source and check again; if it still fails, tell the publisher. A trusted key does not make an invalid package safe.',
    },
    unsigned: {
      title: 'Unsigned package',
      icon: 'i-unsigned',
      sub: (v) => `${v.name ? `${v.name} ${v.version || ''}`.trim() : 'This package'} carries no signature: nothing proves who made it or that it is unchanged.`,
      means: 'The archive is well formed and passed every structural check, but there is no signature, so no file and no manifest field is authenticated: anyone could have made or changed it.',
      todo: 'Install it only if you built it yourself or got it from a source you trust by other means (expert-cli install --allow-unsigned). Publishers sign with expert-cli package --sign-key or expert-cli sign.',
    },
    legacy: {
      title: 'Legacy signature',
      icon: 'i-legacy',
      sub: (v) => `Signed${v.key_id ? ` with key ${v.key_id}${who(v)}` : ''} using upstream’s old scheme: the file hashes are signed, the manifest is not.${claim(v)}`,
      means:
        'This is the original hivellm/expert signature. It covers the list of file hashes but not the manifest, so the name, version, base model and adapter settings shown below could have been edited without breaking it. That is why it stays “legacy” even when the key is trusted.',
      todo: 'Ask the publisher for a package signed with the current scheme (expert-cli sign re-signs it). Until then, treat what the manifest says as unverified, and install only with --allow-untrusted if you accept that.',
    },
  };

  /** The signer is the key: the name you gave it when you trusted it. */
  function who(v) {
    const entry = trust.entryFor(v.pubkey);
    return entry?.name ? `, which you trust as “${entry.name}”` : '';
  }

  /** What the package says about its publisher: anyone can write it. */
  function claim(v) {
    return v.publisher ? ` The package says its publisher is “${v.publisher}”; that is a claim, not checked.` : '';
  }

  let job = 0;
  let currentFile = null;
  let verifyWorker;
  let verifyReady;
  /** A check is under way in verifyWorker. */
  let checking = false;
  let progressStarted = 0;

  /** A new verification worker, loading while nothing runs. */
  function startVerifyWorker() {
    const v = startWorker('./verify-worker.js', onVerifyMessage);
    verifyWorker = v.worker;
    verifyReady = v.ready;
    verifyWorker.addEventListener('error', (e) => showLoadError(`The verification worker failed: ${e.message}`));
  }

  /** Ends the check under way at once: its worker goes, a fresh one starts. */
  function endCheck() {
    if (!checking) return;
    checking = false;
    verifyWorker.terminate();
    startVerifyWorker();
  }

  function cancelCheck() {
    if (!checking) return;
    job += 1;
    endCheck();
    clearResults();
    setVerdictState('cancelled');
    $('#verdict').dataset.job = String(job);
    $('#verdict-title').textContent = 'Check cancelled';
    $('#verdict-sub').textContent = 'Choose or drop a .expert file to check it.';
    $('#verify-progress').hidden = true;
  }

  function setVerdictState(state, status) {
    const el = $('#verdict');
    el.dataset.state = state;
    if (status) el.dataset.status = status;
    else el.removeAttribute('data-status');
    $('#verdict-icon-use').setAttribute('href', `#${status ? STATUS[status].icon : state === 'running' ? 'i-running' : state === 'error' ? 'i-error' : 'i-idle'}`);
  }

  function clearResults() {
    for (const id of ['#verdict-explain', '#problems-box', '#summary-box', '#files-box', '#verdict-facts', '#verdict-code']) $(id).hidden = true;
    $('#verdict').removeAttribute('data-problem');
  }

  async function verifyFile(file) {
    // A newer file wins at once: the old check's worker is ended, not waited for.
    endCheck();
    checking = true;
    currentFile = file;
    const id = ++job;
    const el = $('#verdict');
    el.dataset.job = String(id);
    el.dataset.file = file.name;
    clearResults();
    setVerdictState('running');
    $('#verdict-title').textContent = 'Checking…';
    $('#verdict-sub').textContent = `${file.name} (${formatBytes(file.size)}) is being read and checked in a background worker.`;
    $('#verify-progress').hidden = false;
    $('#verify-cancel').hidden = false;
    $('#verify-file-name').textContent = file.name;
    showProgress(0, file.size);
    progressStarted = performance.now();
    const worker = await verifyReady;
    if (id !== job) return;
    worker.postMessage({ type: 'verify', id, file, trustedKeys: trust.publicKeys() });
  }

  function showProgress(read, total) {
    const pct = total ? Math.min(100, (read / total) * 100) : 100;
    $('#verify-progress-bar').style.width = `${pct}%`;
    $('.bar', $('#verify-progress')).setAttribute('aria-valuenow', String(Math.round(pct)));
    const secs = (performance.now() - progressStarted) / 1000;
    const rate = secs > 0.3 ? ` · ${formatBytes(read / secs)}/s` : '';
    $('#verify-progress-text').textContent = `${formatBytes(read)} of ${formatBytes(total)} (${pct.toFixed(0)}%)${rate}`;
  }

  function onVerifyMessage(msg) {
    if (msg.id !== job) return;
    if (msg.type === 'result' || msg.type === 'error') {
      checking = false;
      $('#verify-cancel').hidden = true;
    }
    if (msg.type === 'progress') showProgress(msg.read, msg.total);
    else if (msg.type === 'result') showVerdict(msg);
    else if (msg.type === 'error') {
      setVerdictState('error');
      $('#verdict-title').textContent = 'Could not check this file';
      $('#verdict-sub').textContent = msg.code === 'E_KEY_FORMAT' ? keyErrorWords(msg, 'One of your trusted keys is not a public key; remove it under Trusted keys') : `${msg.message} (${msg.code})`;
    }
  }

  /** Renders a result; an invalid one first looks at the file's first bytes for its headline. */
  async function showVerdict(msg) {
    const id = msg.id;
    let words = null;
    if (msg.verdict.status === 'invalid') {
      const head = currentFile && msg.verdict.problems[0]?.code === 'E_GZIP_HEADER' ? await currentFile.slice(0, 64).text().catch(() => '') : '';
      if (id !== job) return;
      words = invalidWords(msg.verdict, { size: currentFile?.size, head });
    }
    renderVerdict(msg, words);
  }

  function renderVerdict({ verdict: v, inspection, inspectError, read, ms, wasmMemory }, words) {
    const info = STATUS[v.status];
    const el = $('#verdict');
    setVerdictState('done', v.status);
    if (v.problems[0]) el.dataset.problem = v.problems[0].code;
    $('#verdict-title').textContent = words?.title ?? info.title;
    $('#verdict-sub').textContent = words?.headline ?? info.sub(v);
    $('#verdict-sub').classList.toggle('headline', !!words);
    $('#verdict-code').textContent = `status: ${v.status}`;
    $('#verdict-code').hidden = false;
    $('#verify-progress-text').textContent = `${formatBytes(read)} checked in ${(ms / 1000).toFixed(2)} s`;
    // The worker's WebAssembly memory after the run: it stays small however
    // large the package, because the file is streamed.
    $('#verify-progress').dataset.wasmMemory = String(wasmMemory);
    $('#verify-progress').title = `WebAssembly memory in the worker: ${formatBytes(wasmMemory)}`;

    // Key, publisher, trust.
    // Full-key comparison: the verdict carries the signer's public key.
    const trustedKey = trust.entryFor(v.pubkey);
    const trusted = trustedKey !== null;
    $('#fact-key').textContent = v.key_id || '—';
    $('#fact-publisher').textContent = v.publisher || (v.status === 'unsigned' ? '— (unsigned)' : '—');
    const ft = $('#fact-trusted');
    ft.className = '';
    if (!v.key_id) ft.textContent = v.status === 'unsigned' ? 'No key: not signed' : '—';
    else if (trusted) {
      ft.textContent = `Yes${trustedKey?.name ? ` — ${trustedKey.name}` : ''}`;
      // Green only where trust decides the verdict.
      if (v.status === 'verified') ft.className = 'yes';
    } else {
      ft.textContent = 'No — not in your trusted keys';
      ft.className = 'no';
    }
    el.dataset.trusted = v.key_id ? String(trusted) : '';
    // An invalid package's signing time is as unproven as its signer.
    $('#fact-created').textContent = formatTime(v.status === 'invalid' ? null : inspection?.created_at);
    $('#verdict-facts').hidden = false;

    let means = info.means;
    if (v.status === 'legacy' && trusted) means += ' Its key is in your trusted keys, but that cannot make the manifest authentic.';
    $('#explain-means').textContent = means;
    $('#explain-todo').textContent = info.todo;
    $('#verdict-explain').hidden = false;

    // Problems.
    $('#problems').replaceChildren(
      ...v.problems.map((p) => h('li', { class: p.code.startsWith('W_') ? 'warn' : '', dataset: { code: p.code } }, h('code', {}, p.code), h('span', {}, p.message))),
    );
    $('#problems-count').textContent = String(v.problems.length);
    $('#problems-box').hidden = v.problems.length === 0;

    renderSummary(v, inspection, inspectError);
    renderFiles(v);
  }

  /** "2025-11-25T00:00:00Z" -> "2025-11-25 00:00:00 UTC" (what is not RFC 3339 as written). */
  function formatTime(t) {
    if (!t) return '—';
    let seconds;
    try {
      seconds = ef.parseTimestamp(t);
    } catch {
      return t;
    }
    const iso = new Date(seconds * 1000).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  }

  function renderSummary(v, ins, inspectError) {
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
    const note = $('#summary-note');
    note.hidden = false;
    if (v.status === 'verified') note.hidden = true;
    else if (v.status === 'legacy') note.textContent = 'The legacy signature does not cover the manifest: these details are not authenticated.';
    else if (v.status === 'invalid') note.textContent = 'This package failed verification: do not rely on what its manifest says.';
    else if (v.status === 'unsigned') note.textContent = 'Unsigned: these details are what the manifest says, with nothing to prove it.';
    else note.textContent = 'Signed by a key you do not trust: these details are authentic only if that key is the publisher’s.';
    if (!ins && inspectError) {
      dl.append(h('dt', {}, 'Manifest'), h('dd', { class: 'muted' }, `not readable: ${inspectError.message}`));
    }
    const tbody = $('#adapters tbody');
    const adapters = ins?.adapters || [];
    tbody.replaceChildren(
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
    $('#summary-box').hidden = dl.children.length === 0;
  }

  function renderFiles(v) {
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

  dropTarget($('#package-drop'), (e) => {
    const file = e.dataTransfer.files[0];
    if (file) verifyFile(file);
  });
  // A file dropped anywhere else must not make the browser open it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file && /\.expert$/i.test(file.name)) {
      verifyFile(file);
      $('#verify').scrollIntoView();
    }
  });

  startVerifyWorker();
  $('#verify-cancel').addEventListener('click', cancelCheck);

  return {
    /** Checks `file`; a newer file replaces the check under way. */
    verifyFile,
    /** Checks the current file again (the trusted keys changed). */
    recheck() {
      if (currentFile) verifyFile(currentFile);
    },
    /** Resolves once the current worker has loaded the core. */
    get ready() {
      return verifyReady;
    },
  };
}
