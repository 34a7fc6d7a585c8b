// @ts-check
// The files buildPackage packages, as the core's FileSet: a Node
// FileHandle, or a Blob in a Web Worker, is read a piece at a time while
// the core packs it (a multi-GB weight file never sits whole in memory);
// anything else is read whole first.

import * as core from './expert_wasm.js';
import { fail, throwIfAborted } from './errors.js';
import { made, recover, release } from './instance.js';
import { platform } from './platform.js';
import { isBlob } from './source.js';

/**
 * @param {string} path
 * @param {unknown} data
 * @returns {Promise<Uint8Array>}
 */
async function fileBytes(path, data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (isBlob(data)) return new Uint8Array(await data.arrayBuffer());
  throw fail('E_BAD_ARGUMENT', `files[${JSON.stringify(path)}] must be a Uint8Array, ArrayBuffer, Blob or (in Node) FileHandle`);
}

/**
 * How buildPackage reads `data` a piece at a time, or null if it must read
 * it whole: a Node FileHandle with fs.readSync, or a Blob with
 * FileReaderSync (Web Workers only). The reader returns what it read; the
 * core refuses a short read (the file changed).
 */
/**
 * @typedef {{ size: number, read(offset: number, length: number): Uint8Array }} SliceReader
 */

/**
 * @param {unknown} data
 * @returns {SliceReader | null}
 */
function sliceReader(data) {
  const nodeFs = platform.fs;
  if (nodeFs && isFileHandle(data)) {
    return {
      size: nodeFs.fstatSync(data.fd).size,
      read(offset, length) {
        const buf = new Uint8Array(length);
        const n = nodeFs.readSync(data.fd, buf, 0, length, offset);
        return buf.subarray(0, n);
      },
    };
  }
  if (isBlob(data) && typeof FileReaderSync === 'function') {
    const reader = new FileReaderSync();
    return { size: data.size, read: (offset, length) => new Uint8Array(reader.readAsArrayBuffer(data.slice(offset, offset + length))) };
  }
  return null;
}

/** A Node `fs.promises.FileHandle`. */
/**
 * @param {any} x
 * @returns {x is { fd: number }}
 */
function isFileHandle(x) {
  return x !== null && typeof x === 'object' && typeof x.fd === 'number' && typeof x.stat === 'function' && typeof x.read === 'function';
}

/**
 * The FileSet of `files` (relative paths to contents, an object or a Map);
 * an abort of `signal` is seen at each file read whole and each piece read.
 * @param {any} files the caller's, checked here
 * @param {AbortSignal} [signal]
 */
export async function fileSet(files, signal) {
  if (files === null || typeof files !== 'object') throw fail('E_BAD_ARGUMENT', 'files must map relative paths to Uint8Array contents');
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
  const set = made(new core.FileSet());
  const readers = new Map();
  try {
    for (const [path, data] of entries) {
      if (typeof path !== 'string') throw fail('E_BAD_ARGUMENT', 'file paths must be strings');
      const reader = sliceReader(data);
      if (reader) {
        readers.set(path, reader);
        set.addLazy(path, reader.size);
      } else {
        set.add(path, await fileBytes(path, data));
        throwIfAborted(signal);
      }
    }
    set.setReader((/** @type {string} */ path, /** @type {number} */ offset, /** @type {number} */ length) => {
      throwIfAborted(signal);
      return readers.get(path).read(offset, length);
    });
  } catch (e) {
    const err = recover(e);
    release(set);
    throw err;
  }
  return set;
}
