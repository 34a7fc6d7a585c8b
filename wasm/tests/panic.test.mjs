// A panic or a trap in the module leaves its instance mid-call; the
// wrapper replaces it, so the error carries the panic's message and every
// later call works, on a fresh instance (its deliberate-failure count is 0).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ef, MULTI, readTree, SINGLE } from './helpers.mjs';

const manifest = readFileSync(join(MULTI, 'manifest.json'), 'utf8');
const single = readTree(SINGLE);
const singleManifest = new TextDecoder().decode(single['manifest.json']);
const createdAt = '2025-01-01T00:00:00Z';
const reference = await ef.buildPackage({ manifest: singleManifest, files: single, createdAt });

/** Everything still works, on the same answers as before. */
async function stillWorks() {
  assert.equal(ef.validateManifest(manifest).valid, true);
  const built = await ef.buildPackage({ manifest: singleManifest, files: single, createdAt });
  assert.equal(built.sha256, reference.sha256);
  for (const worker of [true, false]) assert.equal((await ef.verifyPackage(built.bytes, { worker })).status, 'unsigned');
  assert.equal((await ef.inspectPackage(built.bytes)).name, 'expert-demo-v1');
  assert.match(ef.generateKeyPair().publicKey, /^ed25519:[0-9a-f]{64}$/);
}

test('a panic rejects with E_PANIC and its message, and the next calls run on a fresh instance', async () => {
  for (let i = 0; i < 3; i++) {
    assert.throws(() => ef.__testing.panic(`deliberate panic ${i}`), (e) => e.code === 'E_PANIC' && e.message.includes(`deliberate panic ${i}`) && /internal error/.test(e.message));
    assert.equal(ef.__testing.failures(), 0, 'the instance that panicked was replaced');
    await stillWorks();
  }
});

test('a trap without a panic (out of memory, say) is E_PANIC too, and recovered', async () => {
  for (let i = 0; i < 2; i++) {
    assert.throws(() => ef.__testing.trap(), (e) => e.code === 'E_PANIC' && e.cause instanceof WebAssembly.RuntimeError);
    assert.equal(ef.__testing.failures(), 0);
    await stillWorks();
  }
});

test('objects of the replaced instance refuse work instead of corrupting the new one', async () => {
  const before = ef.createVerifier();
  before.update(reference.bytes.subarray(0, 100));
  assert.throws(() => ef.__testing.panic('between calls'), (e) => e.code === 'E_PANIC');
  assert.throws(() => before.update(reference.bytes.subarray(100)), /stale/);
  await stillWorks();
  const after = ef.createVerifier();
  after.update(reference.bytes);
  assert.equal(after.finish().status, 'unsigned');
});
