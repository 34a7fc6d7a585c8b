// The npm package's `codes` list and the `Code` union of index.d.ts, both
// generated from expert-core's Code enum (core/tests/codes.rs checks they
// match it), and the codes this package actually throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ef } from './helpers.mjs';

const pkg = new URL('../pkg/', import.meta.url);
const read = (name) => readFileSync(new URL(name, pkg), 'utf8');

test('codes lists every code once, with an exit status and a meaning', () => {
  assert.ok(Array.isArray(ef.codes) && ef.codes.length > 100);
  assert.ok(Object.isFrozen(ef.codes));
  const seen = new Set();
  for (const c of ef.codes) {
    assert.match(c.code, /^[EW]_[A-Z0-9_]+$/);
    assert.ok(!seen.has(c.code), `${c.code} twice`);
    seen.add(c.code);
    assert.ok([1, 2, 3, 4, 5, 6, 11, 12].includes(c.exit), `${c.code}: exit ${c.exit}`);
    assert.equal(typeof c.meaning, 'string');
    assert.ok(c.meaning.length > 0 && !c.meaning.includes('\n'));
  }
  for (const c of ['E_BAD_ARGUMENT', 'E_BAD_SOURCE', 'E_VERIFIER_FINISHED', 'E_WORKER', 'E_MANIFEST_MISSING', 'E_SIGNATURE_INVALID']) {
    assert.ok(seen.has(c), c);
  }
  assert.equal(ef.codes.find((c) => c.code === 'E_MANIFEST_INVALID').exit, 11);
});

test('index.d.ts types code as the union of the listed codes', () => {
  const dts = read('index.d.ts');
  const region = dts.slice(dts.indexOf('// codes:begin'), dts.indexOf('// codes:end'));
  const start = region.indexOf('export type Code =');
  const union = region.slice(start, region.indexOf(';', start));
  const names = [...union.matchAll(/"([EW]_[A-Z0-9_]+)"/g)].map((m) => m[1]);
  assert.deepEqual(names, ef.codes.map((c) => c.code));
  assert.match(dts, /export interface ExpertError extends Error \{\n  code: Code;/);
  assert.match(dts, /export declare const codes: readonly CodeInfo\[\];/);
});

test('errors this package throws carry listed codes', async () => {
  const known = new Set(ef.codes.map((c) => c.code));
  const thrown = [];
  const grab = async (f) => {
    try {
      await f();
    } catch (e) {
      thrown.push(e.code);
    }
  };
  await grab(() => ef.validateManifest(42));
  await grab(() => ef.verifyPackage(42));
  await grab(() => ef.verifyPackage(new Uint8Array(4), { trustedKeys: ['ed25519:00'] }));
  await grab(() => ef.selectModel('{', 'x'));
  assert.equal(thrown.length, 4);
  for (const c of thrown) assert.ok(known.has(c), c);
  const v = await ef.verifyPackage(new Uint8Array(10));
  for (const p of v.problems) assert.ok(known.has(p.code), p.code);
});
