// Streams a package through expert-format's createVerifier (wasm) or through
// a pure-JS peer doing the same work: gunzip with Node's zlib, walk the tar
// headers, SHA-256 every entry with @noble/hashes. Prints one JSON line.
// usage: node js-verify.mjs wasm|peer PACKAGE [NOBLE_DIR]
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, pkg, nobleDir] = process.argv.slice(2);
const started = process.hrtime.bigint();
let result;
if (mode === 'wasm') {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const lib = await import(pathToFileURL(path.join(here, '../../wasm/pkg/index.js')).href);
  const v = lib.createVerifier({ trustedKeys: [] });
  for await (const chunk of fs.createReadStream(pkg, { highWaterMark: 1 << 20 })) v.update(chunk);
  const verdict = v.finish();
  result = { status: verdict.status, files: verdict.files.length, wasmMemory: lib.wasmMemoryBytes ? lib.wasmMemoryBytes() : null };
} else {
  const { sha256 } = await import(pathToFileURL(path.join(nobleDir, 'node_modules/@noble/hashes/sha2.js')).href);
  let buf = Buffer.alloc(0), left = 0, pad = 0, hasher = null, files = 0, done = false;
  const gunzip = fs.createReadStream(pkg, { highWaterMark: 1 << 20 }).pipe(zlib.createGunzip());
  for await (let chunk of gunzip) {
    while (chunk.length && !done) {
      if (left > 0) {
        const n = Math.min(left, chunk.length);
        hasher.update(chunk.subarray(0, n));
        left -= n; chunk = chunk.subarray(n);
        if (left === 0) { hasher.digest(); files++; }
      } else if (pad > 0) {
        const n = Math.min(pad, chunk.length); pad -= n; chunk = chunk.subarray(n);
      } else {
        const need = 512 - buf.length;
        buf = Buffer.concat([buf, chunk.subarray(0, need)]); chunk = chunk.subarray(need);
        if (buf.length < 512) break;
        if (buf.every((b) => b === 0)) { done = true; break; }
        const size = parseInt(buf.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim(), 8);
        buf = Buffer.alloc(0);
        hasher = sha256.create(); left = size; pad = (512 - (size % 512)) % 512;
        if (size === 0) { hasher.digest(); files++; }
      }
    }
  }
  result = { status: 'hashed', files };
}
result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify(result));
