// @ts-check
// After a panic or a trap the WebAssembly instance is left mid-call (its
// stack, allocator and locks as they were): it is replaced by a fresh one
// from the same compiled module before anything else runs in it. Objects
// made by the old instance (a Verifier of another call still running) are
// then stale: their methods throw, and `release` skips freeing them, since
// their pointers mean nothing to the new instance.

import * as core from './expert_wasm.js';
import { fail } from './errors.js';

let generation = 0;
const BORN = Symbol('instance generation');
const RECOVERED = Symbol('instance replaced');

/**
 * A wasm-bindgen object: it has `free()`, and a mark of its instance here.
 * @typedef {{ free(): void, [BORN]?: number }} WasmObject
 */

/**
 * Marks a wasm object with the instance that made it.
 * @template {{ free(): void }} T
 * @param {T} obj
 * @returns {T}
 */
export function made(obj) {
  /** @type {WasmObject} */ (obj)[BORN] = generation;
  return obj;
}

/** Frees a wasm object made by the current instance; a stale one is dropped. */
/** @param {WasmObject} obj */
export function release(obj) {
  if (obj[BORN] === generation) obj.free();
}

/** Whether `e` came from a panic or trap of the instance. */
/** @param {unknown} e */
function broke(e) {
  return e instanceof WebAssembly.RuntimeError || (e instanceof Error && /** @type {import('./errors.js').CodedError} */ (e).code === 'E_PANIC');
}

/**
 * The error to pass on for `e`; if the instance broke, it is replaced first.
 * A panic's error (`E_PANIC`) carries its message; a trap becomes one.
 */
/**
 * @param {any} e what was thrown
 * @returns {any} what to throw instead
 */
export function recover(e) {
  if (!broke(e) || e[RECOVERED]) return e;
  generation += 1;
  core.__wbg_reset_state();
  const err = e.code === 'E_PANIC' ? e : fail('E_PANIC', `expert-format hit an internal error, a bug to report: ${e.message}`, { cause: e });
  err[RECOVERED] = true;
  return err;
}

/** Runs `f`, passing its error on through `recover`. */
/**
 * @template T
 * @param {() => T} f
 * @returns {T}
 */
export function guard(f) {
  try {
    return f();
  } catch (e) {
    throw recover(e);
  }
}
