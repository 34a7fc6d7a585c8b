// The TypeScript declarations, compiled with the pinned TypeScript (web/'s
// devDependencies) against the built package; and require() of the
// ES-module-only package gives an error that says what to do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, ef, MULTI, PKG_DIR, readTree, ROOT, SINGLE, tempDir } from './helpers.mjs';

const TSC = join(ROOT, 'web', 'node_modules', 'typescript', 'bin', 'tsc');

/** A project with expert-format in node_modules and `source` as its one file. */
function project(t, source, patchDts) {
  const dir = tempDir(t, 'expert-npm-types-');
  mkdirSync(join(dir, 'node_modules'));
  const lib = join(dir, 'node_modules', 'expert-format');
  if (patchDts) {
    cpSync(PKG_DIR, lib, { recursive: true });
    writeFileSync(join(lib, 'index.d.ts'), patchDts(readFileSync(join(lib, 'index.d.ts'), 'utf8')));
  } else {
    symlinkSync(PKG_DIR, lib, 'dir');
  }
  writeFileSync(join(dir, 'check.ts'), source);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const compilerOptions = { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: [] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
  return dir;
}

function tsc(dir) {
  assert.ok(existsSync(TSC), `${TSC} is missing: run npm ci in web/ (scripts/test-npm.sh does it)`);
  return spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8', cwd: dir });
}

const checkTs = () => readFileSync(join(ROOT, 'wasm', 'tests', 'types', 'check.ts'), 'utf8');

test('the declarations type buildPackage by its output, and signal everywhere', (t) => {
  const r = tsc(project(t, checkTs()));
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the type check can fail: with bytes optional, as before, check.ts is refused', (t) => {
  const optional = (dts) => {
    assert.ok(dts.includes('  bytes: Uint8Array;'));
    return dts.replace('  bytes: Uint8Array;', '  bytes?: Uint8Array;');
  };
  const r = tsc(project(t, checkTs(), optional));
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /check\.ts\(11,9\): error TS2322/);
});

/**
 * What the API really returns, one value per declared result type: the
 * declarations must describe these exactly (a fresh object literal with a
 * key the interface lacks, or without one it requires, does not compile).
 */
async function realResults(t) {
  const dir = tempDir(t, 'expert-npm-shapes-');
  const home = join(dir, 'home');
  cliJson(['keygen', '-o', join(dir, 'k.pem'), '--json'], { home });
  cliJson(['package', SINGLE, '--sign-key', join(dir, 'k.pem'), '--out-dir', join(dir, 'out'), '--json'], { home });
  const pkg = readFileSync(join(dir, 'out', 'expert-demo-v1.v0.3.0.expert'));
  const manifest = readFileSync(join(MULTI, 'manifest.json'), 'utf8');
  const report = await ef.verifyAndInspect(new Uint8Array(pkg));
  const broken = await ef.verifyAndInspect(new Uint8Array(pkg.subarray(0, 100)));
  const chunks = [];
  const files = Object.fromEntries(Object.entries(readTree(SINGLE)).filter(([k]) => k !== 'manifest.json'));
  const { fileName, model, sha256, size } = await ef.buildPackage({ manifest: readFileSync(join(SINGLE, 'manifest.json')), files, output: (c) => chunks.push(c) });
  return [
    ['ValidationReport', ef.validateManifest(manifest)],
    ['ValidationReport', ef.validateManifest('{"name": 3}')],
    ['VerifyAndInspectResult', report],
    ['VerifyAndInspectResult', broken],
    ['Inspection', await ef.inspectPackage(new Uint8Array(pkg))],
    ['KeyPair', ef.generateKeyPair()],
    ['SelectedModel', ef.selectModel(manifest, ef.modelNames(manifest)[1])],
    ['BuiltPackageWritten', { fileName, model, sha256, size }],
    ['InstallDecision', ef.installDecision(report, { allowUntrusted: true })],
    ['InstallDecision', ef.installDecision(report, {})],
    ['CodeInfo', ef.codes[0]],
  ];
}

/** A TypeScript file that assigns each value, as a literal, to its declared type. */
function shapesTs(results) {
  const names = [...new Set(results.map(([type]) => type))].sort();
  const lines = results.map(([type, value], i) => `const v${i}: ${type} = ${JSON.stringify(value)};`);
  return `import type { ${names.join(', ')} } from 'expert-format';\n${lines.join('\n')}\nexport {};\n`;
}

test('the declarations describe exactly what the functions return', async (t) => {
  const r = tsc(project(t, shapesTs(await realResults(t))));
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the shape check can fail: a declared field the results lack is refused', async (t) => {
  const added = (dts) => dts.replace('export interface Inspection {', 'export interface Inspection {\n  extra: string;');
  const r = tsc(project(t, shapesTs(await realResults(t)), added));
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /Property 'extra' is missing/);
});

test('the shape check can fail: a result field the declarations lack is refused', async (t) => {
  const removed = (dts) => {
    assert.equal(dts.split('  requires: string[];\n').length, 2);
    return dts.replace('  requires: string[];\n', '');
  };
  const r = tsc(project(t, shapesTs(await realResults(t)), removed));
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /'"requires"' does not exist in type 'Inspection'/);
});

test("require('expert-format') throws an error that says to use import", (t) => {
  const dir = project(t, '');
  writeFileSync(join(dir, 'main.cjs'), "try { require('expert-format'); } catch (e) { console.log(e.code); console.log(e.message); }\n");
  const r = spawnSync(process.execPath, [join(dir, 'main.cjs')], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const [code, message] = r.stdout.split('\n');
  assert.equal(code, 'ERR_REQUIRE_ESM');
  assert.match(message, /ES module/);
  assert.match(message, /await import\('expert-format'\)/);
});

test('package.json names the repository and the API docs; the README links to them', () => {
  const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
  assert.match(pkg.repository.url, /^git\+https:\/\/.+\.git$/);
  assert.match(pkg.homepage, /^https:\/\/.+\/docs\/JS-API\.md$/);
  const readme = readFileSync(join(PKG_DIR, 'README.md'), 'utf8');
  assert.ok(readme.includes(`](${pkg.homepage})`), 'the README links to the API docs');
  assert.match(readme, /ES module only/);
  assert.doesNotMatch(readme, /@REPOSITORY@/);
});
