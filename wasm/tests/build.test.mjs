// buildPackage makes the CLI's bytes; keys, model selection and file names.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliJson, ef, MULTI, readTree, SINGLE } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'expert-npm-build-'));
// Also on a crash during setup.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const home = join(dir, 'home');
const p = (name) => join(dir, name);
const EPOCH = '1764028800';
const CREATED_AT = '2025-11-25T00:00:00Z';

cliJson(['keygen', '-o', p('key.pem'), '--json'], { home });
const pem = readFileSync(p('key.pem'), 'utf8');
const multi = readTree(MULTI);
const multiManifest = readFileSync(join(MULTI, 'manifest.json'), 'utf8');
const single = readTree(SINGLE);
const singleManifest = readFileSync(join(SINGLE, 'manifest.json'), 'utf8');

/** Packages with the CLI into a fresh directory; returns {name, bytes}. */
function cliPackage(args, env = {}) {
  const out = mkdtempSync(join(dir, 'out-'));
  const r = cliJson(['package', ...args, '--out-dir', out, '--json'], { home, env });
  assert.equal(r.packages.length, 1);
  const name = readdirSync(out).find((f) => f.endsWith('.expert'));
  const bytes = new Uint8Array(readFileSync(join(out, name)));
  assert.equal(r.packages[0].sha256, sha256(bytes));
  return { name, bytes, sha256: r.packages[0].sha256, model: r.packages[0].model };
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function assertSame(built, want, what) {
  assert.equal(built.sha256, want.sha256, `${what}: sha256`);
  assert.equal(sha256(built.bytes), want.sha256, `${what}: sha256 of bytes`);
  assert.equal(built.bytes.length, want.bytes.length, `${what}: size`);
  assert.ok(Buffer.from(built.bytes).equals(Buffer.from(want.bytes)), `${what}: bytes`);
  assert.equal(built.fileName, want.name, `${what}: file name`);
}

test('signed build equals SOURCE_DATE_EPOCH=… expert-cli package --sign-key', async () => {
  const want = cliPackage([MULTI, '--model', 'qwen3-0.6b', '--sign-key', p('key.pem')], { SOURCE_DATE_EPOCH: EPOCH });
  const built = await ef.buildPackage({ manifest: multiManifest, files: multi, model: 'qwen3-0.6b', signingKey: pem, createdAt: CREATED_AT });
  assertSame(built, want, 'signed');
  assert.equal(built.model, want.model);
  const info = await ef.inspectPackage(built.bytes);
  assert.equal(info.created_at, CREATED_AT);
  assert.equal(info.publisher, 'expert toolchain');
  // The same instant with an offset, and as a Date, give the same bytes.
  const offset = await ef.buildPackage({ manifest: multiManifest, files: multi, model: 'Qwen/Qwen3-0.6B', signingKey: pem, createdAt: '2025-11-25T01:30:00.25+01:30' });
  assert.equal(offset.sha256, want.sha256);
  const date = await ef.buildPackage({ manifest: multiManifest, files: new Map(Object.entries(multi)), model: 'qwen3-06b', signingKey: pem, createdAt: new Date(Date.UTC(2025, 10, 25)) });
  assert.equal(date.sha256, want.sha256);
});

test('unsigned builds equal the CLI with and without SOURCE_DATE_EPOCH', async () => {
  const fixed = cliPackage([MULTI, '--model', 'qwen3-1.7b'], { SOURCE_DATE_EPOCH: EPOCH });
  assertSame(await ef.buildPackage({ manifest: multiManifest, files: multi, model: 'qwen3-1.7b', createdAt: CREATED_AT }), fixed, 'unsigned, createdAt');
  const plain = cliPackage([MULTI, '--model', 'qwen3-1.7b']);
  assertSame(await ef.buildPackage({ manifest: multiManifest, files: multi, model: 'qwen3-1.7b' }), plain, 'unsigned, default mtime');
  // Dropped files arrive as Blobs (File) or ArrayBuffers.
  const mixed = Object.fromEntries(Object.entries(multi).map(([k, v], i) => [k, i % 2 ? new Blob([v]) : v.buffer.slice(v.byteOffset, v.byteOffset + v.length)]));
  assertSame(await ef.buildPackage({ manifest: multiManifest, files: mixed, model: 'qwen3-1.7b' }), plain, 'Blob and ArrayBuffer files');
  assert.notEqual(fixed.sha256, plain.sha256);
  const v1 = cliPackage([SINGLE], { SOURCE_DATE_EPOCH: EPOCH });
  assertSame(await ef.buildPackage({ manifest: singleManifest, files: single, createdAt: CREATED_AT }), v1, 'v1, no model');
});

test('a raw 32-byte key signs like its PEM form, as the CLI does', async () => {
  const pair = ef.generateKeyPair();
  // PKCS#8 v1 for Ed25519: the seed is the last 32 bytes of the DER.
  const der = Buffer.from(pair.privateKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const raw = new Uint8Array(der.subarray(der.length - 32));
  writeFileSync(p('raw.key'), raw);
  const want = cliPackage([SINGLE, '--sign-key', p('raw.key')], { SOURCE_DATE_EPOCH: EPOCH });
  assertSame(await ef.buildPackage({ manifest: singleManifest, files: single, signingKey: raw, createdAt: CREATED_AT }), want, 'raw key');
  assertSame(await ef.buildPackage({ manifest: singleManifest, files: single, signingKey: pair.privateKeyPem, createdAt: CREATED_AT }), want, 'PEM');
  const verdict = await ef.verifyPackage(want.bytes, { trustedKeys: [pair.publicKey] });
  assert.equal(verdict.status, 'verified');
  assert.equal(verdict.key_id, pair.keyId);
});

test('publisher overrides the author, as --publisher does', async () => {
  const want = cliPackage([SINGLE, '--sign-key', p('key.pem'), '--publisher', 'Alice Example'], { SOURCE_DATE_EPOCH: EPOCH });
  const built = await ef.buildPackage({ manifest: singleManifest, files: single, signingKey: pem, publisher: 'Alice Example', createdAt: CREATED_AT });
  assertSame(built, want, 'publisher');
  assert.equal((await ef.inspectPackage(built.bytes)).publisher, 'Alice Example');
});

test('a signed build without createdAt is signed now and verifies', async () => {
  const before = Math.floor(Date.now() / 1000);
  const built = await ef.buildPackage({ manifest: multiManifest, files: multi, model: 'qwen3-0.6b', signingKey: pem });
  const created = Date.parse((await ef.inspectPackage(built.bytes)).created_at) / 1000;
  assert.ok(created >= before && created <= Date.now() / 1000 + 1, `created_at ${created}`);
  const pub = readFileSync(p('key.pub'), 'utf8').trim();
  assert.equal((await ef.verifyPackage(built.bytes, { trustedKeys: [pub] })).status, 'verified');
});

test('generateKeyPair gives fresh, well-formed keys', () => {
  const a = ef.generateKeyPair();
  const b = ef.generateKeyPair();
  assert.match(a.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=]+\n-----END PRIVATE KEY-----\n$/);
  assert.match(a.publicKey, /^ed25519:[0-9a-f]{64}$/);
  assert.match(a.keyId, /^[0-9a-f]{16}$/);
  assert.equal(a.keyId, createHash('sha256').update(Buffer.from(a.publicKey.slice(8), 'hex')).digest('hex').slice(0, 16));
  assert.notEqual(a.publicKey, b.publicKey);
  assert.deepEqual(Object.keys(a).sort(), ['keyId', 'privateKeyPem', 'publicKey']);
});

test('selectModel and packageFileName follow --model', () => {
  assert.deepEqual(ef.selectModel(multiManifest, 'qwen3-0.6b'), { index: 0, name: 'Qwen/Qwen3-0.6B' });
  assert.deepEqual(ef.selectModel(multiManifest, 'Qwen/Qwen3-1.7B'), { index: 1, name: 'Qwen/Qwen3-1.7B' });
  assert.deepEqual(ef.selectModel(singleManifest, 'qwen3-06b'), { index: 0, name: 'Qwen/Qwen3-0.6B' });
  assert.throws(
    () => ef.selectModel(multiManifest, 'llama'),
    (e) => e instanceof Error && e.code === 'E_MODEL_NOT_FOUND' && e.message.includes('Qwen/Qwen3-0.6B') && e.message.includes('Qwen/Qwen3-1.7B'),
  );
  const twins = JSON.parse(multiManifest);
  twins.base_models[1].name = 'Other/Qwen3-0.6B';
  twins.base_models[1].adapters[0].path = 'weights/other';
  // Two names for one model would make selection ambiguous; validation refuses them first.
  assert.throws(
    () => ef.selectModel(JSON.stringify(twins), 'qwen3-0.6b'),
    (e) => e.code === 'E_MANIFEST_INVALID' && e.diagnostics.some((d) => d.code === 'E_DUPLICATE_MODEL' && d.path === 'base_models[1].name'),
  );
  assert.equal(ef.packageFileName(multiManifest, 'qwen3-0.6b'), 'expert-demo-qwen3-0-6b.v1.2.0.expert');
  assert.equal(ef.packageFileName(singleManifest), 'expert-demo-v1.v0.3.0.expert');
  assert.throws(() => ef.packageFileName(multiManifest), (e) => e.code === 'E_MODEL_REQUIRED');
  assert.throws(() => ef.packageFileName('{"name": 1}'), (e) => e.code === 'E_MANIFEST_INVALID' && Array.isArray(e.diagnostics) && e.diagnostics.length > 0);
});

test('buildPackage errors carry codes', async () => {
  const base = { manifest: multiManifest, files: multi, model: 'qwen3-0.6b' };
  const rejects = (opts, code) => assert.rejects(ef.buildPackage(opts), (e) => e instanceof Error && e.code === code, code);
  await rejects({ ...base, model: undefined }, 'E_MODEL_REQUIRED');
  await rejects({ ...base, model: 'llama' }, 'E_MODEL_NOT_FOUND');
  await rejects({ ...base, manifest: '{' }, 'E_MANIFEST_INVALID');
  await rejects({ ...base, signingKey: 'not a key' }, 'E_KEY_FORMAT');
  await rejects({ ...base, signingKey: new Uint8Array(31) }, 'E_KEY_FORMAT');
  for (const createdAt of ['yesterday', '2025-02-30T00:00:00Z', '2025-11-25T24:00:00Z', '1969-12-31T23:59:59Z', '2025-11-25']) {
    await rejects({ ...base, createdAt }, 'E_CREATED_AT');
  }
  const { ['weights/qwen3-06b/final/adapter_model.safetensors']: _, ...noWeights } = multi;
  await rejects({ ...base, files: noWeights }, 'E_WEIGHTS_NOT_FOUND');
  const pointer = new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n');
  await rejects({ ...base, files: { ...multi, 'weights/qwen3-06b/final/adapter_model.safetensors': pointer } }, 'E_LFS_POINTER');
  await rejects({ ...base, files: { ...multi, 'README.md': 'text' } }, 'E_BAD_ARGUMENT');
  await rejects(null, 'E_BAD_ARGUMENT');
});

/**
 * Blobs that can be read synchronously under Node, standing in for a Web
 * Worker's File + FileReaderSync: the path where buildPackage reads files a
 * piece at a time. `reads` records each (offset, length) asked for.
 */
function withSyncBlobs(tamper = null) {
  const reads = [];
  class SyncBlob extends Blob {
    constructor(bytes, name, offset = 0) {
      super([bytes]);
      Object.assign(this, { bytes, name, offset });
    }
    slice(start, end) {
      return new SyncBlob(this.bytes.subarray(start, end), this.name, this.offset + start);
    }
  }
  globalThis.FileReaderSync = class {
    readAsArrayBuffer(blob) {
      reads.push([blob.name, blob.offset, blob.bytes.length]);
      const bytes = tamper ? tamper(blob) : blob.bytes;
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    }
  };
  const blobs = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, new SyncBlob(v, k)]));
  return { blobs, reads, done: () => delete globalThis.FileReaderSync };
}

