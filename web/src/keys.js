// @ts-check
// The trusted-keys list: public keys (`ed25519:<64 hex>`) kept in
// localStorage. Only public keys are stored here, never a private key.

import { createVerifier } from './pkg/index.js';

const STORAGE_KEY = 'expert-web.trusted-keys.v1';
const PUBKEY = /^ed25519:([0-9a-fA-F]{64})$/;

/**
 * @param {string} code
 * @param {string} message
 */
function fail(code, message) {
  const e = /** @type {Error & { code: string }} */ (new Error(message));
  e.code = code;
  return e;
}

/**
 * The key ID the format defines (docs/FORMAT.md): the first 16 hex digits of
 * SHA-256 over the 32 key bytes. Used only to show and match keys; the
 * verdict itself comes from the core. Null where WebCrypto is unavailable
 * (a page served over plain HTTP from another host than localhost).
 */
export async function keyIdOf(pubkey) {
  const m = PUBKEY.exec(pubkey);
  if (!m || !globalThis.crypto?.subtle) return null;
  const bytes = new Uint8Array(/** @type {RegExpMatchArray} */ (m[1].match(/../g)).map((b) => parseInt(b, 16)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The public key in `text`: an `ed25519:<hex>` string or the contents of a
 * `.pub` file (the first line that is not empty or a # comment). The core
 * checks the key (format, weak keys) exactly as when it verifies.
 */
export function parsePublicKey(text) {
  if (/PRIVATE KEY/.test(text)) throw fail('E_KEY_FORMAT', 'that is a private key: add only the public key (ed25519:…, the .pub file)');
  const line = String(text)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('#'));
  if (!line) throw fail('E_KEY_FORMAT', 'no key given: paste ed25519:<64 hex digits> or open a .pub file');
  const m = PUBKEY.exec(line);
  const key = m ? `ed25519:${m[1].toLowerCase()}` : line;
  // The same check the verifier makes on trusted keys; throws E_KEY_FORMAT.
  createVerifier({ trustedKeys: [key] }).finish();
  return key;
}

export class TrustStore extends EventTarget {
  constructor() {
    super();
    this.persistent = true;
    this.keys = this.#load();
    window.addEventListener('storage', (e) => {
      if (e.key !== STORAGE_KEY) return;
      this.keys = this.#load();
      this.dispatchEvent(new Event('change'));
    });
  }

  #load() {
    try {
      const raw = localStorage.getItem(STORAGE_KEY);
      const list = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list.filter((k) => k && typeof k.pubkey === 'string') : [];
    } catch {
      this.persistent = false;
      return [];
    }
  }

  #save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.keys));
    } catch {
      this.persistent = false;
    }
    this.dispatchEvent(new Event('change'));
  }

  /** Public keys as the verifier takes them. */
  publicKeys() {
    return this.keys.map((k) => k.pubkey);
  }

  /**
   * The trusted entry for a signer's full public key (`ed25519:<hex>`, as the
   * verdict's `pubkey` gives it), or null. Keys are compared in full: a key
   * ID is 64 bits, only a short name to show.
   */
  entryFor(pubkey) {
    const m = PUBKEY.exec(pubkey || '');
    if (!m) return null;
    const key = `ed25519:${m[1].toLowerCase()}`;
    return this.keys.find((k) => k.pubkey === key) || null;
  }

  isTrustedKey(pubkey) {
    return this.entryFor(pubkey) !== null;
  }

  /** Adds a key (text as pasted or read from a .pub file); returns its entry. */
  async add(text, name) {
    const pubkey = parsePublicKey(text);
    const keyId = await keyIdOf(pubkey);
    const existing = this.keys.find((k) => k.pubkey === pubkey);
    if (existing) {
      if (name && name !== existing.name) {
        existing.name = name;
        this.#save();
      }
      return { entry: existing, added: false };
    }
    const entry = { pubkey, keyId, name: name || null, addedAt: new Date().toISOString() };
    this.keys.push(entry);
    this.#save();
    return { entry, added: true };
  }

  remove(pubkey) {
    const before = this.keys.length;
    this.keys = this.keys.filter((k) => k.pubkey !== pubkey);
    if (this.keys.length !== before) this.#save();
  }
}
