// The TypeScript declarations, compiled with the pinned TypeScript (web/'s
// devDependencies) against the built package; and require() of the
// ES-module-only package gives an error that says what to do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKG_DIR, ROOT, tempDir } from './helpers.mjs';

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
