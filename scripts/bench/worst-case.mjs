// Times expert-format (wasm) on one package: verifyPackage on this thread,
// or validateManifest on its manifest.json. Prints seconds without Node
// start-up. usage: node worst-case.mjs verify|validate PACKAGE
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, pkg] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
const lib = await import(pathToFileURL(path.join(here, '../../wasm/pkg/node.js')).href);
const bytes = fs.readFileSync(pkg);
let started, result;
if (mode === 'verify') {
  started = process.hrtime.bigint();
  const v = await lib.verifyPackage(bytes, { worker: false });
  result = { status: v.status, problem: v.problems[0]?.code ?? null };
} else {
  // The manifest is the first entry of every worst-case package.
  const tar = zlib.gunzipSync(bytes);
  const size = parseInt(tar.subarray(124, 136).toString().replace(/\0.*$/, '').trim(), 8);
  const text = tar.subarray(512, 512 + size).toString('utf8');
  started = process.hrtime.bigint();
  const r = lib.validateManifest(text);
  result = { valid: r.valid, diagnostics: r.diagnostics.length };
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ ...result, seconds }));
