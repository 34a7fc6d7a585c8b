// @ts-check
// Errors of expert-format: an Error with a stable `code`, and the
// AbortError that an aborted `signal` gives.

/**
 * An Error with a stable `code` (and, from the core, `reason` or
 * `diagnostics`).
 * @typedef {Error & { code: string, reason?: string, diagnostics?: unknown[] }} CodedError
 */

/**
 * @param {string} code
 * @param {string} message
 * @param {ErrorOptions} [options]
 * @returns {CodedError}
 */
export function fail(code, message, options) {
  const e = /** @type {CodedError} */ (new Error(message, options));
  e.code = code;
  return e;
}

/** The error an aborted call rejects with: name "AbortError", the signal's reason as `cause`. */
/**
 * @param {AbortSignal} [signal]
 * @returns {CodedError}
 */
export function abortError(signal) {
  const e = /** @type {CodedError} */ (new Error('the operation was aborted', { cause: signal?.reason }));
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}

/** `signal` if it is an AbortSignal or absent; E_BAD_ARGUMENT otherwise. */
/**
 * @param {unknown} signal
 * @returns {AbortSignal | undefined}
 */
export function checkSignal(signal) {
  if (signal === undefined || signal === null) return undefined;
  const s = /** @type {AbortSignal} */ (signal);
  if (typeof signal !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw fail('E_BAD_ARGUMENT', 'signal must be an AbortSignal');
  }
  return s;
}

/** @param {AbortSignal} [signal] */
export function throwIfAborted(signal) {
  if (signal?.aborted) throw abortError(signal);
}
