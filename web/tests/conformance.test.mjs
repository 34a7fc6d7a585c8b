// "One verdict everywhere": every package of the conformance corpus, chosen
// in the page with the publisher key trusted, gets the status (and first
// problem code) that its expected.json records — the same expectations the
// core, the CLI and the npm package are tested against.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { addTrustedKey, assertOwnOrigin, CONFORMANCE, openPage, publisherKey, verifyInPage } from './helpers.mjs';

const CASES = join(CONFORMANCE, 'cases');
const names = existsSync(CASES)
  ? readdirSync(CASES)
      .filter((n) => existsSync(join(CASES, n, 'package.expert')) && existsSync(join(CASES, n, 'expected.json')))
      .sort()
  : [];

let s;
before(async () => {
  s = await openPage();
  await addTrustedKey(s.page, publisherKey(), 'conformance publisher');
});
after(async () => {
  await s?.close();
});

test('the conformance corpus is there', () => {
  assert.ok(names.length >= 100, `expected the conformance corpus under ${CASES}, found ${names.length} cases`);
});

test('the page judges every conformance case as expected.json says', async () => {
  const disagreements = [];
  const started = Date.now();
  for (const name of names) {
    const expected = JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8'));
    const got = await verifyInPage(s.page, join(CASES, name, 'package.expert'));
    const want = { status: expected.status, problem: expected.problem_code ?? null };
    const have = { status: got.status, problem: got.problem ?? null };
    if (got.state !== 'done' || have.status !== want.status || have.problem !== want.problem) {
      disagreements.push(`${name}: expected ${want.status}/${want.problem}, page shows ${got.state === 'done' ? `${have.status}/${have.problem}` : `an error: ${got.text}`}`);
    }
  }
  console.log(`# ${names.length} conformance cases judged in the page in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.deepEqual(disagreements, [], `${disagreements.length} of ${names.length} cases disagree:\n${disagreements.join('\n')}`);
});

test('in the browser, the npm package judges every case the same with its inflate Web Worker as without', async () => {
  // The page itself inflates in a second worker only for large files; this
  // runs the whole corpus through that path, from the page's main thread.
  const cases = names.map((name) => [name, readFileSync(join(CASES, name, 'package.expert')).toString('base64')]);
  const differ = await s.page.evaluate(async ({ cases, key }) => {
    const ef = await import('./pkg/index.js');
    // Count inflate workers that really ran, so a silent fallback to one
    // thread cannot pass for the worker path.
    let ran = 0;
    const RealWorker = window.Worker;
    window.Worker = class extends RealWorker {
      constructor(url, options) {
        super(url, options);
        if (String(url).endsWith('/inflate-worker.js')) this.addEventListener('message', (e) => (ran += e.data?.ready ? 1 : 0));
      }
    };
    const out = [];
    for (const [name, b64] of cases) {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const opts = { trustedKeys: [key] };
      const here = JSON.stringify(await ef.verifyAndInspect(bytes, { ...opts, worker: false }));
      const worker = JSON.stringify(await ef.verifyAndInspect(new Blob([bytes]), { ...opts, worker: true }));
      if (here !== worker) out.push(`${name}: ${worker} differs from ${here}`);
    }
    window.Worker = RealWorker;
    return { out, ran };
  }, { cases, key: publisherKey() });
  assert.deepEqual(differ.out, []);
  assert.equal(differ.ran, cases.length, 'every case ran through an inflate worker');
});

test('no console errors and no request outside the page while judging the corpus', () => {
  assert.deepEqual(s.errors, []);
  assertOwnOrigin(s.requests, s.url);
});
