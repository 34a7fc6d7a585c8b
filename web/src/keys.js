// @ts-check
// The trusted-keys list: public keys (`ed25519:<64 hex>`) kept in
// localStorage. Only public keys are stored here, never a private key.
// Reading a key and its key ID are the npm package's (parsePublicKey, keyId).

import { keyId, parsePublicKey } from './pkg/index.js';

const STORAGE_KEY = 'expert-web.trusted-keys.v1';

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
    let key;
    try {
      key = parsePublicKey(pubkey || '');
    } catch {
      return null;
    }
    return this.keys.find((k) => k.pubkey === key) || null;
  }

  isTrustedKey(pubkey) {
    return this.entryFor(pubkey) !== null;
  }

  /** Adds a key (text as pasted or read from a .pub file); returns its entry. */
  async add(text, name) {
    const pubkey = parsePublicKey(text);
    const id = await keyId(pubkey);
    const existing = this.keys.find((k) => k.pubkey === pubkey);
    if (existing) {
      if (name && name !== existing.name) {
        existing.name = name;
        this.#save();
      }
      return { entry: existing, added: false };
    }
    const entry = { pubkey, keyId: id, name: name || null, addedAt: new Date().toISOString() };
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
