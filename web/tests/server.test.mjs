// The static server: loopback only, right MIME types, the CSP header,
// GET/HEAD only, and no way out of its root. No browser needed.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../server.mjs';

const dir = mkdtempSync(join(tmpdir(), 'expert-web-server-'));
const root = join(dir, 'site');
let srv;

before(async () => {
  mkdirSync(join(root, 'pkg'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'app.js'), 'export {};');
  writeFileSync(join(root, 'pkg', 'x_bg.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, 'm.json'), '{}');
  writeFileSync(join(dir, 'secret.txt'), 'outside the root');
  srv = await startServer({ root });
});
after(() => {
  srv.server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request (no URL normalisation by the client). */
function get(path, method = 'GET') {
  return new Promise((ok, fail) => {
    const { port } = srv.server.address();
    const req = http.request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('binds to 127.0.0.1 only', () => {
  assert.equal(srv.server.address().address, '127.0.0.1');
  assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('serves / as index.html and every asset with its MIME type', async () => {
  const want = {
    '/': 'text/html; charset=utf-8',
    '/app.js': 'text/javascript; charset=utf-8',
    '/pkg/x_bg.wasm': 'application/wasm',
    '/style.css': 'text/css; charset=utf-8',
    '/m.json': 'application/json; charset=utf-8',
  };
  for (const [path, type] of Object.entries(want)) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], type, path);
    assert.match(r.headers['content-security-policy'], /default-src 'self'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  }
});

test('never leaves its root', async () => {
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/pkg/..%2f..%2fsecret.txt', '/..%5csecret.txt', '//etc/passwd', '/%00']) {
    const r = await get(path);
    assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /outside the root/, path);
  }
  assert.equal((await get('/missing.js')).status, 404);
});

test('GET and HEAD only', async () => {
  assert.equal((await get('/', 'POST')).status, 405);
  const head = await get('/app.js', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});