test('with FileReaderSync, Blob files are read a piece at a time and the bytes still equal the CLI', async () => {
  const want = cliPackage([MULTI, '--model', 'qwen3-0.6b', '--sign-key', p('key.pem')], { SOURCE_DATE_EPOCH: EPOCH });
  const { blobs, reads, done } = withSyncBlobs();
  try {
    const built = await ef.buildPackage({ manifest: multiManifest, files: blobs, model: 'qwen3-0.6b', signingKey: pem, createdAt: CREATED_AT });
    assertSame(built, want, 'lazy Blobs');
    const weights = 'weights/qwen3-06b/final/adapter_model.safetensors';
    const pieces = reads.filter(([name]) => name === weights);
    // Hashed once, then read again while writing; never more than 1 MiB at a time.
    assert.ok(pieces.length >= 2, JSON.stringify(reads));
    assert.ok(reads.every(([, , n]) => n <= 1 << 20));
    const asBlob = await ef.buildPackage({ manifest: multiManifest, files: blobs, model: 'qwen3-0.6b', signingKey: pem, createdAt: CREATED_AT, output: 'blob' });
    assert.equal(asBlob.bytes, undefined);
    assertSame({ ...asBlob, bytes: new Uint8Array(await asBlob.blob.arrayBuffer()) }, want, 'output: blob');
    assert.equal(asBlob.blob.type, 'application/gzip');
  } finally {
    done();
  }
});

