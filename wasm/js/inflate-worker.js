// @ts-check
// The inflate worker in browsers: a module Web Worker (inflate-core.js).
import { serveInflater } from './inflate-core.js';

/** This module's global scope: a dedicated worker's, not a window's. */
const scope = /** @type {{ postMessage(msg: unknown, transfer: Transferable[]): void, onmessage: ((event: MessageEvent) => void) | null }} */ (
  /** @type {unknown} */ (globalThis)
);

serveInflater(
  (msg, transfer = []) => scope.postMessage(msg, transfer),
  (onMessage) => (scope.onmessage = (event) => onMessage(event.data)),
);
