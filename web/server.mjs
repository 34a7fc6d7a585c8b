#!/usr/bin/env node
// A tiny static file server for the built page (web/dist/). It binds to
// 127.0.0.1 only, serves GET and HEAD, never leaves its root, sends the
// right MIME types (.wasm as application/wasm, which streaming compilation
// needs) and a Content-Security-Policy that lets the page load nothing but
// its own assets.
//
//   node web/server.mjs [--root DIR] [--port PORT]     (default web/dist, 8080)
//
// The browser tests import startServer() and listen on an ephemeral port.

import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/** The same policy as the page's <meta http-equiv>; the worker gets it from here. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function send(res, code, text) {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A request handler serving files under `root`. */
export function handler(root) {
  const base = resolve(root);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(res, 400, 'bad request\n');
    }
    if (pathname.includes('\0')) return send(res, 400, 'bad request\n');
    let file = resolve(join(base, pathname));
    if (file !== base && !file.startsWith(base + sep)) return send(res, 404, 'not found\n');
    let st;
    try {
      st = statSync(file);
      if (st.isDirectory()) {
        file = join(file, 'index.html');
        st = statSync(file);
      }
    } catch {
      return send(res, 404, 'not found\n');
    }
    if (!st.isFile()) return send(res, 404, 'not found\n');
    res.writeHead(200, {
      'content-type': MIME[extname(file).toLowerCase()] || 'application/octet-stream',
      'content-length': st.size,
      // Revalidate every time: a rebuilt page is never mixed with old files.
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': CSP,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}

/** Starts a server on 127.0.0.1:`port` (0: any free port); resolves to { server, url }. */
export async function startServer({ root, port = 0, host = '127.0.0.1' } = {}) {
  const server = http.createServer(handler(root));
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const { port: bound } = server.address();
  return { server, url: `http://${host}:${bound}/` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const root = resolve(arg('--root', join(dirname(fileURLToPath(import.meta.url)), 'dist')));
  const port = Number(arg('--port', '8080'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`bad port: ${arg('--port')}`);
    process.exit(2);
  }
  try {
    statSync(join(root, 'index.html'));
  } catch {
    console.error(`${root}/index.html not found: build the page first (node web/build.mjs)`);
    process.exit(1);
  }
  const { server, url } = await startServer({ root, port }).catch((e) => {
    console.error(`cannot listen on 127.0.0.1:${port}: ${e.message}`);
    process.exit(1);
  });
  console.log(`serving ${root} at ${url} (Ctrl-C stops)`);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
