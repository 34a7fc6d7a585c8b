// The five verdicts in the page, the trusted-keys list (add, remove, .pub
// file, persistence, re-verification), and a screenshot of each state.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { addTrustedKey, assertOwnOrigin, casePath, CONFORMANCE, openPage, PUBLISHER_PUB, publisherKey, screenshot, SHOTS, verifyInPage, waitVerdict } from './helpers.mjs';

const WORDS = {
  verified: /verified/i,
  'valid-untrusted': /valid signature, untrusted key/i,
  invalid: /invalid/i,
  unsigned: /unsigned/i,
  legacy: /legacy/i,
};

let s;
before(async () => {
  s = await openPage();
});
after(async () => {
  await s?.close();
});

async function shot(name) {
  const box = await s.page.$('#verify');
  await screenshot(box, `verdict-${name}`);
}

test('before any file, #verdict has no status', async () => {
  assert.equal(await s.page.getAttribute('#verdict', 'data-status'), null);
});

test('valid-untrusted: a good package whose key is not trusted', async () => {
  const v = await verifyInPage(s.page, casePath('good-signed-trusted'));
  assert.equal(v.status, 'valid-untrusted');
  assert.equal(v.problem, null);
  assert.match(v.title, WORDS['valid-untrusted']);
  assert.equal(v.trusted, 'false');
  assert.match(await s.page.textContent('#fact-key'), /^[0-9a-f]{16}$/);
  assert.equal(await s.page.textContent('#fact-publisher'), 'expert toolchain');
  assert.match(await s.page.textContent('#fact-trusted'), /^No/);
  assert.match(await s.page.textContent('#explain-todo'), /Trusted keys/);
  // Manifest summary and file list.
  const summary = await s.page.textContent('#summary');
  for (const want of ['expert-demo', '1.2.0', 'Qwen/Qwen3-0.6B', 'MIT', 'format:json']) assert.ok(summary.includes(want), `summary lacks ${want}: ${summary}`);
  const adapter = await s.page.$$eval('#adapters tbody td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(adapter.slice(0, 3), ['lora', '4', '8']);
  const files = await s.page.$$eval('#files tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.ok(files.length >= 8, `files: ${files.length}`);
  assert.ok(files.every(([, , sha, ok]) => /^[0-9a-f]{64}$/.test(sha) && /ok/.test(ok)));
  assert.ok(files.some(([p]) => p === 'manifest.json'));
  await shot('valid-untrusted');
});

test('adding the publisher key turns valid-untrusted into verified (re-verified at once)', async () => {
  const job = Number(await s.page.getAttribute('#verdict', 'data-job'));
  await addTrustedKey(s.page, publisherKey(), 'Conformance publisher');
  const v = await waitVerdict(s.page, job + 1);
  assert.equal(v.status, 'verified');
  assert.match(v.title, WORDS.verified);
  assert.equal(v.trusted, 'true');
  assert.match(await s.page.textContent('#fact-trusted'), /^Yes — Conformance publisher/);
  const ids = await s.page.$$eval('#key-list li', (lis) => lis.map((li) => li.dataset.keyId));
  assert.deepEqual(ids, [await s.page.textContent('#fact-key')]);
  await shot('verified');
});

test('the trusted keys survive a reload (localStorage) and judge the next file', async () => {
  await s.page.reload();
  await s.page.waitForSelector('body[data-ready="true"]');
  assert.equal(await s.page.locator('#key-list li').count(), 1);
  const v = await verifyInPage(s.page, casePath('good-signed-trusted'));
  assert.equal(v.status, 'verified');
});

test('removing the key turns it back into valid-untrusted', async () => {
  const job = Number(await s.page.getAttribute('#verdict', 'data-job'));
  await s.page.click('#key-list li .key-remove');
  const v = await waitVerdict(s.page, job + 1);
  assert.equal(v.status, 'valid-untrusted');
  assert.equal(await s.page.locator('#key-list li').count(), 0);
  assert.equal(await s.page.evaluate(() => JSON.parse(localStorage.getItem('expert-web.trusted-keys.v1')).length), 0);
});

test('trusted_key_with_same_key_id_but_other_key_is_not_trusted', async () => {
  // A stored entry that carries the package's key ID but another public
  // key (a 64-bit ID collision, or a hand-edited list): trust compares the
  // full key, so the package stays untrusted.
  const raw = Buffer.from(publisherKey().slice('ed25519:'.length), 'hex');
  const keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  const attacker = readFileSync(join(CONFORMANCE, 'keys', 'attacker.pub'), 'utf8').trim();
  await s.page.evaluate(
    ([pubkey, id]) => localStorage.setItem('expert-web.trusted-keys.v1', JSON.stringify([{ pubkey, keyId: id, name: 'Forged', addedAt: '2025-01-01T00:00:00Z' }])),
    [attacker, keyId],
  );
  await s.page.reload();
  await s.page.waitForSelector('body[data-ready="true"]');
  const v = await verifyInPage(s.page, casePath('good-signed-trusted'));
  assert.equal(v.status, 'valid-untrusted');
  assert.equal(v.trusted, 'false');
  assert.match(await s.page.textContent('#fact-trusted'), /^No/);
  assert.ok(!(await s.page.textContent('#verdict-sub')).includes('Forged'));
  await s.page.evaluate(() => localStorage.setItem('expert-web.trusted-keys.v1', '[]'));
  await s.page.reload();
  await s.page.waitForSelector('body[data-ready="true"]');
});

test('the publisher is shown as the package’s claim, the signer by your name for the key', async () => {
  const v = await verifyInPage(s.page, casePath('good-signed-trusted'));
  assert.equal(v.status, 'valid-untrusted');
  const sub = await s.page.textContent('#verdict-sub');
  assert.match(sub, /The package says its publisher is “expert toolchain”; that is a claim/);
  assert.ok(!/signed by “expert toolchain”/i.test(sub), sub);
});

test('a .pub file adds a key; malformed keys and private keys are refused with a code', async () => {
  const job = Number(await s.page.getAttribute('#verdict', 'data-job'));
  await s.page.setInputFiles('#key-file', PUBLISHER_PUB);
  const v = await waitVerdict(s.page, job + 1);
  assert.equal(v.status, 'verified');
  assert.equal(await s.page.textContent('#key-list li .k-name'), 'publisher');

  await s.page.fill('#key-input', 'ed25519:1234');
  await s.page.click('#key-add');
  await s.page.waitForSelector('#key-error:not([hidden])');
  assert.match(await s.page.textContent('#key-error'), /E_KEY_FORMAT/);
  await s.page.fill('#key-input', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----');
  await s.page.click('#key-add');
  await s.page.waitForFunction(() => /private key/.test(document.querySelector('#key-error').textContent));
  assert.equal(await s.page.locator('#key-list li').count(), 1);
  await s.page.fill('#key-input', '');
  await s.page.fill('#key-name', '');
});

test('invalid: weights changed after signing, with the failing file marked', async () => {
  const v = await verifyInPage(s.page, casePath('weight-byte-flipped'));
  assert.equal(v.status, 'invalid');
  assert.equal(v.problem, 'E_FILE_HASH_MISMATCH');
  assert.match(v.title, WORDS.invalid);
  const problems = await s.page.$$eval('#problems li', (lis) => lis.map((li) => li.dataset.code));
  assert.equal(problems[0], 'E_FILE_HASH_MISMATCH');
  const failed = await s.page.$$eval('#files tbody tr[data-ok="false"] td.path', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(failed, ['adapter_model.safetensors']);
  assert.match(await s.page.textContent('#explain-todo'), /Do not install/);
  // Nothing an invalid package claims about its signing is shown as fact.
  for (const fact of ['#fact-key', '#fact-publisher', '#fact-created']) assert.equal(await s.page.textContent(fact), '—', fact);
  await shot('invalid');
});

test('invalid: a hostile archive is rejected before any file is listed', async () => {
  const v = await verifyInPage(s.page, casePath('path-traversal-dotdot'));
  assert.equal(v.status, 'invalid');
  assert.equal(v.problem, 'E_PATH_TRAVERSAL');
});

test('unsigned', async () => {
  const v = await verifyInPage(s.page, casePath('good-unsigned'));
  assert.equal(v.status, 'unsigned');
  assert.match(v.title, WORDS.unsigned);
  assert.equal(await s.page.textContent('#fact-key'), '—');
  assert.match(await s.page.textContent('#explain-means'), /no signature/);
  await shot('unsigned');
});

test('legacy stays legacy with its key trusted, and says the manifest is not covered', async () => {
  const v = await verifyInPage(s.page, casePath('legacy-upstream-signed'));
  assert.equal(v.status, 'legacy');
  assert.equal(v.problem, 'W_LEGACY_SCHEME');
  assert.match(v.title, WORDS.legacy);
  assert.match(await s.page.textContent('#verdict-sub'), /manifest is not/);
  assert.match(await s.page.textContent('#summary-note'), /not authenticated/);
  await shot('legacy');
});

test('choosing a new file while one is being checked shows only the new verdict', async () => {
  const before = Number(await s.page.getAttribute('#verdict', 'data-job'));
  await s.page.setInputFiles('#package-input', casePath('gzip-bomb'));
  await s.page.setInputFiles('#package-input', casePath('good-unsigned'));
  const v = await waitVerdict(s.page, before + 2);
  assert.equal(v.status, 'unsigned');
  // The older job must not overwrite it later.
  await s.page.waitForTimeout(1500);
  assert.equal(await s.page.getAttribute('#verdict', 'data-status'), 'unsigned');
});

test('a .expert dropped on the drop zone is verified', async () => {
  const bytes = readFileSync(casePath('baseline-small-signed')).toString('base64');
  const before = Number(await s.page.getAttribute('#verdict', 'data-job'));
  await s.page.evaluate((b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'dropped.expert', { type: 'application/gzip' }));
    const zone = document.querySelector('#package-drop');
    for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  const v = await waitVerdict(s.page, before + 1);
  assert.equal(v.status, 'verified');
  assert.equal(await s.page.getAttribute('#verdict', 'data-file'), 'dropped.expert');
});

test('the progress bar reports bytes read of the file size', async () => {
  await verifyInPage(s.page, casePath('good-signed-trusted'));
  assert.match(await s.page.textContent('#verify-progress-text'), /checked in/);
  const width = await s.page.$eval('#verify-progress-bar', (el) => el.style.width);
  assert.equal(width, '100%');
});

test('the whole page: a good package’s verdict and the example manifest, valid (and a screenshot)', async () => {
  const v = await verifyInPage(s.page, casePath('good-signed-trusted'));
  // Whether its key is trusted depends on the tests above; the verdict must agree with it.
  assert.equal(v.state, 'done');
  assert.equal(v.status, v.trusted === 'true' ? 'verified' : 'valid-untrusted');
  assert.equal(v.problem, null);
  assert.match(v.title, WORDS[v.status]);
  assert.match(await s.page.textContent('#fact-key'), /^[0-9a-f]{16}$/);
  assert.ok((await s.page.textContent('#summary')).includes('expert-demo'));
  await s.page.click('#load-example');
  await s.page.waitForSelector('#editor-status[data-valid="true"]');
  await s.page.evaluate(() => window.scrollTo(0, 0));
  await s.page.screenshot({ path: join(SHOTS, 'page.png'), fullPage: true });
});

test('no console errors, nothing requested outside the page', () => {
  assert.deepEqual(s.errors, []);
  assertOwnOrigin(s.requests, s.url);
});
