// The package as npm ships it: package.json, import by name, the files npm
// packs, the declarations, and the browser loading path (fetch relative to
// import.meta.url).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { test } from 'node:test';
import { ef, MULTI, PKG_DIR } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'expert-npm-package-'));
// Also on a crash during setup.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
/** Exported values other than functions. */
const VALUES = ['codes'];
const API = [
  'buildPackage',
  'createVerifier',
  'generateKeyPair',
  'inspectPackage',
  'installDecision',
  'keyId',
  'modelNames',
  'packageFileName',
  'parsePublicKey',
  'parseTimestamp',
  'selectModel',
  'sidecar',
  'validateManifest',
  'verifyAndInspect',
  'verifyPackage',
  'wasmMemoryBytes',
];

test('package.json describes an ES module with types', () => {
  assert.equal(pkg.name, 'expert-format');
  assert.equal(pkg.type, 'module');
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.equal(pkg.types, './index.d.ts');
  assert.deepEqual(pkg.exports['.'], { types: './index.d.ts', require: './require.cjs', node: './node.js', browser: './index.js', default: './index.js' });
  for (const f of ['index.js', 'node.js', 'index.d.ts', 'expert_wasm.js', 'expert_wasm_bg.wasm']) assert.ok(pkg.files.includes(f), f);
  for (const f of pkg.files) assert.ok(existsSync(join(PKG_DIR, f)), f);
});

test('the module exports exactly the documented API, and the declarations match', () => {
  // `__testing` is the tests' hidden way to make the module fail on purpose.
  assert.deepEqual(Object.keys(ef).filter((k) => k !== '__testing').sort(), [...API, ...VALUES].sort());
  const dts = readFileSync(join(PKG_DIR, 'index.d.ts'), 'utf8');
  const declared = [...new Set([...dts.matchAll(/^export function (\w+)/gm)].map((m) => m[1]))].sort();
  assert.deepEqual(declared, API);
  const values = [...dts.matchAll(/^export declare const (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(values, VALUES);
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  assert.doesNotMatch(code, /\bany\b/, 'no `any` in the declarations');
  assert.doesNotMatch(code, /\bunknown\b/, 'no `unknown` results either');
});

test('`import ... from "expert-format"` resolves through exports', () => {
  const app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(PKG_DIR, join(app, 'node_modules', 'expert-format'), 'dir');
  writeFileSync(
    join(app, 'main.mjs'),
    `import { validateManifest, packageFileName } from 'expert-format';
     import { readFileSync } from 'node:fs';
     const text = readFileSync(${JSON.stringify(join(MULTI, 'manifest.json'))}, 'utf8');
     console.log(JSON.stringify([validateManifest(text).valid, packageFileName(text, 'qwen3-1.7b')]));`,
  );
  const r = spawnSync(process.execPath, [join(app, 'main.mjs')], { encoding: 'utf8', cwd: app });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [true, 'expert-demo-qwen3-1-7b.v1.2.0.expert']);
});

test('npm packs the files the package needs', { skip: spawnSync('npm', ['--version']).status !== 0 && 'npm is not installed' }, () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PKG_DIR, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [info] = JSON.parse(r.stdout);
  assert.equal(info.name, 'expert-format');
  const packed = info.files.map((f) => f.path).sort();
  assert.deepEqual(packed, [...new Set([...pkg.files, 'package.json'])].sort());
});

// Node 20 can import modules over loopback http, which runs the wrapper's
// browser path: it fetches the .wasm relative to import.meta.url.
const networkImports = process.allowedNodeEnvironmentFlags.has('--experimental-network-imports');
test('over http the wrapper fetches the .wasm next to index.js', { skip: !networkImports && 'this Node has no --experimental-network-imports' }, async (t) => {
  // The package sits under /lib/, so the .wasm URL must be relative to index.js.
  const site = join(dir, 'site');
  mkdirSync(site, { recursive: true });
  symlinkSync(PKG_DIR, join(site, 'lib'), 'dir');
  const served = [];
  const server = http.createServer((req, res) => {
    served.push(req.url);
    const file = normalize(join(site, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!file.startsWith(site) || !existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${server.address().port}/lib/index.js`;
  const script = `const ef = await import(${JSON.stringify(url)}); console.log(JSON.stringify(ef.validateManifest('{}')));`;
  const r = await run(process.execPath, ['--experimental-network-imports', '--no-warnings', '--input-type=module', '-e', script]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).valid, false);
  // Modules load in parallel; the .wasm comes last, once they are linked.
  // The browser entry: no node: module among them.
  const modules = ['api-exports', 'api', 'build-files', 'build-output', 'codes', 'errors', 'expert_wasm', 'helpers', 'index', 'install', 'instance', 'platform-browser', 'platform', 'source', 'verify-in-worker'];
  assert.deepEqual(served.slice(0, -1).sort(), modules.map((m) => `/lib/${m}.js`).sort());
  assert.equal(served.at(-1), '/lib/expert_wasm_bg.wasm');
});

/** Runs a process without blocking this one's event loop (the server lives here). */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
