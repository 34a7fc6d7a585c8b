// @ts-check
// expert-format's API, the same for every platform: it turns Blobs and
// streams into bounded chunks and gives the Rust bindings their randomness
// and clock. Every format decision is made in Rust, by the same code as
// expert-cli. The entry points (index.js for browsers, node.js for Node)
// choose the platform and load the module before anything here runs.

import initWasm, * as core from './expert_wasm.js';
import { verifyInWorker } from './verify-in-worker.js';
import { asChunk, isBlob, openSource, split } from './source.js';
import { checkSignal, fail, throwIfAborted } from './errors.js';
import { guard, made, recover, release } from './instance.js';
import { platform } from './platform.js';
import { epochSeconds, manifestBytes } from './helpers.js';
import { fileSet } from './build-files.js';
import { packageOutput } from './build-output.js';

const WASM_URL = new URL('./expert_wasm_bg.wasm', import.meta.url);

/** @type {WebAssembly.Module | null} The compiled module, which verifyPackage hands to its inflate worker. */
let compiled = null;

/** @type {Promise<void> | null} Compiles and starts the module (the entry points call it once, with top-level await). */
let loading = null;
export function load() {
  loading ??= (async () => {
    compiled = await platform.compileWasm(WASM_URL);
    await initWasm({ module_or_path: compiled });
  })();
  return loading;
}

/** Smaller in-memory packages are verified on this thread: a worker costs more to start. */
const WORKER_MIN_BYTES = 8 << 20;

const encoder = new TextEncoder();

/**
 * @param {any} options the caller's, checked here
 * @returns {string[]}
 */
export function trustedKeyList(options) {
  if (options === undefined || options === null) return [];
  if (typeof options !== 'object') throw fail('E_BAD_ARGUMENT', 'options must be an object');
  const keys = options.trustedKeys ?? [];
  if (!Array.isArray(keys)) throw fail('E_BAD_ARGUMENT', 'trustedKeys must be an array of "ed25519:<hex>" strings');
  keys.forEach((k, i) => {
    if (typeof k !== 'string') throw fail('E_KEY_FORMAT', `trustedKeys[${i}] must be a string of the form ed25519:<64 hex digits>`);
  });
  return keys;
}

/** `expert-cli validate --json` for manifest text. */
/** @param {string | Uint8Array} text */
export function validateManifest(text) {
  return guard(() => core.validateManifest(manifestBytes(text, 'text')));
}

/** Streams a package through the verifier; the result is `verify --json`. */
/** @param {any} [options] the caller's, checked here */
export function createVerifier(options) {
  /** @type {import('./expert_wasm.js').Verifier | null} */
  let inner = guard(() => made(new core.Verifier(trustedKeyList(options))));
  const live = () => {
    if (inner === null) throw fail('E_VERIFIER_FINISHED', 'this verifier has already finished');
    return inner;
  };
  return {
    /** @param {Uint8Array | ArrayBuffer} chunk */
    update(chunk) {
      const v = live();
      guard(() => {
        for (const part of split(asChunk(chunk))) v.update(part);
      });
    },
    finish() {
      const v = live();
      inner = null;
      return guard(() => v.finish().verdict);
    },
  };
}

/**
 * Pushes every chunk into a wasm reader; frees it if reading fails or
 * `signal` aborts before the end.
 * @param {{ update(chunk: Uint8Array): void, finish(): any, free(): void }} reader
 * @param {AsyncIterable<Uint8Array>} chunks
 * @param {AbortSignal} [signal]
 */
async function feed(reader, chunks, signal) {
  try {
    for await (const chunk of chunks) reader.update(chunk);
    throwIfAborted(signal);
  } catch (e) {
    const err = recover(e);
    release(reader);
    throw err;
  }
  return guard(() => reader.finish());
}

/** Whether a worker thread (Node) or a Web Worker can be started here. */
function workersAvailable() {
  return platform.workersAvailable();
}

/**
 * Whether to inflate on a worker: for packages of 8 MiB or more (by
 * `size` if given, else the source's own size; a stream's is unknown, so
 * yes), unless `worker` says otherwise.
 */
