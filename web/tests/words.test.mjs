// Plain words: an invalid verdict's headline says what happened ("the file
// adapter_model.safetensors was changed after signing") with the details
// below; a file that is not a package at all says so; key errors show no
// npm argument names; a private key pasted as a trusted key is refused and
// the field cleared.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { casePath, openPage, ROOT, screenshot, verifyInPage } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'expert-web-words-'));
let s;
before(async () => {
  s = await openPage();
});
after(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sub = () => s.page.textContent('#verdict-sub');

const HEADLINES = {
  'weight-byte-flipped': 'The file adapter_model.safetensors was changed after signing.',
  'file-added-after-signing': /^The file \S+ was added after signing\.$/,
  'file-removed-after-signing': 'A signed file was removed from the package.',
  'manifest-field-changed-after-signing': /^The manifest .* was changed after signing\.$/,
  'gzip-truncated': 'The file is cut short: probably an incomplete download.',
  'path-traversal-dotdot': /built to harm the tools that unpack it/,
};

for (const [name, want] of Object.entries(HEADLINES)) {
  test(`invalid ${name}: the headline says what happened, the details follow`, async () => {
    const v = await verifyInPage(s.page, casePath(name));
    assert.equal(v.status, 'invalid');
    assert.equal(v.title, 'Invalid package');
    if (typeof want === 'string') assert.equal(await sub(), want);
    else assert.match(await sub(), want);
    // The problem's own code and message are still there, below.
    assert.equal(await s.page.$eval('#problems li', (li) => li.dataset.code), v.problem);
    if (name === 'weight-byte-flipped') await screenshot(await s.page.$('#verify'), 'verdict-invalid-plain-words');
  });
}

test('a file that is not a package says so: JSON, empty, other bytes', async () => {
  const files = {
    'manifest.json': [await import('node:fs').then((fs) => fs.readFileSync(join(ROOT, 'examples', 'multi-model-expert', 'manifest.json'))), /JSON text \(a manifest\.json\?\), not a \.expert package/],
    'empty.expert': [Buffer.alloc(0), /The file is empty/],
    'photo.expert': [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]), /not gzip-compressed, so it is not a \.expert package/],
  };
  for (const [name, [bytes, want]] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const v = await verifyInPage(s.page, path);
    assert.equal(v.status, 'invalid', name);
    assert.match(v.title, /^Invalid: not a \.expert package$/, name);
    assert.match(await sub(), want, name);
    if (name === 'manifest.json') await screenshot(await s.page.$('#verify'), 'verdict-not-a-package');
  }
});

test('a private key pasted as a trusted key is refused and the field cleared', async () => {
  const { privateKeyPem } = await s.page.evaluate(async () => (await import('./pkg/index.js')).generateKeyPair());
  await s.page.fill('#key-input', privateKeyPem);
  await s.page.click('#key-add');
  await s.page.waitForFunction(() => /private key/.test(document.querySelector('#key-error').textContent));
  assert.equal(await s.page.inputValue('#key-input'), '', 'the private key left the field');
  assert.equal(await s.page.locator('#key-list li').count(), 0);
});

test('key errors show no npm argument names', async () => {
  await s.page.fill('#key-input', 'ed25519:1234');
  await s.page.click('#key-add');
  await s.page.waitForFunction(() => document.querySelector('#key-error').textContent.length > 0);
  const keyText = await s.page.textContent('#key-error');
  assert.doesNotMatch(keyText, /trustedKeys|\[0\]/, keyText);
  assert.equal(await s.page.inputValue('#key-input'), 'ed25519:1234', 'a public key typo stays for fixing');
  await s.page.fill('#key-input', '');
  // A damaged signing key in the build panel.
  await s.page.setInputFiles('#build-input', join(ROOT, 'examples', 'multi-model-expert'));
  await s.page.waitForSelector('#build-summary[data-state="ok"]');
  await s.page.selectOption('#build-model', 'Qwen/Qwen3-0.6B');
  await s.page.fill('#build-key', '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
  await s.page.click('#build-button');
  await s.page.waitForSelector('#build-status[data-state="error"]');
  const buildText = await s.page.textContent('#build-status');
  assert.match(buildText, /signing key was refused/);
  assert.doesNotMatch(buildText, /signingKey/);
  await s.page.click('#build-key-clear');
});

test('on a phone the plain-words verdict fits the screen', async () => {
  await s.page.setViewportSize({ width: 390, height: 844 });
  try {
    const v = await verifyInPage(s.page, casePath('weight-byte-flipped'));
    assert.equal(v.status, 'invalid');
    const [scroll, width] = await s.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `the page is ${scroll}px wide in a ${width}px screen`);
    const box = await s.page.$eval('#verdict-sub', (el) => el.getBoundingClientRect().right);
    assert.ok(box <= 390, `the headline ends at ${box}px`);
    await screenshot(await s.page.$('#verify'), 'verdict-phone');
  } finally {
    await s.page.setViewportSize({ width: 1280, height: 900 });
  }
});
