// verifyPackage with inflate on a worker thread (verify-in-worker.js and
// inflate-worker-node.js): it stops early, passes read errors on, leaves no
// thread behind, and its gzip half keeps memory bounded for a bomb.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { cliJson, ef, PKG_DIR, SINGLE } from './helpers.mjs';

// The same module instance that node.js initialised.
const glue = await import(pathToFileURL(join(PKG_DIR, 'expert_wasm.js')).href);
const MIB = 1 << 20;

const dir = mkdtempSync(join(tmpdir(), 'expert-npm-worker-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const home = join(dir, 'home');
/** An unsigned package of the single-model example, made by the CLI. */
const PKG = join(dir, 'single.expert');
cliJson(['package', SINGLE, '-o', PKG, '--json'], { home });

test('an early error stops reading the stream and ends the worker', async () => {
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream({
    pull(c) {
      pulls += 1;
      c.enqueue(new Uint8Array(64 << 10).fill(0x41));
    },
    cancel() {
      cancelled = true;
    },
  });
  const v = await ef.verifyPackage(stream, { worker: true });
  assert.equal(v.status, 'invalid');
  assert.equal(v.problems[0].code, 'E_GZIP_HEADER');
  assert.ok(cancelled, 'the stream was cancelled');
  // While the worker starts: two 1 MiB batches queued for it, one waiting
  // to be sent, one being filled, and the stream's read-ahead.
  assert.ok(pulls <= 5 * 16, `pulled ${pulls} chunks of 64 KiB`);
});

test('a source that fails mid-way rejects with its own error', async () => {
  async function* failing() {
    yield gzipSync(Buffer.alloc(4096)).subarray(0, 100);
    throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
  }
  await assert.rejects(ef.verifyPackage(failing(), { worker: true }), (e) => e.code === 'EIO' && /disk on fire/.test(e.message));
});

test('worker must be a boolean', async () => {
  for (const worker of ['yes', 1, null]) {
    await assert.rejects(ef.verifyPackage(new Uint8Array(10), { worker }), (e) => e.code === 'E_BAD_ARGUMENT', String(worker));
  }
});

test('a package verified with and without the worker gives the CLI verdict', async () => {
  const want = cliJson(['verify', PKG, '--json'], { home }, [6]);
  const bytes = readFileSync(PKG);
  assert.deepEqual(await ef.verifyPackage(bytes, { worker: true }), want);
  assert.deepEqual(await ef.verifyPackage(bytes, { worker: false }), want);
  // Cut short: the gzip half's error, relayed from the worker.
  const cut = bytes.subarray(0, bytes.length - 9);
  const relayed = await ef.verifyPackage(cut, { worker: true });
  assert.equal(relayed.problems[0].code, 'E_GZIP_TRUNCATED');
  assert.deepEqual(relayed, await ef.verifyPackage(cut, { worker: false }));
});

test('the inflater hands out at most what fits and stops a bomb within bounded memory', () => {
  // 256 MiB of zeros: about 250 KiB of gzip, far past the ratio limit.
  const bomb = gzipSync(Buffer.alloc(256 * MIB), { level: 9 });
  const inflater = new glue.Inflater();
  const before = ef.wasmMemoryBytes();
  inflater.push(bomb);
  const out = new Uint8Array(MIB);
  let total = 0;
  for (;;) {
    const n = inflater.read(out);
    assert.ok(n <= out.length);
    if (n === 0) break;
    total += n;
  }
  const grown = ef.wasmMemoryBytes() - before;
  assert.equal(inflater.error?.code, 'E_LIMIT_RATIO', JSON.stringify(inflater.error));
  assert.deepEqual(inflater.finish(), inflater.error);
  assert.ok(total < 256 * MIB, `inflated ${total} bytes`);
  assert.ok(grown < 32 * MIB, `wasm memory grew by ${grown} bytes`);
  inflater.free();
});

test('no worker thread outlives verifyPackage, even under node -e', () => {
  // A leaked worker would keep the process alive until the timeout; under
  // `node --input-type=module -e`, an inherited flag once stopped the worker.
  const script = `
    const ef = await import(${JSON.stringify(pathToFileURL(join(PKG_DIR, 'node.js')).href)});
    const junk = new Uint8Array(1 << 16).fill(7);
    for (let i = 0; i < 5; i++) await ef.verifyPackage(junk, { worker: true });
    const good = await ef.verifyPackage(new Uint8Array(await (await import('node:fs')).promises.readFile(process.argv[1])), { worker: true });
    console.log(good.status);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, PKG], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.stdout.trim(), 'unsigned', r.stderr);
  assert.equal(r.status, 0, `exit ${r.status}, signal ${r.signal}`);
});

/** A copy of the built package whose Node inflate worker is `worker` (or none). */
function packageCopy(name, worker) {
  const copy = join(dir, name);
  cpSync(PKG_DIR, copy, { recursive: true });
  rmSync(join(copy, 'inflate-worker-node.js'));
  if (worker) writeFileSync(join(copy, 'inflate-worker-node.js'), worker);
  return copy;
}

/** Verifies PKG with the package at `lib`, with and without the worker; prints code or status. */
function verifyWith(lib) {
  const script = `
    const ef = await import(${JSON.stringify(pathToFileURL(join(lib, 'node.js')).href)});
    const bytes = new Uint8Array(await (await import('node:fs')).promises.readFile(process.argv[1]));
    for (const worker of [true, false]) {
      try { console.log((await ef.verifyPackage(bytes, { worker })).status); }
      catch (e) { console.log(e.code); }
    }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, PKG], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

test('a worker that cannot start costs nothing: the package is verified on this thread', () => {
  // A bundler or a partial copy that leaves the worker file behind.
  assert.deepEqual(verifyWith(packageCopy('no-worker-file', null)), ['unsigned', 'unsigned']);
});

test('a worker that dies mid-way rejects with E_WORKER instead of hanging', () => {
  const dies = `
    import { parentPort } from 'node:worker_threads';
    parentPort.on('message', (m) => {
      if (m.module) parentPort.postMessage({ ready: true });
      if (m.chunk) process.exit(3);
    });
    parentPort.postMessage({ hello: true });`;
  assert.deepEqual(verifyWith(packageCopy('dying-worker', dies)), ['E_WORKER', 'unsigned']);
});

test('a malformed trusted key rejects before a worker starts: none is left running', () => {
  const script = `
    const ef = await import(${JSON.stringify(pathToFileURL(join(PKG_DIR, 'node.js')).href)});
    try { await ef.verifyPackage(new Blob([new Uint8Array(100)]), { worker: true, trustedKeys: ['ed25519:00'] }); }
    catch (e) { console.log(e.code); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.stdout.trim(), 'E_KEY_FORMAT', r.stderr);
  assert.equal(r.status, 0, `exit ${r.status}, signal ${r.signal}`);
});
