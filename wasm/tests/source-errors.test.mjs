// A source that fails rejects the call with its own error, whatever the
// source type, wherever it fails, on every path (worker or not, verify or
// inspect); the process never dies of an unheard 'error' event. Each case
// runs in this process: a crash would fail the whole file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { cliJson, ef, SINGLE } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'expert-npm-source-errors-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const PKG = join(dir, 'single.expert');
cliJson(['package', SINGLE, '-o', PKG, '--json'], { home: join(dir, 'home') });
const BYTES = new Uint8Array(await (await import('node:fs/promises')).readFile(PKG));
const HALF = BYTES.length >> 1;

/** The calls that read a source; each must reject with the source's error. */
const CALLS = {
  'verifyPackage (default)': (s) => ef.verifyPackage(s),
  'verifyPackage worker: true': (s) => ef.verifyPackage(s, { worker: true }),
  'verifyPackage worker: false': (s) => ef.verifyPackage(s, { worker: false }),
  'verifyAndInspect': (s) => ef.verifyAndInspect(s),
  'inspectPackage': (s) => ef.inspectPackage(s),
};

/** Bytes delivered before the error, for each place it happens. */
const BEFORE = { start: 0, middle: HALF, end: BYTES.length };

/**
 * Sources that deliver `BYTES.subarray(0, n)` and then fail with `err`
 * (soon after creation, unasked, when n is 0) instead of ending.
 */
const SOURCES = {
  'Node Readable': (n, err) => {
    const s = new Readable({
      read() {
        if (n > 0) this.push(BYTES.slice(0, n));
        n = 0;
        // After the data is taken: the error comes in place of the end.
        setImmediate(() => this.destroy(err));
      },
    });
    // The error of a file that cannot be opened: before anyone reads.
    if (n === 0) process.nextTick(() => s.destroy(err));
    return s;
  },
  'web ReadableStream': (n, err) => webStream(n, err),
  Blob: (n, err) => {
    // A Blob whose reading fails (a file changed or gone) at that point.
    class FailingBlob extends Blob {
      stream() {
        return webStream(n, err);
      }
    }
    return new FailingBlob([BYTES]);
  },
  'async iterable': (n, err) =>
    (async function* () {
      if (n > 0) yield BYTES.slice(0, n);
      throw err;
    })(),
};

function webStream(n, err) {
  return new ReadableStream({
    start(c) {
      if (n === 0) c.error(err);
    },
    pull(c) {
      c.enqueue(BYTES.slice(0, n));
      c.error(err);
    },
  });
}

for (const [sourceName, make] of Object.entries(SOURCES)) {
  for (const [where, n] of Object.entries(BEFORE)) {
    test(`${sourceName} failing at the ${where}: every call rejects with its error`, async () => {
      for (const [callName, call] of Object.entries(CALLS)) {
        const err = Object.assign(new Error(`${sourceName} broke at the ${where}`), { code: 'EIO' });
        await assert.rejects(call(make(n, err)), (e) => e === err, callName);
      }
    });
  }
}

test('fs.createReadStream of a missing file rejects with ENOENT on every path', async () => {
  for (const [callName, call] of Object.entries(CALLS)) {
    await assert.rejects(call(createReadStream(join(dir, 'missing.expert'))), (e) => e.code === 'ENOENT', callName);
  }
});

test('a Blob of a file changed after it was opened rejects on every path', async () => {
  for (const [callName, call] of Object.entries(CALLS)) {
    const path = join(dir, 'changing.expert');
    writeFileSync(path, BYTES);
    const blob = await openAsBlob(path);
    writeFileSync(path, BYTES.subarray(0, 100));
    await assert.rejects(call(blob), (e) => e.name === 'NotReadableError', callName);
  }
});

test('an error after the stream was dropped (a malformed package) does not end the process', async () => {
  const s = new Readable({
    read() {
      this.push(new Uint8Array(64 << 10).fill(0x41));
    },
  });
  const v = await ef.verifyPackage(s, { worker: true });
  assert.equal(v.problems[0].code, 'E_GZIP_HEADER');
  assert.ok(s.destroyed, 'the stream was stopped');
  s.emit('error', new Error('late'));
  await new Promise((r) => setImmediate(r));
});

test('the same sources without an error give the CLI verdict', async () => {
  // The control: the failing sources differ from these only by the error.
  const want = await ef.verifyPackage(BYTES, { worker: false });
  assert.equal(want.status, 'unsigned');
  assert.deepEqual(await ef.verifyPackage(Readable.from([BYTES.slice(0, HALF), BYTES.slice(HALF)])), want);
  assert.deepEqual(await ef.verifyPackage(new Blob([BYTES])), want);
  assert.deepEqual(await ef.verifyPackage(createReadStream(PKG), { worker: true }), want);
});
