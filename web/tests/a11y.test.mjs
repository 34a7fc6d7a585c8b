// Accessibility: axe-core (web/node_modules/axe-core, put into the page by
// the test) finds no violation in any verdict state or the editor; verdict
// labels and the editor gutter have a contrast of at least 4.5:1; the file
// buttons show a focus ring; the editor says how to leave it with the
// keyboard, and Esc then Tab does.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { casePath, openPage, ROOT, verifyInPage, WEB } from './helpers.mjs';

const AXE = readFileSync(join(WEB, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'expert-web-a11y-'));
let s;
before(async () => {
  s = await openPage();
  // Through the debugging protocol, so the page's CSP does not apply.
  await s.page.evaluate(AXE);
});
after(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** axe's violations in the page, as "rule: target" lines. */
async function violations() {
  return s.page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${(n.any[0] ?? n.all[0] ?? n.none[0])?.message ?? ''})`));
  });
}

test('the control: axe reports a violation the page does not have', async () => {
  const found = await s.page.evaluate(async () => {
    const img = document.createElement('img');
    img.src = 'data:,';
    document.body.append(img);
    const r = await window.axe.run(img);
    img.remove();
    return r.violations.map((v) => v.id);
  });
  assert.ok(found.includes('image-alt'), String(found));
});

test('no violation before any file', async () => {
  assert.deepEqual(await violations(), []);
});

const STATES = {
  'valid-untrusted': 'good-signed-trusted',
  invalid: 'weight-byte-flipped',
  unsigned: 'good-unsigned',
  legacy: 'legacy-upstream-signed',
  'invalid (hostile)': 'path-traversal-dotdot',
};
for (const [state, name] of Object.entries(STATES)) {
  test(`no violation with a ${state} verdict`, async () => {
    const v = await verifyInPage(s.page, casePath(name));
    assert.equal(v.status, state.split(' ')[0]);
    assert.deepEqual(await violations(), []);
  });
}

test('no violation with a verified verdict, nor for a file that is not a package', async () => {
  await s.page.fill('#key-input', readFileSync(join(ROOT, 'tests', 'conformance', 'keys', 'publisher.pub'), 'utf8'));
  await s.page.click('#key-add');
  await s.page.waitForSelector('#key-list li');
  assert.equal((await verifyInPage(s.page, casePath('good-signed-trusted'))).status, 'verified');
  assert.deepEqual(await violations(), []);
  const json = join(dir, 'manifest.json');
  writeFileSync(json, '{"name": "x"}');
  assert.equal((await verifyInPage(s.page, json)).status, 'invalid');
  assert.deepEqual(await violations(), []);
});

/** Contrast ratio of two CSS rgb() colours (WCAG 2). */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('verdict labels reach 4.5:1 on every verdict colour', async () => {
  for (const status of ['verified', 'valid-untrusted', 'invalid', 'unsigned', 'legacy']) {
    const [fg, bg] = await s.page.evaluate((st) => {
      const el = document.querySelector('#verdict');
      el.dataset.status = st;
      return [getComputedStyle(document.querySelector('#verdict-facts dt')).color, getComputedStyle(el).backgroundColor];
    }, status);
    assert.ok(contrast(fg, bg) >= 4.5, `${status}: ${fg} on ${bg} is ${contrast(fg, bg).toFixed(2)}:1`);
  }
  assert.ok(contrast('rgb(102, 112, 133)', 'rgb(253, 235, 234)') < 4.5, 'the check can fail (the old label grey)');
});

test('the editor: no violation, a gutter of 4.5:1, and the keyboard can leave it', async () => {
  await s.page.click('#load-example');
  await s.page.waitForSelector('#editor-status[data-valid="true"]');
  assert.deepEqual(await violations(), []);
  // An invalid manifest marks the gutter.
  await s.page.fill('#editor', '{\n  "name": "x",\n  "version": "not semver"\n}\n');
  await s.page.waitForSelector('#editor-status[data-valid="false"]');
  assert.deepEqual(await violations(), []);
  const pairs = await s.page.$$eval('#editor-gutter div', (divs) => divs.map((d) => [d.className, getComputedStyle(d).color, getComputedStyle(d).backgroundColor, getComputedStyle(d.parentElement).backgroundColor]));
  assert.ok(pairs.length >= 4);
  for (const [cls, fg, bg, parentBg] of pairs) {
    const back = bg === 'rgba(0, 0, 0, 0)' ? parentBg : bg;
    assert.ok(contrast(fg, back) >= 4.5, `gutter line (${cls || 'plain'}): ${fg} on ${back} is ${contrast(fg, back).toFixed(2)}:1`);
  }
  // Tab indents; the way out is written next to the editor and works.
  const hint = await s.page.$eval('#editor', (ta) => document.getElementById(ta.getAttribute('aria-describedby'))?.textContent);
  assert.match(hint, /Esc.*Tab/);
  await s.page.focus('#editor');
  await s.page.keyboard.press('End');
  await s.page.keyboard.press('Tab');
  assert.equal(await s.page.evaluate(() => document.activeElement.id), 'editor', 'Tab stays to indent');
  await s.page.keyboard.press('Escape');
  await s.page.keyboard.press('Tab');
  assert.notEqual(await s.page.evaluate(() => document.activeElement.id), 'editor', 'Esc then Tab leaves');
});

test('file buttons show a focus ring when reached with the keyboard', async () => {
  for (const [before, input] of [['#key-add', '#key-file'], ['#load-example', '#editor-open']]) {
    await s.page.focus(before);
    await s.page.keyboard.press('Tab');
    assert.equal(await s.page.evaluate(() => `#${document.activeElement.id}`), input);
    const outline = await s.page.$eval(`label[for="${input.slice(1)}"]`, (l) => getComputedStyle(l).outlineStyle + ' ' + getComputedStyle(l).outlineWidth);
    assert.equal(outline, 'solid 3px', `${input}: ${outline}`);
  }
});