/**
 * @param {unknown} source
 * @param {any} options the caller's, checked here
 */
function useWorker(source, options) {
  const choice = options?.worker;
  if (choice !== undefined && typeof choice !== 'boolean') throw fail('E_BAD_ARGUMENT', 'worker must be true, false or absent');
  const size = options?.size;
  if (size !== undefined && (typeof size !== 'number' || !(size >= 0))) throw fail('E_BAD_ARGUMENT', 'size must be a number of bytes or absent');
  if (!workersAvailable() || choice === false) return false;
  if (choice === true) return true;
  const known = size ?? (source instanceof Uint8Array || source instanceof ArrayBuffer ? source.byteLength : isBlob(source) ? source.size : Infinity);
  return known >= WORKER_MIN_BYTES;
}

/**
 * One pass over a package: `{verdict, inspection, inspectError}`, where
 * `verdict` is `verify --json` and `inspection` is `inspect --json` (or
 * null, with `inspectError` `{code, message}`, for a malformed package).
 * Never throws for a bad package.
 */
/**
 * @param {unknown} source
 * @param {any} [options] the caller's, checked here
 */
export async function verifyAndInspect(source, options) {
  try {
    return await verifyAndInspectOnce(source, options);
  } catch (e) {
    throw recover(e);
  }
}

/**
 * @param {unknown} source
 * @param {any} [options]
 */
async function verifyAndInspectOnce(source, options) {
  const keys = trustedKeyList(options);
  const signal = checkSignal(options?.signal);
  const worker = useWorker(source, options);
  throwIfAborted(signal);
  // Opened before the worker starts: the source's errors are heard at once.
  const src = openSource(source, signal);
  try {
    if (worker) {
      // null: the worker could not start; nothing was read yet.
      const report = await verifyInWorker(src.chunks, keys, /** @type {WebAssembly.Module} set by load() */ (compiled), signal);
      if (report !== null) return report;
    }
    return await feed(made(new core.Verifier(keys)), src.chunks, signal);
  } finally {
    src.close();
  }
}

/** Never throws for a bad package: its verdict has status "invalid". */
/**
 * @param {unknown} source
 * @param {any} [options] the caller's, checked here
 */
export async function verifyPackage(source, options) {
  return (await verifyAndInspect(source, options)).verdict;
}

/** `expert-cli inspect --json`; throws an Error with `code` for a malformed package. */
/**
 * @param {unknown} source
 * @param {any} [options] the caller's, checked here
 */
export async function inspectPackage(source, options) {
  if (options !== undefined && options !== null && typeof options !== 'object') throw fail('E_BAD_ARGUMENT', 'options must be an object');
  const signal = checkSignal(options?.signal);
  throwIfAborted(signal);
  const src = openSource(source, signal);
  try {
    return await feed(guard(() => made(new core.Inspector())), src.chunks, signal);
  } finally {
    src.close();
  }
}

/**
 * @param {unknown} key
 * @returns {Uint8Array | undefined}
 */
function signingKeyBytes(key) {
  if (key === undefined || key === null) return undefined;
  if (typeof key === 'string') return encoder.encode(key);
  if (key instanceof Uint8Array) return key;
  if (key instanceof ArrayBuffer) return new Uint8Array(key);
  throw fail('E_KEY_FORMAT', 'signingKey must be PKCS#8 PEM text (plain or encrypted) or the raw 32-byte Ed25519 key');
}

/**
 * Builds a package exactly as `expert-cli package` does: createdAt plays
 * SOURCE_DATE_EPOCH (it sets the entry times and the signature time).
 */
/** @param {any} options the caller's, checked here */
export async function buildPackage(options) {
  try {
    return await buildPackageOnce(options);
  } catch (e) {
    throw recover(e);
  }
}

