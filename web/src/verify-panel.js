// @ts-check
// The Verify panel: checks a chosen or dropped .expert (verify-input.js) in
// a worker (verify-runner.js) with a progress line (verify-progress.js),
// and shows the verdict (verify-verdict.js), the manifest summary and the
// file list. The verdict is the npm package's; this only shows it.
//
// The panel's state, each part with one owner: the runner's job (whose
// messages are heard), the progress line's start time, and here the file
// last chosen.

import { $, startWorker } from './util.js';
import { invalidWords } from './words.js';
import { listenForPackages } from './verify-input.js';
import { verifyProgress } from './verify-progress.js';
import { verifyRunner } from './verify-runner.js';
import { renderVerdict, showCancelled, showCheckError, showChecking } from './verify-verdict.js';

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
  /** @type {File | null} The file last chosen: checked again when the trusted keys change. */
  let currentFile = null;
  const progress = verifyProgress();
  const runner = verifyRunner({ startWorker, trustedKeys: () => trust.publicKeys(), onMessage, onFailure: showLoadError });

  async function verifyFile(file) {
    // A newer file wins at once: the old check's worker is ended, not waited for.
    const id = runner.begin();
    currentFile = file;
    showChecking(id, file);
    progress.start(file);
    await runner.post(id, file);
  }

  function cancelCheck() {
    const id = runner.cancel();
    if (id === null) return;
    showCancelled(id);
    progress.hide();
  }

  function onMessage(msg) {
    if (msg.type === 'result' || msg.type === 'error') progress.ended();
    if (msg.type === 'progress') progress.show(msg.read, msg.total);
    else if (msg.type === 'result') showVerdict(msg);
    else if (msg.type === 'error') showCheckError(msg);
  }

  /** Renders a result; an invalid one first looks at the file's first bytes for its headline. */
  async function showVerdict(msg) {
    let words = null;
    if (msg.verdict.status === 'invalid') {
      const head = currentFile && msg.verdict.problems[0]?.code === 'E_GZIP_HEADER' ? await currentFile.slice(0, 64).text().catch(() => '') : '';
      if (msg.id !== runner.job) return;
      words = invalidWords(msg.verdict, { size: currentFile?.size, head });
    }
    renderVerdict(msg, words, { ef, trust });
  }

  listenForPackages(verifyFile);
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
      return runner.ready;
    },
  };
}
