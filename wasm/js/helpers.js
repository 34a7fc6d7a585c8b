// @ts-check
// Small exports over the core's bindings, for pages and tools that would
// otherwise re-implement them: reading a public key, its key ID, a
// manifest's model names, RFC 3339 timestamps and the `.sha256` sidecar.
// Every decision (is this key usable, what is its ID, which names does the
// manifest declare, which second does a timestamp name, what does a
// sidecar say) is the core's (expert_core::text, wasm/src/text.rs); this
// file only coerces inputs.

import * as core from './expert_wasm.js';
import { fail } from './errors.js';
import { guard } from './instance.js';

const encoder = new TextEncoder();

/**
 * Manifest text or bytes as bytes.
 * @param {unknown} manifest
 * @returns {Uint8Array}
 */
export function manifestBytes(manifest, what = 'manifest') {
  if (typeof manifest === 'string') return encoder.encode(manifest);
  if (manifest instanceof Uint8Array) return manifest;
  if (manifest instanceof ArrayBuffer) return new Uint8Array(manifest);
  throw fail('E_BAD_ARGUMENT', `${what} must be a string or a Uint8Array`);
}

/**
 * The public key in `text`, as `ed25519:<64 lowercase hex>`: an
 * `ed25519:<hex>` string or a `.pub` file's contents (the first line that
 * is neither empty nor a `#` comment). The core checks the key exactly as
 * it checks a trusted key (format, weak keys): `E_KEY_FORMAT` otherwise.
 * @param {string} text
 * @returns {string}
 */
export function parsePublicKey(text) {
  return guard(() => core.parsePublicKey(publicKeyText(text)));
}

/**
 * The key ID of a public key (docs/FORMAT.md: the first 16 hex digits of
 * SHA-256 over its 32 bytes), as `generateKeyPair` and verdicts give it.
 * The core computes it; the function stays async, as it was when it used
 * WebCrypto, and now always resolves to the ID.
 * @param {string} publicKey
 * @returns {Promise<string>}
 */
export async function keyId(publicKey) {
  return guard(() => core.keyId(publicKeyText(publicKey)));
}

/**
 * @param {unknown} text
 * @returns {string}
 */
function publicKeyText(text) {
  if (typeof text !== 'string') throw fail('E_BAD_ARGUMENT', 'the public key must be a string');
  return text;
}

/**
 * The base model names a manifest declares, in order (v2 `base_models`,
 * v1 `base_model`). Throws `E_MANIFEST_INVALID` (with `diagnostics`) for a
 * manifest the core refuses.
 * @param {string | Uint8Array} manifestText
 * @returns {string[]}
 */
export function modelNames(manifestText) {
  const bytes = manifestBytes(manifestText, 'manifestText');
  return guard(() => core.modelNames(bytes));
}

/**
 * Seconds since the epoch of an RFC 3339 timestamp (fractions dropped) or a
 * Date; `E_CREATED_AT` names `what` if it is neither, or before 1970.
 * @param {unknown} value
 * @returns {number}
 */
export function epochSeconds(value, what = 'createdAt') {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw fail('E_CREATED_AT', `${what} is an invalid Date`);
    return Math.floor(ms / 1000);
  }
  return guard(() => core.parseTimestamp(value, what));
}

/**
 * Seconds since the epoch of an RFC 3339 timestamp, as buildPackage reads
 * `createdAt` (fractions dropped); `E_CREATED_AT` if it is not one.
 * @param {string} text
 * @returns {number}
 */
export function parseTimestamp(text) {
  return epochSeconds(text, 'the timestamp');
}

/**
 * The `.sha256` sidecar's contents for a package, in `sha256sum` format as
 * `expert-cli package` writes it: `<sha256>  <fileName>\n`.
 * @param {string} fileName
 * @param {string} sha256
 * @returns {string}
 */
export function sidecar(fileName, sha256) {
  return guard(() => core.sidecar(fileName, sha256));
}
