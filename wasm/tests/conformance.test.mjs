// One verdict everywhere: the attack-named conformance corpus, judged by the
// built npm package exactly as expected.json says, with and without the
// inflate worker (the core, the CLI and the browser page run the same
// corpus).

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
    // On this thread and with inflate on a worker thread, from whole bytes
    // and from a stream of odd-sized chunks: all must agree, to the byte.
    const opts = { trustedKeys: [PUBLISHER] };
    const here = await ef.verifyPackage(readFileSync(pkg), { ...opts, worker: false });
    const worker = await ef.verifyPackage(readFileSync(pkg), { ...opts, worker: true });
    const streamed = await ef.verifyPackage(createReadStream(pkg, { highWaterMark: 4093 }), opts);
    const code = here.problems.length ? here.problems[0].code : null;
    if (here.status !== expected.status || code !== expected.problem_code) {
      failures.push(`${name}: got ${here.status}/${code}, expected ${expected.status}/${expected.problem_code}`);
    }
    for (const [how, v] of [['worker', worker], ['stream', streamed]]) {
      if (JSON.stringify(v) !== JSON.stringify(here)) failures.push(`${name} (${how}): ${JSON.stringify(v)} differs from ${JSON.stringify(here)}`);
    }
  }
  assert.deepEqual(failures, []);
});
