// @ts-check
// The verdict's facts: the signing key, the publisher it claims, whether
// you trust the key, and when it was signed.

import { $ } from './util.js';

/**
 * Fills the facts of verdict `v` (`inspection` gives the signing time);
 * returns whether its key is one you trust.
 * @param {any} v
 * @param {any} inspection
 * @param {{ ef: typeof import('./pkg/index.js'), trust: import('./keys.js').TrustStore }} deps
 */
export function showFacts(v, inspection, { ef, trust }) {
  // Full-key comparison: the verdict carries the signer's public key.
  const trustedKey = trust.entryFor(v.pubkey);
  const trusted = trustedKey !== null;
  $('#fact-key').textContent = v.key_id || '—';
  $('#fact-publisher').textContent = v.publisher || (v.status === 'unsigned' ? '— (unsigned)' : '—');
  showTrusted(v, trustedKey);
  $('#verdict').dataset.trusted = v.key_id ? String(trusted) : '';
  // An invalid package's signing time is as unproven as its signer.
  $('#fact-created').textContent = formatTime(ef, v.status === 'invalid' ? null : inspection?.created_at);
  $('#verdict-facts').hidden = false;
  return trusted;
}

/** Whether the key is trusted (`trustedKey` is its entry, or null), and by what name. */
function showTrusted(v, trustedKey) {
  const ft = $('#fact-trusted');
  ft.className = '';
  if (!v.key_id) ft.textContent = v.status === 'unsigned' ? 'No key: not signed' : '—';
  else if (trustedKey !== null) {
    ft.textContent = `Yes${trustedKey?.name ? ` — ${trustedKey.name}` : ''}`;
    // Green only where trust decides the verdict.
    if (v.status === 'verified') ft.className = 'yes';
  } else {
    ft.textContent = 'No — not in your trusted keys';
    ft.className = 'no';
  }
}

/** "2025-11-25T00:00:00Z" -> "2025-11-25 00:00:00 UTC" (what is not RFC 3339 as written). */
function formatTime(ef, t) {
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
