// verifyPackage, createVerifier and inspectPackage against `expert-cli
// verify|inspect --json` on the same packages: signed, unsigned, v1, and
// tampered copies. Every source type gives the same verdict.

import assert from 'node:assert/strict';
import { cpSync, createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cli, cliJson, ef, jaggedStream, MULTI, SINGLE } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'expert-npm-verify-'));
// Also on a crash during setup.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const home = join(dir, 'home');
const run = (args, ok = [0]) => cliJson(args, { home }, ok);
const p = (name) => join(dir, name);

// Packages made by the CLI.
run(['keygen', '-o', p('key.pem'), '--json']);
const publicKey = readFileSync(p('key.pub'), 'utf8').trim();
run(['package', MULTI, '--model', 'qwen3-0.6b', '--sign-key', p('key.pem'), '-o', p('signed.expert'), '--json']);
run(['package', MULTI, '--model', 'qwen3-1.7b', '-o', p('unsigned.expert'), '--json']);
run(['package', SINGLE, '--sign-key', p('key.pem'), '-o', p('v1-signed.expert'), '--json']);

/** Offset and size of an entry's data in an uncompressed ustar stream. */
function tarEntry(tar, wanted) {
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = new TextDecoder().decode(header.subarray(0, 100)).replace(/\0.*$/s, '');
    const size = parseInt(new TextDecoder().decode(header.subarray(124, 136)).replace(/\0.*$/s, '').trim(), 8);
    if (name === wanted) return { offset: at + 512, size };
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} is not in the archive`);
}

/** The signed package with one byte of entry `name` changed, re-gzipped. */
function editEntry(name, edit) {
  const tar = gunzipSync(readFileSync(p('signed.expert')));
  const { offset, size } = tarEntry(tar, name);
  edit(tar.subarray(offset, offset + size));
  return gzipSync(tar);
}

const signed = new Uint8Array(readFileSync(p('signed.expert')));
const tampered = {
  'flipped-byte-in-gzip-stream': (() => {
    const b = Uint8Array.from(signed);
    b[b.length >> 1] ^= 0x20;
    return b;
  })(),
  'gzip-size-trailer-changed': (() => {
    const b = Uint8Array.from(signed);
    b[b.length - 1] ^= 0x01;
    return b;
  })(),
  truncated: signed.slice(0, signed.length >> 1),
  'data-after-the-end': Uint8Array.from([...signed, 0x1f, 0x8b, 0x08, 0x00]),
  'file-modified-after-signing': editEntry('README.md', (data) => {
    data[0] ^= 0x01;
  }),
  'manifest-edited-after-signing': editEntry('manifest.json', (data) => {
    const text = new TextDecoder().decode(data);
    const at = text.indexOf('Demo expert');
    assert.ok(at > 0);
    data[at] = 'd'.charCodeAt(0);
  }),
  'not-a-package': new TextEncoder().encode('{"name": "not a package"}'),
  empty: new Uint8Array(0),
};
for (const [name, bytes] of Object.entries(tampered)) writeFileSync(p(`${name}.expert`), bytes);

const valid = ['signed', 'unsigned', 'v1-signed'];
const all = [...valid, ...Object.keys(tampered)];
const cliVerdict = (name, keys = []) => run(['verify', p(`${name}.expert`), ...keys.flatMap((k) => ['--trusted-key', k]), '--json'], [0, 5, 6]);

test('every package gets the CLI verdict, with and without a trusted key', async () => {
  for (const name of all) {
    const bytes = new Uint8Array(readFileSync(p(`${name}.expert`)));
    assert.deepEqual(await ef.verifyPackage(bytes), cliVerdict(name), name);
    assert.deepEqual(await ef.verifyPackage(bytes, { trustedKeys: [publicKey] }), cliVerdict(name, [publicKey]), `${name} with a trusted key`);
  }
});

test('the verdicts say what happened', async () => {
  const verdict = async (name, opts) => ef.verifyPackage(readFileSync(p(`${name}.expert`)), opts);
  const s = await verdict('signed');
  assert.equal(s.status, 'valid-untrusted');
  assert.equal(s.name, 'expert-demo');
  assert.equal(s.base_model, 'Qwen/Qwen3-0.6B');
  assert.equal(s.key_id, run(['inspect', p('signed.expert'), '--json']).key_id);
  assert.ok(s.files.every((f) => f.ok) && s.files.some((f) => f.path === 'adapter_model.safetensors'));
  assert.equal((await verdict('signed', { trustedKeys: [publicKey] })).status, 'verified');
  assert.equal((await verdict('v1-signed', { trustedKeys: [publicKey] })).status, 'verified');
  assert.equal((await verdict('unsigned')).status, 'unsigned');
  const codes = async (name) => {
    const v = await verdict(name);
    assert.equal(v.status, 'invalid', name);
    return v.problems.map((x) => x.code);
  };
  assert.deepEqual(await codes('file-modified-after-signing'), ['E_FILE_HASH_MISMATCH']);
  assert.deepEqual(await codes('manifest-edited-after-signing'), ['E_MANIFEST_DIGEST_MISMATCH']);
  assert.deepEqual(await codes('truncated'), ['E_GZIP_TRUNCATED']);
  assert.deepEqual(await codes('empty'), ['E_GZIP_TRUNCATED']);
  assert.equal((await codes('flipped-byte-in-gzip-stream')).length, 1);
  assert.equal((await codes('gzip-size-trailer-changed'))[0], 'E_GZIP_SIZE');
  assert.equal((await codes('data-after-the-end'))[0], 'E_GZIP_MULTIPLE_MEMBERS');
  const modified = await verdict('file-modified-after-signing');
  assert.equal(modified.files.find((f) => f.path === 'README.md').ok, false);
});

test('Blob, ReadableStream, Node stream, ArrayBuffer and createVerifier agree', async () => {
  for (const name of all) {
    const file = p(`${name}.expert`);
    const bytes = new Uint8Array(readFileSync(file));
    const want = cliVerdict(name, [publicKey]);
    const opts = { trustedKeys: [publicKey] };
    assert.deepEqual(await ef.verifyPackage(new Blob([bytes]), opts), want, `${name} Blob`);
    assert.deepEqual(await ef.verifyPackage(jaggedStream(bytes), opts), want, `${name} ReadableStream`);
    assert.deepEqual(await ef.verifyPackage(createReadStream(file, { highWaterMark: 3000 }), opts), want, `${name} fs stream`);
    assert.deepEqual(await ef.verifyPackage(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), opts), want, `${name} ArrayBuffer`);
    const v = ef.createVerifier(opts);
    for (let at = 0; at < bytes.length; at += 777) v.update(bytes.subarray(at, at + 777));
    assert.deepEqual(v.finish(), want, `${name} createVerifier`);
  }
});

test('inspectPackage equals `inspect --json`', async () => {
  for (const name of valid) {
    const want = run(['inspect', p(`${name}.expert`), '--json']);
    assert.deepEqual(await ef.inspectPackage(readFileSync(p(`${name}.expert`))), want, name);
    assert.deepEqual(await ef.inspectPackage(new Blob([readFileSync(p(`${name}.expert`))])), want, `${name} Blob`);
  }
  // The same text, byte for byte: numbers as JavaScript writes them.
  const odd = p('odd-numbers');
  cpSync(SINGLE, odd, { recursive: true });
  const manifest = readFileSync(join(odd, 'manifest.json'), 'utf8');
  writeFileSync(join(odd, 'manifest.json'), manifest.replace('"alpha": 8', '"alpha": 0.000001').replace('"r": 4', '"r": 4.0'));
  run(['package', odd, '-o', p('odd-numbers.expert'), '--json']);
  for (const name of [...valid, 'odd-numbers']) {
    const text = cli(['inspect', p(`${name}.expert`), '--json'], { home }).stdout.trim();
    assert.equal(JSON.stringify(await ef.inspectPackage(readFileSync(p(`${name}.expert`)))), text, name);
    if (name === 'odd-numbers') assert.match(text, /"r":4,"alpha":0\.000001,/);
  }
  const info = await ef.inspectPackage(readFileSync(p('signed.expert')));
  assert.equal(info.signed, true);
  assert.equal(info.files[0].path, 'manifest.json');
  assert.equal((await ef.inspectPackage(readFileSync(p('unsigned.expert')))).signed, false);
});

test('inspectPackage throws the CLI error code for malformed packages', async () => {
  for (const name of ['flipped-byte-in-gzip-stream', 'gzip-size-trailer-changed', 'truncated', 'data-after-the-end', 'not-a-package', 'empty']) {
    const r = cli(['inspect', p(`${name}.expert`), '--json'], { home });
    assert.equal(r.status, 5, name);
    const code = JSON.parse(r.stdout).error.code;
    await assert.rejects(ef.inspectPackage(readFileSync(p(`${name}.expert`))), (e) => e instanceof Error && e.code === code, `${name}: ${code}`);
    await assert.rejects(ef.inspectPackage(jaggedStream(readFileSync(p(`${name}.expert`)))), (e) => e.code === code, `${name} stream`);
  }
});

test('an early error stops reading the stream', async () => {
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream({
    pull(c) {
      pulls += 1;
      c.enqueue(new Uint8Array(1024).fill(0x41));
    },
    cancel() {
      cancelled = true;
    },
  });
  await assert.rejects(ef.inspectPackage(stream), (e) => e.code === 'E_GZIP_HEADER');
  assert.ok(cancelled, 'the stream was cancelled');
  assert.ok(pulls < 10, `pulled ${pulls} chunks`);
});

test('misuse throws coded errors; bad packages never throw', async () => {
  const bytes = readFileSync(p('signed.expert'));
  await assert.rejects(ef.verifyPackage(bytes, { trustedKeys: ['ed25519:1234'] }), (e) => e instanceof Error && e.code === 'E_KEY_FORMAT');
  await assert.rejects(ef.verifyPackage(bytes, { trustedKeys: [42] }), (e) => e.code === 'E_KEY_FORMAT');
  await assert.rejects(ef.verifyPackage(bytes, { trustedKeys: 'ed25519:00' }), (e) => e.code === 'E_BAD_ARGUMENT');
  assert.throws(() => ef.createVerifier({ trustedKeys: ['nope'] }), (e) => e.code === 'E_KEY_FORMAT' && /trustedKeys\[0\]/.test(e.message));
  for (const source of ['a string', 42, null, undefined, {}, [1, 2, 3]]) {
    await assert.rejects(ef.verifyPackage(source), (e) => e.code === 'E_BAD_SOURCE', String(source));
    await assert.rejects(ef.inspectPackage(source), (e) => e.code === 'E_BAD_SOURCE', String(source));
  }
  const strings = new ReadableStream({
    start(c) {
      c.enqueue('not bytes');
      c.close();
    },
  });
  await assert.rejects(ef.verifyPackage(strings), (e) => e.code === 'E_BAD_SOURCE');
  const v = ef.createVerifier();
  v.update(bytes);
  assert.equal(v.finish().status, 'valid-untrusted');
  assert.throws(() => v.finish(), (e) => e.code === 'E_VERIFIER_FINISHED');
  assert.throws(() => v.update(bytes), (e) => e.code === 'E_VERIFIER_FINISHED');
  // Random bytes are a verdict, not an exception.
  const junk = crypto.getRandomValues(new Uint8Array(4096));
  assert.equal((await ef.verifyPackage(junk)).status, 'invalid');
});
