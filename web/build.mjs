#!/usr/bin/env node
// Builds the static site into web/dist/ (or the directory given with --out):
//   - the page's own files from web/src/;
//   - a copy of the built npm package expert-format (wasm/pkg/) in pkg/;
//   - the example manifest in examples/manifest.json;
//   - sw.js, the offline service worker, stamped with the list of assets and
//     a hash of their contents (a new build replaces the old cache).
// Nothing here is committed: web/dist/ is ignored. Run scripts/build-npm.sh
// first (scripts/serve-web.sh does it when wasm/pkg is missing or stale).

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(WEB, '..');
const SRC = join(WEB, 'src');
const PKG = join(ROOT, 'wasm', 'pkg');
const EXAMPLE = join(ROOT, 'examples', 'multi-model-expert', 'manifest.json');

/** Files of the npm package the page needs at run time. */
const PKG_FILES = ['index.js', 'codes.js', 'verify-in-worker.js', 'inflate-worker.js', 'expert_wasm.js', 'expert_wasm_bg.wasm', 'package.json'];

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function build(out = join(WEB, 'dist')) {
  for (const f of PKG_FILES) {
    if (!existsSync(join(PKG, f))) {
      throw new Error(`wasm/pkg/${f} is missing: run scripts/build-npm.sh (or scripts/serve-web.sh, which runs it)`);
    }
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const copy = (from, to) => {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  };
  for (const f of listFiles(SRC)) {
    if (relative(SRC, f) === 'sw.js') continue; // stamped below
    copy(f, join(out, relative(SRC, f)));
  }
  for (const f of PKG_FILES) copy(join(PKG, f), join(out, 'pkg', f));
  copy(EXAMPLE, join(out, 'examples', 'manifest.json'));

  // The service worker precaches every asset; its cache name is a hash of
  // all of them, so a rebuilt site never mixes old and new files.
  const assets = listFiles(out).map((f) => relative(out, f).split('\\').join('/'));
  const hash = createHash('sha256');
  for (const a of assets) hash.update(a).update('\0').update(readFileSync(join(out, a))).update('\0');
  const version = hash.digest('hex').slice(0, 16);
  const urls = ['./', ...assets];
  const sw = readFileSync(join(SRC, 'sw.js'), 'utf8')
    .replace('__VERSION__', version)
    .replace('__ASSETS__', JSON.stringify(urls));
  writeFileSync(join(out, 'sw.js'), sw);
  return { out, version, assets: [...assets, 'sw.js'] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const { out, version, assets } = build(i > 0 ? resolve(process.argv[i + 1]) : undefined);
  console.log(`built ${relative(process.cwd(), out) || '.'} (${assets.length} files, version ${version})`);
}
