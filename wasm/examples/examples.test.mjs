// The bundler examples: each is built with its bundler (Vite, esbuild) from
// the built package in wasm/pkg, its output holds no `node:` import, and in
// Chromium it verifies a package with the inflate worker running.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { startServer } from '../../web/server.mjs';
import { CHROMIUM, CHROMIUM_ARGS, casePath } from '../../web/tests/helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function run(cwd, cmd, args) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} in ${cwd}:\n${r.stdout}\n${r.stderr}`);
}

function jsFiles(dir) {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.js') && statSync(join(dir, f)).isFile());
}

for (const name of ['vite', 'esbuild']) {
  test(`the ${name} example builds and verifies a package in Chromium`, { timeout: 180_000 }, async (t) => {
    const dir = join(HERE, name);
    const lock = join(dir, 'package-lock.json');
    const installed = join(dir, 'node_modules', '.package-lock.json');
    if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) run(dir, 'npm', ['ci', '--no-audit', '--no-fund']);
    run(dir, 'npm', ['run', 'build']);
    const dist = join(dir, 'dist');
    const files = jsFiles(dist);
    assert.ok(files.length >= 2, `bundle and worker: ${files}`);
    for (const f of files) assert.doesNotMatch(readFileSync(join(dist, f), 'utf8'), /["']node:/, `${f} imports a node: module`);
    assert.ok(readdirSync(dist, { recursive: true }).map(String).some((f) => f.endsWith('.wasm')), 'the .wasm is in the output');

    const { server, url } = await startServer({ root: dist });
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const errors = [];
    const workers = [];
    const requests = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('worker', (w) => workers.push(w.url()));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.setInputFiles('#pkg', casePath('good-signed-trusted'));
    await page.waitForSelector('#out[data-status]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('#out', 'data-status'), 'valid-untrusted');
    assert.ok(workers.some((u) => /inflate-worker/.test(u)), `the inflate worker ran: ${workers}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((r) => !r.startsWith(url)), []);
  });
}
