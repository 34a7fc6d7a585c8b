// A file chosen the moment #package-input exists gets its verdict (queued
// while the page starts), many loads over; a newer file ends the check
// under way at once; Cancel ends a check or a build (its worker goes);
// building shows a role="progressbar" with bytes, percent and ARIA values.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { casePath, CLI, openPage, ROOT, screenshot, verifyInPage, waitVerdict } from './helpers.mjs';

const MIB = 1 << 20;
const BIG_MIB = Number(process.env.EXPERT_WEB_CANCEL_MIB || 96);
const LOADS = Number(process.env.EXPERT_WEB_STARTUP_LOADS || 16);
const dir = mkdtempSync(join(tmpdir(), 'expert-web-cancel-'));
const expert = join(dir, 'expert');
const big = join(dir, 'big.expert');
const small = casePath('good-signed-trusted');

let s;
/** Verification and build workers that ended, by file name. */
const closed = [];
before(async () => {
  cpSync(join(ROOT, 'examples', 'multi-model-expert'), expert, { recursive: true });
  // Incompressible weights, so that checking and building take a while.
  const block = randomBytes(MIB);
  const fd = openSync(join(expert, 'weights', 'qwen3-06b', 'final', 'adapter_model.safetensors'), 'w');
  for (let i = 0; i < BIG_MIB; i++) {
    block.writeUInt32LE(i, 0);
    writeSync(fd, block);
  }
  closeSync(fd);
  const r = spawnSync(CLI, ['package', expert, '--model', 'qwen3-0.6b', '-o', big], { encoding: 'utf8', env: { ...process.env, EXPERT_HOME: join(dir, 'home') } });
  assert.equal(r.status, 0, r.stderr);
  s = await openPage();
  const track = (w) => w.on('close', () => closed.push(w.url().split('/').pop()));
  s.page.workers().forEach(track);
  s.page.on('worker', track);
});
after(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

test(`a file chosen as soon as #package-input exists gets a verdict (${LOADS} loads)`, { timeout: 300_000 }, async () => {
  for (let i = 0; i < LOADS; i++) {
    const page = await s.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(s.url, { waitUntil: 'commit' });
    await page.waitForSelector('#package-input', { state: 'attached', timeout: 30_000 });
    await page.setInputFiles('#package-input', small);
    const v = await waitVerdict(page, 1, 30_000).catch(async (e) => {
      throw new Error(`load ${i}: no verdict (${await page.getAttribute('#verdict', 'data-state')}): ${e.message}`);
    });
    assert.equal(v.status, 'valid-untrusted', `load ${i}`);
    assert.deepEqual(errors, [], `load ${i}`);
    await page.close();
  }
});

/** Waits until `n` workers named `name` have ended (the event comes a little after). */
async function endedWorkers(name, n) {
  const count = () => closed.filter((u) => u === name).length;
  for (let i = 0; i < 100 && count() < n; i++) await new Promise((r) => setTimeout(r, 50));
  return count();
}

/** Chooses the big package and waits until its check has read something. */
async function startBigCheck() {
  const before = Number((await s.page.getAttribute('#verdict', 'data-job')) || 0);
  await s.page.setInputFiles('#package-input', big);
  await s.page.waitForFunction((job) => {
    const el = document.querySelector('#verdict');
    return Number(el.dataset.job) > job && el.dataset.state === 'running' && /\(\d+%\)/.test(document.querySelector('#verify-progress-text').textContent) && !/\(0%\)/.test(document.querySelector('#verify-progress-text').textContent);
  }, before);
  assert.equal(await s.page.isVisible('#verify-cancel'), true);
}

test('a newer file ends the check under way at once and is checked instead', { timeout: 120_000 }, async () => {
  await startBigCheck();
  const ended = closed.filter((u) => u === 'verify-worker.js').length;
  const started = Date.now();
  const v = await verifyInPage(s.page, small, { timeout: 30_000 });
  assert.equal(v.status, 'valid-untrusted');
  assert.equal(await endedWorkers('verify-worker.js', ended + 1), ended + 1, 'the old check’s worker was ended');
  assert.ok(Date.now() - started < 10_000);
  assert.equal(await s.page.isVisible('#verify-cancel'), false);
});

test('Cancel ends a check: its worker goes, no status is shown, the next file is checked', { timeout: 120_000 }, async () => {
  await startBigCheck();
  const ended = closed.filter((u) => u === 'verify-worker.js').length;
  await screenshot(await s.page.$('#verify'), 'verify-cancel-before');
  await s.page.click('#verify-cancel');
  await s.page.waitForSelector('#verdict[data-state="cancelled"]');
  assert.equal(await s.page.getAttribute('#verdict', 'data-status'), null);
  assert.match(await s.page.textContent('#verdict-title'), /cancelled/i);
  assert.equal(await endedWorkers('verify-worker.js', ended + 1), ended + 1, `the worker was ended: ${closed}`);
  await screenshot(await s.page.$('#verify'), 'verify-cancelled');
  assert.equal((await verifyInPage(s.page, small)).status, 'valid-untrusted');
});

test('building shows a progressbar (bytes, percent, ARIA) and Cancel ends the build', { timeout: 180_000 }, async () => {
  await s.page.setInputFiles('#build-input', expert);
  await s.page.waitForSelector('#build-summary[data-state="ok"]');
  await s.page.selectOption('#build-model', 'Qwen/Qwen3-0.6B');
  await s.page.click('#build-button');
  const bar = '#build-progress [role="progressbar"]';
  await s.page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('aria-valuenow')) > 0, bar);
  const aria = await s.page.$eval(bar, (el) => ({ min: el.getAttribute('aria-valuemin'), max: el.getAttribute('aria-valuemax'), now: Number(el.getAttribute('aria-valuenow')), text: el.getAttribute('aria-valuetext'), label: el.getAttribute('aria-label') }));
  assert.equal(aria.min, '0');
  assert.equal(aria.max, '100');
  assert.ok(aria.now > 0 && aria.now < 100, `at ${aria.now}%`);
  assert.match(aria.text, /MB of [\d.]+ MB read \(\d+%\)/);
  assert.ok(aria.label);
  assert.match(await s.page.textContent('#build-progress-text'), /of [\d.]+ MB read \(\d+%\)/);
  await screenshot(await s.page.$('#build'), 'build-progress');
  const ended = closed.filter((u) => u === 'build-worker.js').length;
  await s.page.click('#build-cancel');
  await s.page.waitForSelector('#build-status[data-state="cancelled"]');
  assert.equal(await endedWorkers('build-worker.js', ended + 1), ended + 1, 'the build worker was ended');
  assert.equal(await s.page.isVisible('#build-progress'), false);
  assert.equal(await s.page.isVisible('#build-result'), false);
  await screenshot(await s.page.$('#build'), 'build-cancelled');
  // Built to the end, the bar reaches 100%.
  await s.page.click('#build-button');
  let highest = 0;
  while ((await s.page.getAttribute('#build-status', 'data-state')) === 'building') {
    highest = Math.max(highest, Number(await s.page.getAttribute(bar, 'aria-valuenow')));
    await s.page.waitForTimeout(50);
  }
  assert.equal(await s.page.getAttribute('#build-status', 'data-state'), 'done', await s.page.textContent('#build-status'));
  assert.ok(highest > 0, 'the bar moved');
  const last = await s.page.$eval('#build-progress', (el) => [Number(el.dataset.done), Number(el.dataset.total)]);
  assert.equal(last[0], last[1], 'the last progress is the total');
});
