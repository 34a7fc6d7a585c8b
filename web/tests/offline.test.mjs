// Works offline once loaded: after the first visit the service worker holds
// every asset, so with the server gone the page reloads and still verifies,
// validates and loads the example.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { casePath, openPage, verifyInPage } from './helpers.mjs';

let s;
before(async () => {
  s = await openPage();
});
after(async () => {
  await s?.close();
});

test('the page says it works offline once its service worker is active', async () => {
  await s.page.waitForSelector('#offline-status[data-state="ready"]', { timeout: 20_000 });
  await s.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
});

test('with the server stopped, a reload still verifies a package and loads the example', async () => {
  s.server.closeAllConnections();
  await new Promise((ok) => s.server.close(ok));
  // The server is really gone.
  await assert.rejects(fetch(s.url));
  await s.page.reload();
  await s.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const v = await verifyInPage(s.page, casePath('good-unsigned'));
  assert.equal(v.status, 'unsigned');
  const w = await verifyInPage(s.page, casePath('weight-byte-flipped'));
  assert.equal(w.status, 'invalid');
  await s.page.click('#load-example');
  await s.page.waitForSelector('#editor-status[data-valid="true"]');
});

test('no page errors while offline', () => {
  assert.deepEqual(s.errors, []);
});
