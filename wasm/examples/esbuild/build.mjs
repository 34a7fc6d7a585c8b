// Bundles main.js and the package's inflate worker (a second entry, so that
// new URL('./inflate-worker.js', import.meta.url) finds it next to the
// bundle) for browsers, and copies the .wasm and index.html beside them.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const pkg = dirname(createRequire(import.meta.url).resolve('expert-format/package.json'));
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: { main: 'main.js', 'inflate-worker': join(pkg, 'inflate-worker.js') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: 'dist',
  logLevel: 'warning',
});
copyFileSync(join(pkg, 'expert_wasm_bg.wasm'), 'dist/expert_wasm_bg.wasm');
writeFileSync('dist/index.html', readFileSync('index.html', 'utf8'));
