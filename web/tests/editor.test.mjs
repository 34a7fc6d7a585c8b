// The manifest editor: live diagnostics from validateManifest at the line
// that tests/fixtures/invalid-manifests/expected.json records, a click on a
// finding moves the caret there, and the example loads in one click.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertOwnOrigin, openPage, ROOT, screenshot } from './helpers.mjs';

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'invalid-manifests');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'multi-model-expert', 'manifest.json'), 'utf8');

let s;
before(async () => {
  s = await openPage();
});
after(async () => {
  await s?.close();
});

/** Types `text` into the editor and waits for the debounced validation. */
async function typeManifest(text) {
  const rev = Number((await s.page.getAttribute('#editor-status', 'data-rev')) || 0);
  await s.page.fill('#editor', text);
  const length = text.replace(/\r\n/g, '\n').length;
  await s.page.waitForFunction(
    ([r, n]) => {
      const d = document.querySelector('#editor-status').dataset;
      return Number(d.rev) > r && Number(d.length) === n && document.querySelector('#editor').value.length === n;
    },
    [rev, length],
  );
}

/** Line (1-based) of the caret in the editor. */
const caretLine = () => s.page.$eval('#editor', (ta) => ta.value.slice(0, ta.selectionStart).split('\n').length);

test('the example manifest loads with one click and is valid', async () => {
  await s.page.click('#load-example');
  await s.page.waitForSelector('#editor-status[data-valid="true"]');
  assert.equal(await s.page.inputValue('#editor'), EXAMPLE.replace(/\r\n/g, '\n'));
  assert.match(await s.page.textContent('#editor-status'), /Valid v2\.0 manifest/);
  assert.equal(await s.page.locator('#diagnostics li[data-severity="error"]').count(), 0);
});

for (const [file, want] of Object.entries(EXPECTED)) {
  test(`${file}: ${want.code} at line ${want.line}, and a click moves the caret there`, async () => {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    await typeManifest(text);
    assert.equal(await s.page.getAttribute('#editor-status', 'data-valid'), 'false');
    const items = await s.page.$$eval('#diagnostics li', (lis) => lis.map((li) => ({ ...li.dataset })));
    const hit = items.find((d) => d.code === want.code && d.path === want.path);
    assert.ok(hit, `no ${want.code} at ${want.path} among ${JSON.stringify(items)}`);
    assert.equal(Number(hit.line), want.line, `${want.code} shown at line ${hit.line}`);
    // The gutter marks the line.
    const marked = await s.page.$$eval('#editor-gutter div.err', (ds) => ds.map((d) => Number(d.textContent)));
    assert.ok(marked.includes(want.line), `gutter marks ${marked}, not ${want.line}`);
    // Move the caret away, then click the finding.
    await s.page.$eval('#editor', (ta) => ta.setSelectionRange(ta.value.length, ta.value.length));
    await s.page.click(`#diagnostics li[data-code="${want.code}"][data-path="${want.path}"] button`);
    assert.equal(await caretLine(), want.line);
    assert.equal(await s.page.evaluate(() => document.activeElement.id), 'editor');
    if (hit.column) {
      const col = await s.page.$eval('#editor', (ta) => [...ta.value.slice(0, ta.selectionStart).split('\n').pop()].length + 1);
      assert.equal(col, Number(hit.column));
    }
  });
}

test('the broken spot is underlined in the editor (screenshot)', async () => {
  const text = readFileSync(join(FIXTURES, 'rank-is-a-string.json'), 'utf8');
  await typeManifest(text);
  await s.page.click('#diagnostics li[data-code="E_TYPE"] button');
  const mark = await s.page.$eval('#editor-marks mark.err', (m) => m.textContent);
  assert.match(mark, /^"/, `underlined ${mark}`);
  await screenshot(await s.page.$('#author'), 'editor');
});

test('no console errors, nothing requested outside the page', () => {
  assert.deepEqual(s.errors, []);
  assertOwnOrigin(s.requests, s.url);
});
