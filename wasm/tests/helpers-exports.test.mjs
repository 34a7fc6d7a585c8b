// The small exports over the core: parsePublicKey, keyId, modelNames,
// parseTimestamp and sidecar, each compared with what the CLI or the core
// gives elsewhere, and each refusing bad input with its code.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliJson, ef, MULTI, ROOT, SINGLE } from './helpers.mjs';

const KEYS = join(ROOT, 'tests', 'conformance', 'keys');
const publisherPub = readFileSync(join(KEYS, 'publisher.pub'), 'utf8');
const manifestOf = (dir) => readFileSync(join(dir, 'manifest.json'), 'utf8');

/** The error `f` throws; fails if it returns. */
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('it did not throw');
}

test('parsePublicKey reads a .pub file, ignores comments and blank lines, and lowercases the hex', () => {
  const key = publisherPub.trim();
  assert.equal(ef.parsePublicKey(publisherPub), key);
  assert.equal(ef.parsePublicKey(`# the publisher\n\n  ${key.toUpperCase().replace('ED25519', 'ed25519')}  \r\n`), key);
});

test('parsePublicKey refuses private keys, nothing, and keys the verifier refuses (E_KEY_FORMAT)', () => {
  const pem = readFileSync(join(KEYS, 'publisher.pem'), 'utf8');
  assert.match(thrown(() => ef.parsePublicKey(pem)).message, /private key/);
  for (const bad of [pem, '', '# only a comment\n', 'ed25519:abc', `ed25519:${'0'.repeat(64)}`, 'ssh-ed25519 AAAA']) {
    assert.equal(thrown(() => ef.parsePublicKey(bad)).code, 'E_KEY_FORMAT', JSON.stringify(bad));
  }
  assert.equal(thrown(() => ef.parsePublicKey(42)).code, 'E_BAD_ARGUMENT');
});

test('keyId equals the key ID generateKeyPair and the verifier report', async () => {
  const pair = ef.generateKeyPair();
  assert.match(pair.keyId, /^[0-9a-f]{16}$/);
  assert.equal(await ef.keyId(pair.publicKey), pair.keyId);
  // A signed conformance case: the verdict's key_id for the publisher's key.
  const signed = readFileSync(join(ROOT, 'tests', 'conformance', 'cases', 'good-signed-trusted', 'package.expert'));
  const verdict = await ef.verifyPackage(signed, { trustedKeys: [publisherPub.trim()] });
  assert.equal(verdict.status, 'verified');
  assert.equal(await ef.keyId(publisherPub), verdict.key_id);
  await assert.rejects(ef.keyId('ed25519:00'), { code: 'E_KEY_FORMAT' });
});

test('keyId needs no WebCrypto: the core computes it', async (t) => {
  const pair = ef.generateKeyPair();
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
  t.after(() => Object.defineProperty(globalThis, 'crypto', saved));
  assert.equal(await ef.keyId(`# generated\n${pair.publicKey}\n`), pair.keyId);
});

test('modelNames lists v2 base_models in order, a v1 base_model, and refuses an invalid manifest', () => {
  assert.deepEqual(ef.modelNames(manifestOf(MULTI)), ['Qwen/Qwen3-0.6B', 'Qwen/Qwen3-1.7B']);
  assert.deepEqual(ef.modelNames(new TextEncoder().encode(manifestOf(SINGLE))), ['Qwen/Qwen3-0.6B']);
  for (const name of ef.modelNames(manifestOf(MULTI))) assert.equal(ef.selectModel(manifestOf(MULTI), name).name, name);
  const e = thrown(() => ef.modelNames('{"name": '));
  assert.equal(e.code, 'E_MANIFEST_INVALID');
  assert.ok(e.diagnostics.some((d) => d.code === 'E_JSON_SYNTAX'), JSON.stringify(e.diagnostics));
  assert.equal(thrown(() => ef.modelNames(7)).code, 'E_BAD_ARGUMENT');
});

test('parseTimestamp reads RFC 3339 as buildPackage reads createdAt', () => {
  assert.equal(ef.parseTimestamp('2025-11-25T00:00:00Z'), 1764028800);
  assert.equal(ef.parseTimestamp('2025-11-25T01:30:00.25+01:30'), 1764028800);
  assert.equal(ef.parseTimestamp('1970-01-01 00:00:00z'), 0);
  for (const bad of ['2025-11-25', '2025-02-30T00:00:00Z', '1969-12-31T23:59:59Z', '2025-11-25T24:00:00Z', 'yesterday', 0]) {
    assert.equal(thrown(() => ef.parseTimestamp(bad)).code, 'E_CREATED_AT', String(bad));
  }
});

test('sidecar is byte for byte the .sha256 file expert-cli package writes', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'expert-npm-sidecar-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = cliJson(['package', SINGLE, '--out-dir', out, '--json']);
  const name = readdirSync(out).find((f) => f.endsWith('.expert'));
  assert.equal(ef.sidecar(name, r.packages[0].sha256), readFileSync(join(out, `${name}.sha256`), 'utf8'));
  for (const [file, sha] of [['a/b.expert', 'a'.repeat(64)], ['a\n.expert', 'a'.repeat(64)], ['a\\b.expert', 'a'.repeat(64)], [7, 'a'.repeat(64)], ['x.expert', null], ['', 'a'.repeat(64)], ['x.expert', 'A'.repeat(64)], ['x.expert', 'a'.repeat(63)]]) {
    assert.equal(thrown(() => ef.sidecar(file, sha)).code, 'E_BAD_ARGUMENT', JSON.stringify([file, sha]));
  }
});

test('verifyAndInspect: size decides the worker for a stream, and must be a byte count', async () => {
  const signed = readFileSync(join(ROOT, 'tests', 'conformance', 'cases', 'good-signed-trusted', 'package.expert'));
  const stream = () => new Blob([signed]).stream();
  const before = (await ef.verifyAndInspect(stream(), { size: signed.length })).verdict;
  assert.equal(before.status, 'valid-untrusted');
  await assert.rejects(ef.verifyAndInspect(stream(), { size: '1' }), { code: 'E_BAD_ARGUMENT' });
  await assert.rejects(ef.verifyAndInspect(stream(), { size: -1 }), { code: 'E_BAD_ARGUMENT' });
});
