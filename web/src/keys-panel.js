// @ts-check
// The Trusted keys panel: lists the keys of a TrustStore (keys.js), adds
// them from pasted text, a .pub file or a drop, and removes them.

import { $, h, dropTarget } from './util.js';
import { keyErrorWords } from './words.js';

/**
 * Wires the panel to `trust`; `onChange()` runs after each change of the
 * trusted keys, whose verdicts depend on them.
 * @param {{ trust: import('./keys.js').TrustStore, onChange: () => void }} deps
 */
export function initKeysPanel({ trust, onChange }) {
  function renderKeys() {
    const list = $('#key-list');
    list.replaceChildren(
      ...trust.keys.map((k) =>
        h(
          'li',
          { dataset: { keyId: k.keyId || '', pubkey: k.pubkey } },
          h('span', { class: 'k-name' }, k.name || 'Unnamed key'),
          h(
            'button',
            { type: 'button', class: 'btn small subtle key-remove', 'aria-label': `Remove key ${k.keyId || k.pubkey}`, title: 'Remove this key', onclick: () => trust.remove(k.pubkey) },
            'Remove',
          ),
          h('span', { class: 'k-id', title: 'Key ID' }, k.keyId ? `ID ${k.keyId}` : 'ID unavailable'),
          h('span', { class: 'k-pub' }, k.pubkey),
        ),
      ),
    );
    $('#key-empty').hidden = trust.keys.length > 0;
    if (!trust.persistent) {
      $('#key-empty').hidden = false;
      $('#key-empty').textContent = 'This browser does not allow localStorage: keys last until the page closes.';
    }
  }

  function keyError(message) {
    const el = $('#key-error');
    el.textContent = message || '';
    el.hidden = !message;
  }

  async function addKey(text, name) {
    try {
      const { entry, added } = await trust.add(text, name);
      keyError('');
      $('#key-input').value = '';
      $('#key-name').value = '';
      const li = [...$('#key-list').children].find((el) => el.dataset.pubkey === entry.pubkey);
      if (li) {
        li.classList.remove('flash');
        void li.offsetWidth;
        li.classList.add('flash');
      }
      if (!added) keyError(`That key is already trusted (ID ${entry.keyId}).`);
      return entry;
    } catch (e) {
      // A private key pasted here must not stay on screen.
      if (/PRIVATE KEY/.test(text)) $('#key-input').value = '';
      keyError(`${keyErrorWords(e, 'Not added')}${e.code ? ` (${e.code})` : ''}`);
      return null;
    }
  }

  $('#key-input').addEventListener('input', () => keyError(''));
  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    addKey($('#key-input').value, $('#key-name').value.trim());
  });
  $('#key-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) addKey(await file.text(), $('#key-name').value.trim() || file.name.replace(/\.pub$/i, ''));
  });
  dropTarget($('#key-form'), async (e) => {
    const file = e.dataTransfer.files[0];
    if (file) addKey(await file.text(), $('#key-name').value.trim() || file.name.replace(/\.pub$/i, ''));
    else addKey(e.dataTransfer.getData('text/plain'), $('#key-name').value.trim());
  });
  trust.addEventListener('change', () => {
    renderKeys();
    // The verdict depends on the trust set: judge the current file again.
    onChange();
  });
  renderKeys();
}
