// The worst-case corpus (tests/worst-case/generate.py: inputs at our own
// limits) chosen in the page with the publisher key trusted: each gets the
// verdict its expected.json records, as in the core, the CLI and the npm
// package, and the page stays responsive enough to show it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { addTrustedKey, openPage, publisherKey, ROOT, verifyInPage } from './helpers.mjs';

const PYTHON = process.env.EXPERT_TEST_PYTHON ?? 'python3';
const out = mkdtempSync(join(tmpdir(), 'expert-worst-case-web-'));

let s;
before(async () => {
  const gen = spawnSync(PYTHON, [join(ROOT, 'tests', 'worst-case', 'generate.py'), out], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  s = await openPage();
  await addTrustedKey(s.page, publisherKey(), 'conformance publisher');
});
after(async () => {
  await s?.close();
  rmSync(out, { recursive: true, force: true });
});

test('the page judges every worst-case input as expected.json says', async () => {
  const cases = join(out, 'cases');
  const names = readdirSync(cases).sort();
  assert.ok(names.length >= 6, `only ${names.length} worst-case inputs`);
  const disagreements = [];
  for (const name of names) {
    const expected = JSON.parse(readFileSync(join(cases, name, 'expected.json'), 'utf8'));
    const got = await verifyInPage(s.page, join(cases, name, 'package.expert'), { timeout: 120_000 });
    const have = `${got.status}/${got.problem ?? null}`;
    const want = `${expected.status}/${expected.problem_code ?? null}`;
    if (got.state !== 'done' || have !== want) disagreements.push(`${name}: expected ${want}, page shows ${got.state === 'done' ? have : `an error: ${got.text}`}`);
  }
  assert.deepEqual(disagreements, []);
});