/** @param {any} options */
async function buildPackageOnce(options) {
  const args = buildArguments(options);
  const { signal } = args;
  const set = await fileSet(args.files, signal);
  const output = packageOutput(args.output);
  // Packaging runs here without yielding: an abort is seen at each piece
  // read or written (from an output function that aborts, say), else after.
  /** @param {Uint8Array<ArrayBuffer>} chunk */
  const write = (chunk) => {
    throwIfAborted(signal);
    output.sink(chunk);
  };
  const progress = progressReporter(args.onProgress);
  let out;
  try {
    out = core.buildPackage(args.manifest, set, args.model ?? undefined, args.key, args.publisher ?? undefined, args.created, write, progress.report, args.passphrase ?? undefined);
  } catch (e) {
    throwIfAborted(signal);
    throw e;
  }
  throwIfAborted(signal);
  if (progress.error) throw progress.error;
  return output.result(out);
}

/**
 * buildPackage's options, checked, with the manifest and key as bytes and
 * createdAt as seconds; `files` is checked by fileSet.
 * @param {any} options the caller's
 */
function buildArguments(options) {
  if (options === null || typeof options !== 'object') throw fail('E_BAD_ARGUMENT', 'buildPackage needs an options object');
  const { manifest, files, model, signingKey, signingKeyPassphrase, publisher, createdAt, output = 'bytes', onProgress } = options;
  const signal = checkSignal(options.signal);
  throwIfAborted(signal);
  const manifestData = manifestBytes(manifest);
  if (model !== undefined && model !== null && typeof model !== 'string') throw fail('E_BAD_ARGUMENT', 'model must be a string');
  if (publisher !== undefined && publisher !== null && typeof publisher !== 'string') throw fail('E_BAD_ARGUMENT', 'publisher must be a string');
  if (output !== 'bytes' && output !== 'blob' && typeof output !== 'function') throw fail('E_BAD_ARGUMENT', 'output must be "bytes", "blob" or a function taking each chunk');
  if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') throw fail('E_BAD_ARGUMENT', 'onProgress must be a function (done, total)');
  const key = signingKeyBytes(signingKey);
  const created = createdAt === undefined || createdAt === null ? undefined : epochSeconds(createdAt);
  return { manifest: manifestData, files, model, key, passphrase: signingKeyPassphrase, publisher, created, output, onProgress, signal };
}

/**
 * The caller's onProgress as the core calls it. The core ignores what the
 * callback throws: the first error is kept, and thrown once packaging ends.
 * @param {((done: number, total: number) => void) | null | undefined} onProgress
 */
function progressReporter(onProgress) {
  /** @type {{ error: any, report: ((done: number, total: number) => void) | undefined }} */
  const reporter = { error: null, report: undefined };
  if (onProgress) {
    reporter.report = (done, total) => {
      try {
        onProgress(done, total);
      } catch (e) {
        reporter.error ??= e;
      }
    };
  }
  return reporter;
}

/** A new Ed25519 key pair from crypto.getRandomValues. */
export function generateKeyPair() {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  try {
    return guard(() => core.keyPairFromSeed(seed));
  } finally {
    seed.fill(0);
  }
}

/** The base model that `query` names, as `package --model` chooses it. */
/**
 * @param {string | Uint8Array} manifestText
 * @param {string} query
 */
export function selectModel(manifestText, query) {
  if (typeof query !== 'string') throw fail('E_BAD_ARGUMENT', 'query must be a string');
  return guard(() => core.selectModel(manifestBytes(manifestText, 'manifestText'), query));
}

/** The file name `expert-cli package` gives the package for `model`. */
/**
 * @param {string | Uint8Array} manifestText
 * @param {string} [model]
 */
export function packageFileName(manifestText, model) {
  if (model !== undefined && model !== null && typeof model !== 'string') throw fail('E_BAD_ARGUMENT', 'model must be a string');
  return guard(() => core.packageFileName(manifestBytes(manifestText, 'manifestText'), model ?? undefined));
}

/** Current size of the WebAssembly memory in bytes (it only grows). */
export function wasmMemoryBytes() {
  // The current instance's: initSync returns it once the module runs.
  return core.initSync({ module: compiled }).memory.buffer.byteLength;
}

/**
 * Not API: deliberate failures of the module, for its own tests (a panic
 * with a message, a trap, and how many this instance has seen).
 */
export const __testing = {
  panic: (/** @type {string} */ message) => guard(() => core.__testPanic(message)),
  trap: () => guard(() => core.__testTrap()),
  failures: () => guard(() => core.__testFailures()),
};
