// installDecision answers as `expert-cli install` does: for each case the
// CLI installs into a copy of a home, and the npm package decides from that
// home's registry and trust store; both must give the same refusal (code,
// message and hint) or both install.

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, cliJson, ef, SINGLE } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'expert-npm-install-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const p = (name) => join(dir, name);
const keys = join(dir, 'keys');

cliJson(['keygen', '-o', p('a.pem'), '--json'], { home: keys });
cliJson(['keygen', '-o', p('b.pem'), '--json'], { home: keys });

/** Packages SINGLE with `edit` applied to its manifest; returns the file's path. */
function pack(label, edit, signKey) {
  const src = p(`src-${label}`);
  cpSync(SINGLE, src, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  edit(manifest);
  writeFileSync(join(src, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const out = p(`out-${label}`);
  const sign = signKey ? ['--sign-key', p(signKey)] : [];
  cliJson(['package', src, ...sign, '--out-dir', out, '--json'], { home: keys });
  return join(out, readdirSync(out).find((f) => f.endsWith('.expert')));
}

const keyA = ef.parsePublicKey(readFileSync(p('a.pub'), 'utf8'));
const same = () => {};
const version = (v) => (m) => { m.version = v; };
const packages = {
  a: pack('a', same, 'a.pem'),
  older: pack('older', version('0.2.0'), 'a.pem'),
  newerByB: pack('newer-b', version('0.4.0'), 'b.pem'),
  respelled: pack('respelled', (m) => { m.name = 'Expert-Demo-V1'; m.version = '0.4.0'; }, 'a.pem'),
  unsigned: pack('unsigned', same, null),
  needsMissing: pack('needs', (m) => { m.name = 'needs-z'; m.constraints = { requires: ['zzz'] }; }, 'a.pem'),
  incompatible: pack('incompatible', (m) => { m.name = 'hates-demo'; m.constraints = { incompatible_with: ['expert-demo-v1'] }; }, 'a.pem'),
};

/** Set-ups of a fresh home: nothing, `a` installed (pinned to key a), key a trusted. */
const empty = () => {};
const installed = (home) => cliJson(['install', packages.a, '--allow-untrusted', '--json'], { home });
const trusting = (home) => cliJson(['trust', 'add', p('a.pub'), '--json'], { home });

const FLAG_ARGS = { allowUnsigned: '--allow-unsigned', allowUntrusted: '--allow-untrusted', allowDowngrade: '--allow-downgrade', repin: '--repin' };

/**
 * Sets up a fresh home, keeps its registry and trust store as they are,
 * then lets the CLI install `file`: returns those files and what the CLI
 * did, as installDecision states it.
 */
function cliDecision(setup, file, flags) {
  const home = mkdtempSync(join(dir, 'home-'));
  setup(home);
  const read = (name) => (existsSync(join(home, name)) ? readFileSync(join(home, name), 'utf8') : undefined);
  const files = { registry: read('expert-registry.json'), trustStore: read('trust.json') };
  const args = Object.entries(flags).flatMap(([f, v]) => (f === 'trustedKeys' ? v.flatMap((k) => ['--trusted-key', k]) : [FLAG_ARGS[f]]));
  const r = cli(['install', file, ...args, '--json'], { home });
  if (r.status === 0) return { files, did: { install: true } };
  const { error } = JSON.parse(r.stdout);
  return { files, did: { install: false, code: error.code, message: error.message, hint: error.hint } };
}

async function npmDecision(files, file, flags) {
  const report = await ef.verifyAndInspect(new Uint8Array(readFileSync(file)));
  return ef.installDecision(report, { ...files, ...flags });
}

const CASES = [
  ['a signed package by an untrusted key is refused', empty, 'a', {}],
  ['an untrusted key is accepted when allowed', empty, 'a', { allowUntrusted: true }],
  ['a key in the trust store needs no flag', trusting, 'a', {}],
  ['a key trusted for this install only needs no flag', empty, 'a', { trustedKeys: [keyA] }],
  ['a key trusted for this install only does not trust another', empty, 'newerByB', { trustedKeys: [keyA] }],
  ['an unsigned package is refused', empty, 'unsigned', {}],
  ['an unsigned package is accepted when allowed', empty, 'unsigned', { allowUnsigned: true }],
  ['an older version is a downgrade', installed, 'older', { allowUntrusted: true }],
  ['a downgrade is accepted when allowed', installed, 'older', { allowUntrusted: true, allowDowngrade: true }],
  ['another key for a pinned name is refused', installed, 'newerByB', { allowUntrusted: true }],
  ['another key is accepted with --repin', installed, 'newerByB', { allowUntrusted: true, repin: true }],
  ['another spelling of an installed name is refused', installed, 'respelled', { allowUntrusted: true }],
  ['a missing requirement is refused', installed, 'needsMissing', { allowUntrusted: true }],
  ['an expert incompatible with an installed one is refused', installed, 'incompatible', { allowUntrusted: true }],
];

const decided = new Map();
for (const [name, setup, pkg, flags] of CASES) {
  test(name, async () => {
    const { files, did } = cliDecision(setup, packages[pkg], flags);
    decided.set(name, did.code ?? 'install');
    assert.deepEqual(await npmDecision(files, packages[pkg], flags), did);
  });
}

test('the cases cover installs and refusals of every kind', () => {
  assert.equal(decided.size, CASES.length);
  assert.deepEqual([...new Set(decided.values())].sort(), ['E_DOWNGRADE', 'E_INCOMPATIBLE', 'E_KEY_CHANGED', 'E_MISSING_DEPENDENCY', 'E_NAME_CONFLICT', 'E_UNSIGNED', 'E_UNTRUSTED', 'install']);
});

test('a broken registry is an error, as the CLI refuses to install over one', async () => {
  const report = await ef.verifyAndInspect(new Uint8Array(readFileSync(packages.a)));
  assert.throws(() => ef.installDecision(report, { registry: '{"experts": 3}' }), { code: 'E_REGISTRY' });
  assert.throws(() => ef.installDecision(report, { trustStore: '[]' }), { code: 'E_TRUST_STORE' });
});

test('inputs of the wrong type are E_BAD_ARGUMENT', async () => {
  const report = await ef.verifyAndInspect(new Uint8Array(readFileSync(packages.a)));
  assert.throws(() => ef.installDecision({}), { code: 'E_BAD_ARGUMENT' });
  assert.throws(() => ef.installDecision(report, { allowUntrusted: 'yes' }), { code: 'E_BAD_ARGUMENT' });
  assert.throws(() => ef.installDecision(report, { registry: 7 }), { code: 'E_BAD_ARGUMENT' });
});
