// validateManifest: the corpus is valid, broken manifests give the right
// finding, and every answer deep-equals `expert-cli validate --json`.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliJson, ef, MULTI, ROOT } from './helpers.mjs';

const CORPUS = join(ROOT, 'tests', 'fixtures', 'corpus');
const INVALID = join(ROOT, 'tests', 'fixtures', 'invalid-manifests');

function corpusManifests() {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.startsWith('manifest.json')) out.push(p);
    }
  };
  walk(join(CORPUS, 'real-experts'));
  for (const name of ['manifest_v1.json', 'manifest_v2.json', 'example-expert-complete.json']) {
    out.push(join(CORPUS, 'upstream-fixtures', name));
  }
  return out;
}

const manifests = corpusManifests();

test('the corpus has the manifests this test expects', () => {
  assert.ok(manifests.length >= 30, `found ${manifests.length}`);
});

test('every corpus manifest is valid and equals the CLI report', () => {
  for (const file of manifests) {
    const text = readFileSync(file, 'utf8');
    const report = ef.validateManifest(text);
    const where = file.slice(ROOT.length + 1);
    assert.equal(report.valid, true, `${where}: ${JSON.stringify(report.diagnostics)}`);
    assert.ok(report.schema_version === '1.0' || report.schema_version === '2.0', where);
    assert.deepEqual(report, cliJson(['validate', file, '--json']), where);
  }
});

test('bytes and text give the same report', () => {
  const bytes = new Uint8Array(readFileSync(join(MULTI, 'manifest.json')));
  assert.deepEqual(ef.validateManifest(bytes), ef.validateManifest(new TextDecoder().decode(bytes)));
});

test('each invalid manifest gives its code, path and line, as the CLI does', () => {
  const expected = JSON.parse(readFileSync(join(INVALID, 'expected.json'), 'utf8'));
  assert.ok(Object.keys(expected).length >= 10);
  for (const [name, want] of Object.entries(expected)) {
    const file = join(INVALID, name);
    const report = ef.validateManifest(readFileSync(file, 'utf8'));
    assert.equal(report.valid, false, name);
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, `${name}: ${JSON.stringify(errors)}`);
    assert.equal(errors[0].code, want.code, name);
    assert.equal(errors[0].path, want.path, name);
    assert.equal(errors[0].line, want.line, name);
    assert.equal(typeof errors[0].column, 'number', name);
    assert.deepEqual(report, cliJson(['validate', file, '--json'], {}, [11]), name);
  }
});

test('a broken manifest reports the position of the syntax error', () => {
  const report = ef.validateManifest('{\n  "name": "x",\n  "version": \n}\n');
  assert.equal(report.valid, false);
  assert.equal(report.schema_version, null);
  const [d] = report.diagnostics;
  assert.equal(d.code, 'E_JSON_SYNTAX');
  assert.equal(d.severity, 'error');
  assert.equal(d.line, 4);
  assert.equal(d.column, 1);
});

test('a byte order mark and invalid UTF-8 are findings, not exceptions', () => {
  const bom = ef.validateManifest(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]));
  assert.equal(bom.diagnostics[0].code, 'E_JSON_BOM');
  const utf8 = ef.validateManifest(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]));
  assert.equal(utf8.diagnostics[0].code, 'E_JSON_UTF8');
});

test('validateManifest refuses arguments that are not text', () => {
  assert.throws(() => ef.validateManifest(42), (e) => e instanceof Error && e.code === 'E_BAD_ARGUMENT');
  assert.throws(() => ef.validateManifest({}), (e) => e.code === 'E_BAD_ARGUMENT');
});
