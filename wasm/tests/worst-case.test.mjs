// The worst-case corpus (tests/worst-case/generate.py: inputs at our own
// limits, generated because they are too big to commit) judged by the built
// npm package: each finishes with the verdict its expected.json records, as
// in the core and the CLI. Times live in scripts/bench.sh worst-case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ef, tempDir } from './helpers.mjs';

const PUBLISHER = readFileSync(join(ROOT, 'tests', 'conformance', 'keys', 'publisher.pub'), 'utf8').trim();
const PYTHON = process.env.EXPERT_TEST_PYTHON ?? 'python3';

test('every worst-case input gets its expected verdict from the npm package', async (t) => {
  const out = tempDir(t, 'expert-worst-case-');
  const gen = spawnSync(PYTHON, [join(ROOT, 'tests', 'worst-case', 'generate.py'), out], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const cases = join(out, 'cases');
  const names = readdirSync(cases).sort();
  assert.ok(names.length >= 6, `only ${names.length} worst-case inputs`);
  const failures = [];
  for (const name of names) {
    const expected = JSON.parse(readFileSync(join(cases, name, 'expected.json'), 'utf8'));
    const v = await ef.verifyPackage(readFileSync(join(cases, name, 'package.expert')), { trustedKeys: [PUBLISHER], worker: false });
    const code = v.problems.length ? v.problems[0].code : null;
    if (v.status !== expected.status || code !== expected.problem_code) {
      failures.push(`${name}: got ${v.status}/${code}, expected ${expected.status}/${expected.problem_code}`);
    }
  }
  assert.deepEqual(failures, []);
});
