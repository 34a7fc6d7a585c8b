// One verdict everywhere: the attack-named conformance corpus, judged by the
// built npm package exactly as expected.json says, with and without the
// inflate worker, and with verifyAndInspect's one-pass inspection equal to
// inspectPackage's (the core, the CLI and the browser page run the same
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
    const here = await ef.verifyAndInspect(readFileSync(pkg), { ...opts, worker: false });
    const worker = await ef.verifyAndInspect(readFileSync(pkg), { ...opts, worker: true });
    const streamed = await ef.verifyAndInspect(createReadStream(pkg, { highWaterMark: 4093 }), opts);
    const v = here.verdict;
    const code = v.problems.length ? v.problems[0].code : null;
    if (v.status !== expected.status || code !== expected.problem_code) {
      failures.push(`${name}: got ${v.status}/${code}, expected ${expected.status}/${expected.problem_code}`);
    }
    for (const [how, r] of [['worker', worker], ['stream', streamed]]) {
      if (JSON.stringify(r) !== JSON.stringify(here)) failures.push(`${name} (${how}): ${JSON.stringify(r)} differs from ${JSON.stringify(here)}`);
    }
    // The one-pass inspection is inspectPackage's result, or its error.
    const inspected = await ef.inspectPackage(readFileSync(pkg)).then(
      (inspection) => ({ inspection, inspectError: null }),
      (e) => ({ inspection: null, inspectError: { code: e.code, message: e.message } }),
    );
    if (JSON.stringify(inspected) !== JSON.stringify({ inspection: here.inspection, inspectError: here.inspectError })) {
      failures.push(`${name}: one-pass inspection ${JSON.stringify([here.inspection, here.inspectError])} differs from inspectPackage ${JSON.stringify(inspected)}`);
    }
  }
  assert.deepEqual(failures, []);
});
