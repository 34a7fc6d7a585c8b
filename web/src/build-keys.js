// @ts-check
// The Build panel's signing key: pasted, opened from a file or generated
// here (then shown with its key ID, to trust or save). The private key
// lives only in the textarea and the build worker's message: it is never
// stored or sent, and leaving the page clears it.

import { $, saveBlob } from './util.js';

/** The signing key as entered, or undefined for an unsigned package. */
export const signingKey = () => $('#build-key').value.trim() || undefined;

export function initSigningKey({ ef, trust }) {
  let generated = null; // {publicKey, keyId, privateKeyPem} of a key made here
  /** The generated key's public half, while the field still holds its private half. */
  const showKeyInfo = () => {
    const same = generated && $('#build-key').value.trim() === generated.privateKeyPem.trim();
    $('#build-keyinfo').hidden = !same;
    if (same) {
      $('#build-pubkey').textContent = generated.publicKey;
      $('#build-keyid').textContent = generated.keyId;
    }
  };
  /** Puts `pem` in the field; `pair` is the key pair when it was generated here. */
  const useKey = (pem, pair) => {
    $('#build-key').value = pem;
    generated = pair;
    showKeyInfo();
  };
  $('#build-keygen').addEventListener('click', () => {
    const pair = ef.generateKeyPair();
    useKey(pair.privateKeyPem, pair);
  });
  $('#build-key').addEventListener('input', showKeyInfo);
  $('#build-key-clear').addEventListener('click', () => useKey('', null));
  $('#build-key-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) useKey(await file.text(), null);
  });
  // Leaving the page drops the key from the form.
  window.addEventListener('pagehide', () => {
    $('#build-key').value = '';
  });
  generatedKeyActions(() => generated, trust);
}

/** Trust, or save, the key pair made here (`current()`, or null). */
function generatedKeyActions(current, trust) {
  $('#build-trust').addEventListener('click', async () => {
    const pair = current();
    if (!pair) return;
    await trust.add(pair.publicKey, `generated ${new Date().toISOString().slice(0, 10)}`);
    $('#build-trust').textContent = 'Trusted ✓';
    setTimeout(() => ($('#build-trust').textContent = 'Add to trusted keys'), 1500);
  });
  $('#build-save-key').addEventListener('click', () => {
    const pair = current();
    if (pair) saveBlob(new Blob([pair.privateKeyPem], { type: 'application/x-pem-file' }), `expert-${pair.keyId}.pem`);
  });
  $('#build-save-pub').addEventListener('click', () => {
    const pair = current();
    if (pair) saveBlob(new Blob([`${pair.publicKey}\n`], { type: 'text/plain' }), `expert-${pair.keyId}.pub`);
  });
}
