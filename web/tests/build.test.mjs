// Build and sign in the page from examples/multi-model-expert (chosen with
// the folder picker), download the .expert and its .sha256, and check the
// result with the native CLI: the page's output verifies with expert-cli,
// and an unsigned build is byte-identical to `expert-cli package`.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertOwnOrigin, CLI, openPage, ROOT, screenshot, verifyInPage } from './helpers.mjs';

const EXAMPLE = join(ROOT, 'examples', 'multi-model-expert');
const out = mkdtempSync(join(tmpdir(), 'expert-web-build-'));

let s;
before(async () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: cargo build -p expert-cli --release --locked (scripts/test-web.sh does it)`);
  s = await openPage();
});
after(async () => {
  await s?.close();
  rmSync(out, { recursive: true, force: true });
});

function cliVerify(file, ...args) {
  const r = spawnSync(CLI, ['verify', file, '--json', ...args], { encoding: 'utf8' });
  assert.ok(r.stdout, `expert-cli verify printed nothing (exit ${r.status}): ${r.stderr}`);
  return { ...JSON.parse(r.stdout), exit: r.status };
}

/** Clicks `selector` and saves the download it starts; returns the path. */
async function download(selector) {
  const [dl] = await Promise.all([s.page.waitForEvent('download'), s.page.click(selector)]);
  const path = join(out, dl.suggestedFilename());
  await dl.saveAs(path);
  return path;
}

async function buildInPage() {
  await s.page.click('#build-button');
  await s.page.waitForSelector('#build-status[data-state="done"], #build-status[data-state="error"]', { timeout: 60_000 });
  assert.equal(await s.page.getAttribute('#build-status', 'data-state'), 'done', await s.page.textContent('#build-status'));
}

test('choosing the example folder fills the model list from its manifest', async () => {
  await s.page.setInputFiles('#build-input', EXAMPLE);
  await s.page.waitForSelector('#build-summary[data-state="ok"]');
  assert.match(await s.page.textContent('#build-summary'), /multi-model-expert\/ — \d+ files/);
  const models = await s.page.$$eval('#build-model option', (os) => os.map((o) => o.value));
  assert.deepEqual(models, ['Qwen/Qwen3-0.6B', 'Qwen/Qwen3-1.7B']);
  assert.equal(await s.page.isEnabled('#build-button'), true);
});

test('an unsigned build equals expert-cli package byte for byte', async () => {
  await s.page.selectOption('#build-model', 'Qwen/Qwen3-1.7B');
  assert.equal(await s.page.textContent('#build-filename'), 'expert-demo-qwen3-1-7b.v1.2.0.expert');
  await buildInPage();
  const file = await download('#build-download');
  assert.equal(file.endsWith('expert-demo-qwen3-1-7b.v1.2.0.expert'), true, file);
  const cliOut = join(out, 'cli');
  const env = { ...process.env };
  delete env.SOURCE_DATE_EPOCH;
  execFileSync(CLI, ['package', EXAMPLE, '--model', 'qwen3-1.7b', '--out-dir', cliOut], { env, stdio: 'pipe' });
  const cliFile = join(cliOut, 'expert-demo-qwen3-1-7b.v1.2.0.expert');
  assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), createHash('sha256').update(readFileSync(cliFile)).digest('hex'));
  assert.equal(cliVerify(file).status, 'unsigned');
});

test('a package signed with a key generated in the page downloads and verifies with expert-cli', async () => {
  await s.page.selectOption('#build-model', 'Qwen/Qwen3-0.6B');
  await s.page.click('#build-keygen');
  await s.page.waitForSelector('#build-keyinfo:not([hidden])');
  const pem = await s.page.inputValue('#build-key');
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);
  const publicKey = await s.page.textContent('#build-pubkey');
  const keyId = await s.page.textContent('#build-keyid');
  assert.match(publicKey, /^ed25519:[0-9a-f]{64}$/);
  await s.page.fill('#build-publisher', 'Web Test Publisher');
  await buildInPage();
  await screenshot(await s.page.$('#build'), 'build');

  const file = await download('#build-download');
  const sidecar = await download('#build-download-sha256');
  const name = 'expert-demo-qwen3-0-6b.v1.2.0.expert';
  assert.ok(file.endsWith(name), file);
  assert.ok(sidecar.endsWith(`${name}.sha256`), sidecar);
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  assert.equal(readFileSync(sidecar, 'utf8'), `${sha}  ${name}\n`);
  assert.equal(await s.page.textContent('#build-out-sha'), sha);
  // sha256sum -c accepts the sidecar, where it is installed.
  const check = spawnSync('sha256sum', ['-c', sidecar], { cwd: out, encoding: 'utf8' });
  if (!check.error) assert.equal(check.status, 0, check.stdout + check.stderr);

  const untrusted = cliVerify(file);
  assert.equal(untrusted.status, 'valid-untrusted', JSON.stringify(untrusted.problems));
  assert.equal(untrusted.key_id, keyId);
  assert.equal(untrusted.publisher, 'Web Test Publisher');
  assert.equal(untrusted.base_model, 'Qwen/Qwen3-0.6B');
  assert.equal(untrusted.exit, 6);
  const verified = cliVerify(file, '--trusted-key', publicKey);
  assert.equal(verified.status, 'verified');
  assert.equal(verified.exit, 0);
  assert.ok(verified.files.every((f) => f.ok));
  assert.ok(!verified.files.some((f) => /optimizer\.pt|trainer_state|training_args/.test(f.path)), 'training leftovers packaged');
});

test('the built package verifies in the page too, and trusting the generated key makes it verified', async () => {
  const before = Number(await s.page.getAttribute('#verdict', 'data-job'));
  await s.page.click('#build-verify');
  await s.page.waitForFunction((b) => Number(document.querySelector('#verdict').dataset.job) > b && document.querySelector('#verdict').dataset.state === 'done', before);
  assert.equal(await s.page.getAttribute('#verdict', 'data-status'), 'valid-untrusted');
  const job = Number(await s.page.getAttribute('#verdict', 'data-job'));
  await s.page.click('#build-trust');
  await s.page.waitForFunction((j) => Number(document.querySelector('#verdict').dataset.job) > j && document.querySelector('#verdict').dataset.state === 'done', job);
  assert.equal(await s.page.getAttribute('#verdict', 'data-status'), 'verified');
});

test('a pasted PKCS#8 key from expert-cli keygen signs, and a bad key is refused with its code', async () => {
  const keyFile = join(out, 'pasted.pem');
  execFileSync(CLI, ['keygen', '-o', keyFile], { stdio: 'pipe', env: { ...process.env, EXPERT_HOME: join(out, 'home') } });
  const pub = readFileSync(keyFile.replace(/\.pem$/, '.pub'), 'utf8').trim();
  await s.page.fill('#build-key', readFileSync(keyFile, 'utf8'));
  assert.equal(await s.page.isHidden('#build-keyinfo'), true);
  await buildInPage();
  const file = await download('#build-download');
  assert.equal(cliVerify(file, '--trusted-key', pub).status, 'verified');
  assert.equal((await verifyInPage(s.page, file)).status, 'valid-untrusted');

  await s.page.fill('#build-key', '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
  await s.page.click('#build-button');
  await s.page.waitForSelector('#build-status[data-state="error"]');
  assert.match(await s.page.textContent('#build-status'), /E_KEY_FORMAT/);
  await s.page.click('#build-key-clear');
});

test('the editor’s manifest can replace the folder’s, and an invalid one blocks the build', async () => {
  await s.page.fill('#editor', '{"name": "x", "version": "1.0", "base_model": {"name": "m"}, "adapters": []}');
  await s.page.check('#build-use-editor');
  await s.page.waitForSelector('#build-summary[data-state="error"]');
  assert.equal(await s.page.isDisabled('#build-button'), true);
  assert.ok((await s.page.locator('#build-diagnostics li').count()) > 0);
  await s.page.uncheck('#build-use-editor');
  await s.page.waitForSelector('#build-summary[data-state="ok"]');
  assert.equal(await s.page.isEnabled('#build-button'), true);
});

test('the private key is never stored and no request leaves the page', async () => {
  const stored = await s.page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.doesNotMatch(stored, /PRIVATE KEY/);
  assert.deepEqual(s.errors, []);
  assertOwnOrigin(s.requests, s.url);
});