test('a Blob that changes while it is packaged fails with E_IO and says so', async () => {
  const { blobs, done } = withSyncBlobs((blob) => (blob.offset > 0 || blob.bytes.length > 100 ? blob.bytes.subarray(1) : blob.bytes));
  try {
    await assert.rejects(
      ef.buildPackage({ manifest: multiManifest, files: blobs, model: 'qwen3-0.6b', createdAt: CREATED_AT }),
      (e) => e.code === 'E_IO' && /did the file change\?/.test(e.message),
    );
    await assert.rejects(ef.buildPackage({ manifest: multiManifest, files: blobs, model: 'qwen3-0.6b', output: 'zip' }), (e) => e.code === 'E_BAD_ARGUMENT');
  } finally {
    done();
  }
});

test('Node FileHandles are read a piece at a time, and an output function gets the CLI bytes in order', async () => {
  const want = cliPackage([MULTI, '--model', 'qwen3-0.6b', '--sign-key', p('key.pem')], { SOURCE_DATE_EPOCH: EPOCH });
  const { open } = await import('node:fs/promises');
  const handles = new Map();
  try {
    for (const path of Object.keys(multi)) handles.set(path, await open(join(MULTI, path)));
    const chunks = [];
    const built = await ef.buildPackage({ manifest: multiManifest, files: handles, model: 'qwen3-0.6b', signingKey: pem, createdAt: CREATED_AT, output: (c) => chunks.push(c.slice()) });
    assert.equal(built.bytes, undefined);
    assert.equal(built.size, want.bytes.length);
    assert.ok(chunks.length >= 1 && chunks.every((c) => c.length <= 2 << 20));
    assertSame({ ...built, bytes: new Uint8Array(Buffer.concat(chunks)) }, want, 'FileHandles + output function');
  } finally {
    for (const h of handles.values()) await h.close();
  }
});

