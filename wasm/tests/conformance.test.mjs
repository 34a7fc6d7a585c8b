// One verdict everywhere: the attack-named conformance corpus, judged by the
// built npm package exactly as expected.json says (the core, the CLI and the
// browser page run the same corpus).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ef } from './helpers.mjs';

const CASES = join(ROOT, 'tests', 'conformance', 'cases');
const PUBLISHER = readFileSync(join(ROOT, 'tests', 'conformance', 'keys', 'publisher.pub'), 'utf8').trim();

test('every conformance case gets its expected status and first problem code', async () => {
  const names = readdirSync(CASES).sort();
  assert.ok(names.length >= 50, `only ${names.length} cases`);
  const failures = [];
  for (const name of names) {
    const pkg = join(CASES, name, 'package.expert');
    if (!existsSync(pkg)) continue;
    const expected = JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8'));
    // Whole bytes, and a stream of odd-sized chunks: both must agree.
    const whole = await ef.verifyPackage(readFileSync(pkg), { trustedKeys: [PUBLISHER] });
    const streamed = await ef.verifyPackage(createReadStream(pkg, { highWaterMark: 4093 }), { trustedKeys: [PUBLISHER] });
    for (const [how, v] of [['bytes', whole], ['stream', streamed]]) {
      const code = v.problems.length ? v.problems[0].code : null;
      if (v.status !== expected.status || code !== expected.problem_code) {
        failures.push(`${name} (${how}): got ${v.status}/${code}, expected ${expected.status}/${expected.problem_code}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
