// Shared by the npm tests: paths, the built package, the CLI to compare with.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const PKG_DIR = join(ROOT, 'wasm', 'pkg');
export const MULTI = join(ROOT, 'examples', 'multi-model-expert');
export const SINGLE = join(ROOT, 'examples', 'single-model-expert');

/** The debug CLI (scripts/test-npm.sh builds it); EXPERT_CLI overrides. */
export const CLI = process.env.EXPERT_CLI ?? join(ROOT, 'target', 'debug', 'expert-cli');
/** The release CLI, for the large package; EXPERT_CLI_RELEASE overrides. */
export const CLI_RELEASE = process.env.EXPERT_CLI_RELEASE ?? join(ROOT, 'target', 'release', 'expert-cli');

if (!existsSync(join(PKG_DIR, 'package.json'))) {
  throw new Error(`${PKG_DIR} is not built; run scripts/build-npm.sh (or scripts/test-npm.sh)`);
}

/** The built package's Node entry (what `import 'expert-format'` gives in Node). */
export const ef = await import(pathToFileURL(join(PKG_DIR, 'node.js')).href);

export function tempDir(t, prefix = 'expert-npm-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs the CLI with an empty trust store, no colors and (unless `env`
 * sets it) no SOURCE_DATE_EPOCH. Returns {status, stdout, stderr}.
 */
export function cli(args, { home, env = {}, bin = CLI } = {}) {
  const base = { ...process.env };
  delete base.SOURCE_DATE_EPOCH;
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    env: { ...base, NO_COLOR: '1', EXPERT_HOME: home ?? join(tmpdir(), 'expert-npm-no-home'), ...env },
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return r;
}

/** The CLI's `--json` output, parsed; `okStatuses` are the exit codes allowed. */
export function cliJson(args, opts = {}, okStatuses = [0]) {
  const r = cli(args, opts);
  if (!okStatuses.includes(r.status)) {
    throw new Error(`expert-cli ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return JSON.parse(r.stdout);
}

/** Every file under `dir` as {relative path: bytes}. */
export function readTree(dir) {
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split('\\').join('/')] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** A ReadableStream over `bytes` with irregular chunk sizes (1 byte to 64 KiB + 1). */
export function jaggedStream(bytes) {
  const sizes = [1, 7, 64, 511, 4096, 65537, 3];
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const n = sizes[i++ % sizes.length];
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}