test('encrypted PKCS#8 signingKey with signingKeyPassphrase equals expert-cli package with EXPERT_KEY_PASSPHRASE', async () => {
  const pass = 'npm passphrase';
  cliJson(['keygen', '--encrypt', '-o', p('enc.pem'), '--json'], { home, env: { EXPERT_KEY_PASSPHRASE: pass } });
  const enc = readFileSync(p('enc.pem'), 'utf8');
  assert.ok(enc.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----'));
  const want = cliPackage([SINGLE, '--sign-key', p('enc.pem')], { SOURCE_DATE_EPOCH: EPOCH, EXPERT_KEY_PASSPHRASE: pass });
  assertSame(await ef.buildPackage({ manifest: singleManifest, files: single, signingKey: enc, signingKeyPassphrase: pass, createdAt: CREATED_AT }), want, 'encrypted key');
  const base = { manifest: singleManifest, files: single, signingKey: enc, createdAt: CREATED_AT };
  await assert.rejects(ef.buildPackage(base), (e) => e.code === 'E_KEY_PASSPHRASE' && /signingKeyPassphrase/.test(e.message));
  await assert.rejects(ef.buildPackage({ ...base, signingKeyPassphrase: 'wrong' }), (e) => e.code === 'E_KEY_DECRYPT');
});

test('no npm error contains private key material', async () => {
  const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
  const secret = (msg) => body.some((l) => msg.includes(l.slice(0, 16)));
  const broken = pem.replace('PRIVATE KEY-----\n', 'PRIVATE KEY-----\n!');
  await assert.rejects(ef.buildPackage({ manifest: singleManifest, files: single, signingKey: broken }), (e) => e.code === 'E_KEY_FORMAT' && !secret(e.message));
  const pkg = (await ef.buildPackage({ manifest: singleManifest, files: single, signingKey: pem })).bytes;
  await assert.rejects(ef.verifyPackage(pkg, { trustedKeys: [pem] }), (e) => e.code === 'E_KEY_FORMAT' && !secret(e.message) && /private key/.test(e.message));
});

test('onProgress counts up to the total the core reports, signed or not', async () => {
  const files = readTree(MULTI);
  files['weights/qwen3-06b/final/adapter_model.safetensors'] = new Uint8Array(5 << 20).map((_, i) => (i * 7) & 255);
  const manifest = new TextDecoder().decode(files['manifest.json']);
  const { privateKeyPem } = ef.generateKeyPair();
  for (const signingKey of [undefined, privateKeyPem]) {
    const calls = [];
    await ef.buildPackage({ manifest, files, model: 'qwen3-0.6b', signingKey, onProgress: (done, total) => calls.push([done, total]) });
    const total = calls[0][1];
    assert.ok(calls.length >= 5, `${calls.length} calls`);
    assert.ok(calls.every(([d, t], i) => t === total && d <= t && (i === 0 || d > calls[i - 1][0])));
    assert.deepEqual(calls.at(-1), [total, total]);
    // Each file once, plus the weights (unsigned) or everything (signed) hashed first.
    assert.ok(total > 10 << 20, `total ${total}`);
  }
  await assert.rejects(ef.buildPackage({ manifest, files, model: 'qwen3-0.6b', onProgress: 5 }), (e) => e.code === 'E_BAD_ARGUMENT');
  const boom = new Error('from onProgress');
  await assert.rejects(ef.buildPackage({ manifest, files, model: 'qwen3-0.6b', onProgress: () => { throw boom; } }), (e) => e === boom);
});
