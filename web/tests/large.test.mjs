// Streaming: a package of well over 100 MiB is verified in the worker with
// a moving progress bar, the page keeps responding, and the worker's
// WebAssembly memory stays small (the file is never read whole); building
// from the same weights in the page keeps it small too.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { addTrustedKey, CLI, CONFORMANCE, openPage, publisherKey, ROOT, screenshot, waitVerdict } from './helpers.mjs';

const MIB = 1 << 20;
const WEIGHT_MIB = Number(process.env.EXPERT_WEB_LARGE_MIB || 160);
const dir = mkdtempSync(join(tmpdir(), 'expert-web-large-'));
const pkg = join(dir, 'large.expert');

let s;
before(async () => {
  const expert = join(dir, 'expert');
  cpSync(join(ROOT, 'examples', 'multi-model-expert'), expert, { recursive: true });
  // Incompressible weights: a random 1 MiB block with a counter in front,
  // repeated (deflate's 32 KiB window cannot see the repeats).
  const block = randomBytes(MIB);
  const fd = openSync(join(expert, 'weights', 'qwen3-06b', 'final', 'adapter_model.safetensors'), 'w');
  for (let i = 0; i < WEIGHT_MIB; i++) {
    block.writeUInt32LE(i, 0);
    writeSync(fd, block);
  }
  closeSync(fd);
  const r = spawnSync(CLI, ['package', expert, '--model', 'qwen3-0.6b', '-o', pkg, '--sign-key', join(CONFORMANCE, 'keys', 'publisher.pem')], {
    encoding: 'utf8',
    env: { ...process.env, EXPERT_HOME: join(dir, 'home') },
  });
  assert.equal(r.status, 0, r.stderr);
  s = await openPage();
  await addTrustedKey(s.page, publisherKey());
});
after(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

test(`a ${WEIGHT_MIB} MiB package streams through the worker: progress moves, the page responds, wasm memory stays small`, { timeout: 150_000 }, async (t) => {
  const size = statSync(pkg).size;
  assert.ok(size > WEIGHT_MIB * MIB, 'the package holds the incompressible weights');
  // A main-thread stall monitor: the largest gap between 20 ms timer ticks.
  await s.page.evaluate(() => {
    window.__maxGap = 0;
    let last = performance.now();
    window.__tick = setInterval(() => {
      const now = performance.now();
      window.__maxGap = Math.max(window.__maxGap, now - last);
      last = now;
    }, 20);
  });
  const job = Number(await s.page.getAttribute('#verdict', 'data-job'));
  const started = Date.now();
  await s.page.setInputFiles('#package-input', pkg);
  const widths = new Set();
  for (;;) {
    const { state, width } = await s.page.evaluate(() => ({
      state: document.querySelector('#verdict').dataset.state,
      width: document.querySelector('#verify-progress-bar').style.width,
    }));
    if (state === 'running') {
      widths.add(width);
      if (widths.size === 4) await screenshot(await s.page.$('#verify'), 'verdict-running');
    }
    if (state !== 'running' && widths.size) break;
    if (Date.now() - started > 140_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const v = await waitVerdict(s.page, job + 1, 5_000);
  const seconds = (Date.now() - started) / 1000;
  const maxGap = await s.page.evaluate(() => {
    clearInterval(window.__tick);
    return window.__maxGap;
  });
  const wasm = Number(await s.page.getAttribute('#verify-progress', 'data-wasm-memory'));
  t.diagnostic(`${(size / MIB).toFixed(0)} MiB verified in ${seconds.toFixed(1)} s (${(size / MIB / seconds).toFixed(0)} MiB/s); ${widths.size} progress steps; longest main-thread gap ${maxGap.toFixed(0)} ms; worker wasm memory ${(wasm / MIB).toFixed(1)} MiB`);
  assert.equal(v.status, 'verified');
  assert.ok(widths.size >= 3, `progress moved only through ${[...widths]}`);
  assert.ok(maxGap < 1000, `the page froze for ${maxGap} ms`);
  assert.ok(wasm > 0 && wasm < 64 * MIB, `worker wasm memory ${wasm} bytes`);
  const row = await s.page.$eval('#files tbody tr[data-ok="true"] td.path', () =>
    [...document.querySelectorAll('#files tbody tr')].map((r) => [r.cells[0].textContent, r.cells[1].title]).find(([p]) => p === 'adapter_model.safetensors'),
  );
  assert.equal(row[1], `${(WEIGHT_MIB * MIB).toLocaleString('en-US')} bytes`);
  assert.deepEqual(s.errors, []);
});

test(`building from a ${WEIGHT_MIB} MiB weights file in the page reads it in pieces and equals expert-cli package`, { timeout: 240_000 }, async (t) => {
  const expert = join(dir, 'expert');
  const unsigned = join(dir, 'cli-unsigned');
  const env = { ...process.env, EXPERT_HOME: join(dir, 'home') };
  delete env.SOURCE_DATE_EPOCH;
  const r = spawnSync(CLI, ['package', expert, '--model', 'qwen3-0.6b', '--out-dir', unsigned], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  await s.page.setInputFiles('#build-input', expert);
  await s.page.waitForSelector('#build-summary[data-state="ok"]');
  await s.page.selectOption('#build-model', 'Qwen/Qwen3-0.6B');
  const started = Date.now();
  await s.page.click('#build-button');
  await s.page.waitForSelector('#build-status[data-state="done"], #build-status[data-state="error"]', { timeout: 200_000 });
  assert.equal(await s.page.getAttribute('#build-status', 'data-state'), 'done', await s.page.textContent('#build-status'));
  const seconds = (Date.now() - started) / 1000;
  const wasm = Number(await s.page.getAttribute('#build-result', 'data-wasm-memory'));
  t.diagnostic(`built from ${WEIGHT_MIB} MiB of weights in ${seconds.toFixed(1)} s; worker wasm memory ${(wasm / MIB).toFixed(1)} MiB`);
  // Read whole, the weights alone would take the wasm memory past their size.
  assert.ok(wasm > 0 && wasm < 64 * MIB, `build worker wasm memory ${wasm} bytes`);
  const [dl] = await Promise.all([s.page.waitForEvent('download'), s.page.click('#build-download')]);
  const file = join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  const want = join(unsigned, 'expert-demo-qwen3-0-6b.v1.2.0.expert');
  assert.equal(statSync(file).size, statSync(want).size);
  assert.equal(sha256File(file), sha256File(want));
  assert.deepEqual(s.errors, []);
});

function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
