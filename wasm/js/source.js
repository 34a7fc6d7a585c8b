// @ts-check
// Package sources as chunks of at most 1 MiB, whatever the caller passed:
// bytes, a Blob, a web ReadableStream or an async iterable (a Node stream).
// A source is opened at once, before any worker starts, so that its errors
// are heard from the first moment: an error of the source, or an abort of
// the caller's signal, rejects the read in progress and stops the source.

import { abortError, fail } from './errors.js';

/** Largest chunk handed to wasm at once, so its memory stays small. */
export const MAX_CHUNK = 1 << 20;

/**
 * @param {unknown} x
 * @returns {x is Blob}
 */
export function isBlob(x) {
  return typeof Blob === 'function' && x instanceof Blob;
}

/**
 * @param {any} x
 * @returns {x is ReadableStream<unknown>}
 */
function isReadableStream(x) {
  return x !== null && typeof x === 'object' && typeof x.getReader === 'function';
}

/**
 * @param {any} x
 * @returns {x is AsyncIterable<unknown>}
 */
function isAsyncIterable(x) {
  return x !== null && typeof x === 'object' && typeof x[Symbol.asyncIterator] === 'function';
}

/** A Node stream or another EventEmitter, which throws on an unheard 'error'. */
/**
 * @typedef {{ on(event: string, listener: (error: unknown) => void): unknown, emit: Function, destroy?: () => void }} Emitter
 */

/**
 * @param {any} x
 * @returns {x is Emitter}
 */
function isEmitter(x) {
  return typeof x.on === 'function' && typeof x.emit === 'function';
}

/**
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function asChunk(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw fail('E_BAD_SOURCE', 'a package stream must yield Uint8Array chunks');
}

/**
 * @param {Uint8Array} bytes
 * @returns {Generator<Uint8Array>}
 */
export function* split(bytes) {
  for (let i = 0; i < bytes.length; i += MAX_CHUNK) yield bytes.subarray(i, i + MAX_CHUNK);
}

/**
 * `{pull(): Promise<{done, value}>, stop()}` over the source, or throws E_BAD_SOURCE.
 * @param {any} source
 * @param {(error: unknown) => void} onError
 * @returns {{ pull(): Promise<IteratorResult<unknown>>, stop(): void }}
 */
function puller(source, onError) {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (source instanceof Uint8Array) {
    const it = split(source);
    return { pull: async () => it.next(), stop() {} };
  }
  if (isBlob(source)) source = source.stream();
  if (isReadableStream(source)) {
    const reader = source.getReader();
    return { pull: () => reader.read(), stop: () => reader.cancel().catch(() => {}) };
  }
  if (isAsyncIterable(source)) {
    // A Node stream emits 'error' at once (a missing file), before anyone
    // reads; unheard, that would end the process. Heard from now on, for good.
    const emitter = isEmitter(source) ? source : null;
    if (emitter) emitter.on('error', onError);
    const it = source[Symbol.asyncIterator]();
    const stop = emitter && typeof emitter.destroy === 'function' ? () => emitter.destroy?.() : () => Promise.resolve(it.return?.()).catch(() => {});
    return { pull: () => it.next(), stop };
  }
  throw fail('E_BAD_SOURCE', 'the package must be a Uint8Array, ArrayBuffer, Blob, ReadableStream or async iterable of Uint8Array');
}

/**
 * Opens `source`: `{chunks, close()}`. `chunks` is an async iterable of
 * Uint8Array (at most MAX_CHUNK each) that rejects with the source's own
 * error or, once `signal` aborts, with an AbortError. `close()` stops the
 * source if it was not read to its end; call it in every case.
 * @param {unknown} source
 * @param {AbortSignal} [signal]
 * @returns {{ chunks: AsyncGenerator<Uint8Array>, close(): void }}
 */
export function openSource(source, signal) {
  /** @type {(error: unknown) => void} */
  let failWith;
  const failure = new Promise((_, reject) => (failWith = reject));
  failure.catch(() => {});
  const { pull, stop } = puller(source, (e) => failWith(e));
  const onAbort = () => failWith(abortError(signal));
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', onAbort);
    if (!finished) stop();
  };
  async function* chunks() {
    try {
      for (;;) {
        if (signal?.aborted) throw abortError(signal);
        // The source's error or an abort wins over a read that never ends.
        const r = await Promise.race([pull(), failure]);
        if (r.done) break;
        yield* split(asChunk(r.value));
      }
      finished = true;
    } finally {
      close();
    }
  }
  return { chunks: chunks(), close };
}
