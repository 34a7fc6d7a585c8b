// @ts-check
// The inflate worker in Node: a worker thread (inflate-core.js).
import { parentPort } from 'node:worker_threads';
import { serveInflater } from './inflate-core.js';

// Only ever started as a worker thread, which has a parent port.
const port = /** @type {NonNullable<typeof parentPort>} */ (parentPort);

serveInflater(
  (msg, transfer = []) => port.postMessage(msg, transfer),
  (onMessage) => port.on('message', onMessage),
);
