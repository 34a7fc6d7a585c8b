// `signal`: aborting rejects with an AbortError, stops reading the source
// and ends the inflate worker, in verifyPackage, verifyAndInspect,
// inspectPackage and buildPackage.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ef, PKG_DIR, readTree, SINGLE } from './helpers.mjs';

/** A valid gzip member start, then nothing: the read waits for ever. */
const GZIP_START = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** A web stream that gives one chunk and then stalls; records whether it was cancelled. */
function stalledStream() {
  const state = { pulls: 0, cancelled: false };
  const stream = new ReadableStream({
    pull(c) {
      state.pulls += 1;
      if (state.pulls === 1) c.enqueue(GZIP_START.slice());
      return new Promise(() => {});
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

const CALLS = {
  'verifyPackage (default)': (s, signal) => ef.verifyPackage(s, { signal }),
  'verifyPackage worker: true': (s, signal) => ef.verifyPackage(s, { worker: true, signal }),
  'verifyPackage worker: false': (s, signal) => ef.verifyPackage(s, { worker: false, signal }),
  'verifyAndInspect': (s, signal) => ef.verifyAndInspect(s, { signal }),
  'inspectPackage': (s, signal) => ef.inspectPackage(s, { signal }),
};

const isAbort = (reason) => (e) => e.name === 'AbortError' && e.cause === reason;

for (const [name, call] of Object.entries(CALLS)) {
  test(`${name}: an abort during a stalled read rejects at once and cancels the stream`, async () => {
    const { stream, state } = stalledStream();
    const controller = new AbortController();
    const pending = call(stream, controller.signal);
    const reason = new Error('user gave up');
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    await assert.rejects(pending, isAbort(reason));
    assert.ok(Date.now() - started < 5000);
    await new Promise((r) => setImmediate(r));
    assert.ok(state.cancelled, 'the stream was cancelled');
  });

  test(`${name}: an already aborted signal reads nothing`, async () => {
    const { stream, state } = stalledStream();
    const reason = new Error('too late');
    await assert.rejects(call(stream, AbortSignal.abort(reason)), isAbort(reason));
    assert.equal(state.pulls, 0);
  });

  test(`${name}: an aborted Node stream is destroyed`, async () => {
    const s = new Readable({ read() {} });
    s.push(GZIP_START.slice());
    const controller = new AbortController();
    const pending = call(s, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (e) => e.name === 'AbortError');
    assert.ok(s.destroyed, 'the stream was destroyed');
  });
}

test('signal must be an AbortSignal', async () => {
  for (const signal of ['yes', {}, 1]) {
    await assert.rejects(ef.verifyPackage(new Uint8Array(10), { signal }), (e) => e.code === 'E_BAD_ARGUMENT', String(signal));
    await assert.rejects(ef.inspectPackage(new Uint8Array(10), { signal }), (e) => e.code === 'E_BAD_ARGUMENT', String(signal));
  }
});

test('a signal that is never aborted changes nothing', async () => {
  const bytes = new Uint8Array(new ArrayBuffer(0));
  const signal = new AbortController().signal;
  const v = await ef.verifyPackage(bytes, { signal });
  assert.equal(v.status, 'invalid');
});

test('an aborted verification ends the worker: the process exits on its own', () => {
  // A worker left running would keep this process alive until the timeout.
  const script = `
    const ef = await import(${JSON.stringify(pathToFileURL(join(PKG_DIR, 'node.js')).href)});
    const stream = new ReadableStream({ pull(c) { c.enqueue(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])); return new Promise(() => {}); } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    try { await ef.verifyPackage(stream, { worker: true, signal: controller.signal }); }
    catch (e) { console.log(e.name); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.stdout.trim(), 'AbortError', r.stderr);
  assert.equal(r.status, 0, `exit ${r.status}, signal ${r.signal}`);
});

const manifest = new TextDecoder().decode(readTree(SINGLE)['manifest.json']);
const files = readTree(SINGLE);

test('buildPackage: an aborted signal rejects before any work', async () => {
  const reason = new Error('stop');
  let chunks = 0;
  await assert.rejects(ef.buildPackage({ manifest, files, signal: AbortSignal.abort(reason), output: () => (chunks += 1) }), isAbort(reason));
  assert.equal(chunks, 0);
});

test('buildPackage: an abort from the output function stops the build at that chunk', async () => {
  const controller = new AbortController();
  let chunks = 0;
  const pending = ef.buildPackage({
    manifest,
    files: { ...files, 'big.bin': new Uint8Array(8 << 20).map((_, i) => (i * 2654435761) >>> 24) },
    signal: controller.signal,
    output: () => {
      chunks += 1;
      controller.abort();
    },
  });
  await assert.rejects(pending, (e) => e.name === 'AbortError');
  assert.equal(chunks, 1);
});

test('buildPackage: an abort while Blobs are read rejects', async () => {
  const controller = new AbortController();
  class SlowBlob extends Blob {
    async arrayBuffer() {
      controller.abort();
      return super.arrayBuffer();
    }
  }
  const slow = { ...files, 'README.md': new SlowBlob([files['README.md']]) };
  await assert.rejects(ef.buildPackage({ manifest, files: slow, signal: controller.signal }), (e) => e.name === 'AbortError');
});

test('buildPackage: a signal that is never aborted gives the same package', async () => {
  const createdAt = '2025-01-01T00:00:00Z';
  const plain = await ef.buildPackage({ manifest, files, createdAt });
  const withSignal = await ef.buildPackage({ manifest, files, createdAt, signal: new AbortController().signal });
  assert.equal(withSignal.sha256, plain.sha256);
  await assert.rejects(ef.buildPackage({ manifest, files, signal: 'no' }), (e) => e.code === 'E_BAD_ARGUMENT');
});
