// A 256 MiB package streamed through createVerifier (from fs.createReadStream)
// and verifyPackage (from a file-backed Blob, with and without the inflate
// worker) keeps the wasm memory small.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, mkdtempSync, openAsBlob, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI_RELEASE, cliJson, ef, MULTI } from './helpers.mjs';

const MIB = 1 << 20;
const WEIGHT_MIB = 256;
const MEMORY_LIMIT = 64 * MIB;

const dir = mkdtempSync(join(tmpdir(), 'expert-npm-stream-'));
// Also on a crash during setup.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/**
 * Writes `mib` MiB of deterministic noise: one 1 MiB block from a SHA-256
 * chain over a fixed seed, reused with a block counter in its first bytes
 * (deflate's 32 KiB window cannot see the repeats). Returns its SHA-256.
 */
function writeNoise(path, mib) {
  const block = Buffer.alloc(MIB);
  let state = createHash('sha256').update('expert-format stream test').digest();
  for (let at = 0; at < MIB; at += 32) {
    state = createHash('sha256').update(state).digest();
    state.copy(block, at);
  }
  const whole = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mib; i++) {
      block.writeUInt32LE(i, 0);
      writeSync(fd, block);
      whole.update(block);
    }
  } finally {
    closeSync(fd);
  }
  return whole.digest('hex');
}

test(`streaming a ${WEIGHT_MIB} MiB package keeps wasm memory under 64 MiB`, { timeout: 240_000 }, async (t) => {
  const expert = join(dir, 'expert');
  cpSync(MULTI, expert, { recursive: true });
  const weights = join(expert, 'weights', 'qwen3-06b', 'final', 'adapter_model.safetensors');
  let started = performance.now();
  const weightSha = writeNoise(weights, WEIGHT_MIB);
  const pkg = join(dir, 'big.expert');
  cliJson(['package', expert, '--model', 'qwen3-0.6b', '-o', pkg, '--json'], { bin: CLI_RELEASE, home: join(dir, 'home') });
  const size = statSync(pkg).size;
  t.diagnostic(`generated and packaged ${WEIGHT_MIB} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s; package ${(size / MIB).toFixed(1)} MiB`);
  assert.ok(size > WEIGHT_MIB * MIB, `the package (${size} bytes) holds the incompressible weights`);

  const before = ef.wasmMemoryBytes();
  started = performance.now();
  const v = ef.createVerifier();
  let chunks = 0;
  for await (const chunk of createReadStream(pkg)) {
    v.update(chunk);
    chunks += 1;
  }
  const verdict = v.finish();
  const seconds = (performance.now() - started) / 1000;
  const memory = ef.wasmMemoryBytes();
  t.diagnostic(`createVerifier: ${chunks} chunks in ${seconds.toFixed(1)} s (${(size / MIB / seconds).toFixed(0)} MiB/s); wasm memory ${(before / MIB).toFixed(2)} -> ${(memory / MIB).toFixed(2)} MiB`);

  assert.equal(verdict.status, 'unsigned', JSON.stringify(verdict.problems));
  const w = verdict.files.find((f) => f.path === 'adapter_model.safetensors');
  assert.equal(w.size, WEIGHT_MIB * MIB);
  assert.equal(w.sha256, weightSha);
  assert.ok(memory < MEMORY_LIMIT, `wasm memory grew to ${memory} bytes`);

  for (const worker of [true, false]) {
    started = performance.now();
    const fromBlob = await ef.verifyPackage(await openAsBlob(pkg), { worker });
    const blobSeconds = (performance.now() - started) / 1000;
    t.diagnostic(`verifyPackage(Blob, {worker: ${worker}}): ${blobSeconds.toFixed(1)} s; wasm memory ${(ef.wasmMemoryBytes() / MIB).toFixed(2)} MiB`);
    assert.deepEqual(fromBlob, verdict);
  }
  const afterBlob = ef.wasmMemoryBytes();
  assert.ok(afterBlob < MEMORY_LIMIT, `wasm memory grew to ${afterBlob} bytes`);

  assert.deepEqual(verdict, cliJson(['verify', pkg, '--json'], { bin: CLI_RELEASE, home: join(dir, 'home') }, [6]));

  // Building from the same expert through FileHandles into a file: the
  // weights never enter wasm memory whole, and the bytes are the CLI's.
  const { open } = await import('node:fs/promises');
  const files = new Map();
  const walk = (rel) => {
    for (const e of readdirSync(join(expert, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else files.set(r, null);
    }
  };
  walk('');
  for (const r of files.keys()) files.set(r, await open(join(expert, r)));
  const built = join(dir, 'built.expert');
  const fd = openSync(built, 'w');
  started = performance.now();
  try {
    await ef.buildPackage({ manifest: readFileSync(join(expert, 'manifest.json'), 'utf8'), files, model: 'qwen3-0.6b', output: (c) => writeSync(fd, c) });
  } finally {
    closeSync(fd);
    for (const h of files.values()) await h.close();
  }
  const afterBuild = ef.wasmMemoryBytes();
  t.diagnostic(`buildPackage from FileHandles: ${((performance.now() - started) / 1000).toFixed(1)} s; wasm memory ${(afterBuild / MIB).toFixed(2)} MiB`);
  assert.ok(afterBuild < MEMORY_LIMIT, `wasm memory grew to ${afterBuild} bytes while building`);
  assert.ok(readFileSync(built).equals(readFileSync(pkg)), 'the built package equals expert-cli package');
});
