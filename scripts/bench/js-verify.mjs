// Streams a package through expert-format's verifyPackage (wasm; inflate on a
// worker thread, or with `wasm-1thread` all on this one) or through a
// pure-JS peer doing the same work: gunzip with Node's zlib, walk the tar
// headers, SHA-256 every entry with @noble/hashes. Prints one JSON line.
// usage: node js-verify.mjs wasm|wasm-1thread|peer PACKAGE [NOBLE_DIR]
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The file in 1 MiB reads into one reused buffer. (fs.createReadStream
 * allocates a fresh buffer per read, and V8 frees them lazily: that adds
 * 30-50 MiB of garbage to the peak RSS that is not the verifier's.)
 */
async function* chunks(file) {
  const fh = await fs.promises.open(file);
  const buf = new Uint8Array(1 << 20);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

const [mode, pkg, nobleDir] = process.argv.slice(2);
const started = process.hrtime.bigint();
let result;
if (mode === 'wasm' || mode === 'wasm-1thread') {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const lib = await import(pathToFileURL(path.join(here, '../../wasm/pkg/node.js')).href);
  const verdict = await lib.verifyPackage(chunks(pkg), { worker: mode === 'wasm' });
  result = { status: verdict.status, files: verdict.files.length, wasmMemory: lib.wasmMemoryBytes() };
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
