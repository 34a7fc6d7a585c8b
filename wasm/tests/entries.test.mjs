// The two entry points: index.js (browsers, bundlers' browser builds) reaches
// no `node:` module, through imports or the workers it starts; node.js is
// what Node gets for `import 'expert-format'`; both export the same API.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKG_DIR, tempDir } from './helpers.mjs';

/** Every module specifier in `source`: static and dynamic imports, re-exports and `new URL(x, import.meta.url)`. */
function specifiers(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [];
  for (const re of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g]) {
    for (const m of code.matchAll(re)) found.push(m[1]);
  }
  // A URL relative to the module, with or without "./".
  for (const m of code.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g)) found.push(m[1].startsWith('./') ? m[1] : `./${m[1]}`);
  return found;
}

/** The files and bare specifiers reachable from `entry` in `dir`. */
function reachable(dir, entry) {
  const files = new Set();
  const bare = new Set();
  const walk = (file) => {
    if (files.has(file)) return;
    files.add(file);
    if (!file.endsWith('.js')) return;
    for (const spec of specifiers(readFileSync(join(dir, file), 'utf8'))) {
      if (spec.startsWith('./')) walk(spec.slice(2));
      else bare.add(spec);
    }
  };
  walk(entry);
  return { files: [...files].sort(), bare: [...bare].sort() };
}

test('nothing reachable from index.js imports a node: module', () => {
  const { files, bare } = reachable(PKG_DIR, 'index.js');
  assert.deepEqual(bare, [], `bare specifiers: ${bare}`);
  assert.ok(files.includes('inflate-worker.js') && files.includes('expert_wasm_bg.wasm'), `the worker and the .wasm are found by new URL(): ${files}`);
  assert.ok(!files.some((f) => /(^|-)node\.js$/.test(f)), String(files));
});

test('the walk can fail: node.js reaches node: modules', () => {
  const { bare, files } = reachable(PKG_DIR, 'node.js');
  assert.ok(bare.includes('node:fs') && bare.includes('node:worker_threads'), String(bare));
  assert.ok(files.includes('inflate-worker-node.js'));
});

test('both entries export the same API; Node resolves the package to node.js', (t) => {
  for (const entry of ['index.js', 'node.js']) {
    assert.match(readFileSync(join(PKG_DIR, entry), 'utf8'), /^export \* from '\.\/api-exports\.js';$/m, entry);
  }
  const dir = tempDir(t, 'expert-npm-entries-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(PKG_DIR, join(dir, 'node_modules', 'expert-format'), 'dir');
  writeFileSync(
    join(dir, 'main.mjs'),
    `const byName = await import('expert-format');
     const node = await import(${JSON.stringify(join(PKG_DIR, 'node.js'))});
     console.log(JSON.stringify([Object.keys(byName).length, byName.verifyPackage === node.verifyPackage, byName === node]));`,
  );
  const r = spawnSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  // The API's sixteen functions, the tests' hidden __testing, and the codes list.
  assert.deepEqual(JSON.parse(r.stdout), [18, true, true]);
});
