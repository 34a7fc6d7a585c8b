// The inflate worker in browsers: a module Web Worker (inflate-core.js).
import { serveInflater } from './inflate-core.js';

serveInflater(
  (msg, transfer = []) => globalThis.postMessage(msg, transfer),
  (onMessage) => (globalThis.onmessage = (event) => onMessage(event.data)),
);
