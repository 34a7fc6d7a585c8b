// @ts-check
// Small exports over the core's bindings, for pages and tools that would
// otherwise re-implement them: reading a public key, its key ID, a
// manifest's model names, RFC 3339 timestamps and the `.sha256` sidecar.
// The checks that decide (is this key usable, is this manifest valid, which
// names does it declare) are the core's; this file only coerces inputs.

import * as core from './expert_wasm.js';
import { fail } from './errors.js';
import { guard, made, release } from './instance.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

const PUBKEY = /^ed25519:([0-9a-fA-F]{64})$/;

/**
 * The public key in `text`, as `ed25519:<64 lowercase hex>`: an
 * `ed25519:<hex>` string or a `.pub` file's contents (the first line that
 * is neither empty nor a `#` comment). The core checks the key exactly as
 * it checks a trusted key (format, weak keys): `E_KEY_FORMAT` otherwise.
 * @param {string} text
 * @returns {string}
 */
export function parsePublicKey(text) {
  if (typeof text !== 'string') throw fail('E_BAD_ARGUMENT', 'the public key must be a string');
  if (/PRIVATE KEY/.test(text)) throw fail('E_KEY_FORMAT', 'that is a private key: add only the public key (ed25519:…, the .pub file)');
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('#'));
  if (!line) throw fail('E_KEY_FORMAT', 'no key given: paste ed25519:<64 hex digits> or open a .pub file');
  const m = PUBKEY.exec(line);
  const key = m ? `ed25519:${m[1].toLowerCase()}` : line;
  // The verifier's own check of a trusted key; throws E_KEY_FORMAT.
  guard(() => release(made(new core.Verifier([key]))));
  return key;
}

/**
 * The key ID of a public key (docs/FORMAT.md: the first 16 hex digits of
 * SHA-256 over its 32 bytes), as `generateKeyPair` and verdicts give it.
 * Resolves to null where WebCrypto is missing (a page served over plain
 * HTTP from a host other than localhost).
 * @param {string} publicKey
 * @returns {Promise<string | null>}
 */
export async function keyId(publicKey) {
  const hex = parsePublicKey(publicKey).slice('ed25519:'.length);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
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
  const report = guard(() => core.validateManifest(bytes));
  if (!report.valid) {
    const e = fail('E_MANIFEST_INVALID', 'the manifest is invalid: see diagnostics');
    e.diagnostics = report.diagnostics;
    throw e;
  }
  // Valid, so well-formed JSON with every model named; the core confirms
  // each name as the one `package --model` would choose.
  const m = JSON.parse(decoder.decode(bytes));
  const declared = Array.isArray(m.base_models) ? m.base_models.map((/** @type {{ name: string }} */ b) => b.name) : m.base_model ? [m.base_model.name] : [];
  return declared.map((/** @type {string} */ name) => guard(() => core.selectModel(bytes, name)).name);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

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
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!m) throw fail('E_CREATED_AT', `${what} ${JSON.stringify(value)} is not an RFC 3339 timestamp such as 2025-11-25T00:00:00Z`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (y < 1970) throw fail('E_CREATED_AT', `${what} ${JSON.stringify(value)} is before 1970`);
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || day.getUTCDate() !== d || day.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 60 || Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) {
    throw fail('E_CREATED_AT', `${what} ${JSON.stringify(value)} is not a valid date and time`);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offset * 60;
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
  if (typeof fileName !== 'string' || !fileName || /[\r\n/\\]/.test(fileName)) throw fail('E_BAD_ARGUMENT', 'fileName must be a file name without a directory or line break');
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw fail('E_BAD_ARGUMENT', 'sha256 must be 64 lowercase hex digits');
  return `${sha256}  ${fileName}\n`;
}
