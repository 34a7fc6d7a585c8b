// The inflate worker in Node: a worker thread (inflate-core.js).
import { parentPort } from 'node:worker_threads';
import { serveInflater } from './inflate-core.js';

serveInflater(
  (msg, transfer = []) => parentPort.postMessage(msg, transfer),
  (onMessage) => parentPort.on('message', onMessage),
);
