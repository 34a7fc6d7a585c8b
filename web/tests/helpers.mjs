// Shared set-up for the browser tests: builds the page into a temporary
// directory, serves it in-process on 127.0.0.1 (ephemeral port), and opens
// it in Debian's Chromium through playwright-core with a fresh profile.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from '../build.mjs';
import { startServer } from '../server.mjs';

export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(WEB, '..');
export const CONFORMANCE = join(ROOT, 'tests', 'conformance');
export const SHOTS = join(ROOT, 'target', 'web-screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CLI = join(ROOT, 'target', 'release', 'expert-cli');
export const PUBLISHER_PUB = join(CONFORMANCE, 'keys', 'publisher.pub');
export const publisherKey = () => readFileSync(PUBLISHER_PUB, 'utf8').trim();
export const casePath = (name) => join(CONFORMANCE, 'cases', name, 'package.expert');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Builds and serves the page, launches Chromium and opens the page.
 * Returns {page, context, url, server, errors, requests, close}; `errors`
 * collects console errors and uncaught exceptions of the page and its
 * workers; `requests` every URL the browser asked for.
 */
export async function openPage({ viewport = { width: 1280, height: 900 } } = {}) {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (scripts/test-web.sh does it)`);
  const site = mkdtempSync(join(tmpdir(), 'expert-web-site-'));
  build(site);
  const { server, url } = await startServer({ root: site });
  const profile = mkdtempSync(join(tmpdir(), 'expert-web-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
  });
  const errors = [];
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  const watch = (p) => {
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    p.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  };
  watch(page);
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`worker console: ${m.text()}`)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const close = async () => {
    await context.close().catch(() => {});
    server.closeAllConnections();
    server.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  };
  return { page, context, url, server, errors, requests, close, site };
}

/** Chooses `file` in #package-input and waits for its verdict. */
export async function verifyInPage(page, file, { timeout = 60_000 } = {}) {
  const before = Number((await page.getAttribute('#verdict', 'data-job')) || 0);
  await page.setInputFiles('#package-input', file);
  return waitVerdict(page, before + 1, timeout);
}

/** Waits until a verdict for job >= `minJob` is shown; returns its attributes. */
export async function waitVerdict(page, minJob, timeout = 60_000) {
  await page.waitForFunction(
    (min) => {
      const el = document.querySelector('#verdict');
      return Number(el.dataset.job) >= min && (el.dataset.state === 'done' || el.dataset.state === 'error');
    },
    minJob,
    { timeout, polling: 20 },
  );
  return page.$eval('#verdict', (el) => ({
    status: el.getAttribute('data-status'),
    problem: el.getAttribute('data-problem'),
    state: el.dataset.state,
    trusted: el.dataset.trusted,
    job: Number(el.dataset.job),
    title: document.querySelector('#verdict-title').textContent,
    text: el.textContent,
  }));
}

/** Adds `key` through the Trusted keys form and waits for it in the list. */
export async function addTrustedKey(page, key, name = '') {
  await page.fill('#key-input', key);
  if (name) await page.fill('#key-name', name);
  await page.click('#key-add');
  await page.waitForFunction((k) => [...document.querySelectorAll('#key-list li')].some((li) => li.dataset.pubkey === k), key.trim().toLowerCase());
}

export async function screenshot(target, name) {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await target.screenshot({ path });
  return path;
}

/** Only the page's own origin (and data:/blob: URLs) may be requested. */
export function assertOwnOrigin(requests, url) {
  const origin = new URL(url).origin;
  const foreign = requests.filter((r) => !r.startsWith(`${origin}/`) && !r.startsWith('data:') && !r.startsWith('blob:'));
  assert.deepEqual(foreign, [], `requests outside ${origin}`);
}
