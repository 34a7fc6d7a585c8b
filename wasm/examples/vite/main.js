// expert-format in a Vite app: the package's "browser" entry, its .wasm and
// its inflate worker are found through new URL(..., import.meta.url).
import { validateManifest, verifyPackage } from 'expert-format';

const out = document.querySelector('#out');
document.querySelector('#pkg').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  // worker: true — the inflate worker runs even for a small file.
  const verdict = await verifyPackage(file, { trustedKeys: [], worker: true });
  out.dataset.status = verdict.status;
  out.textContent = `${file.name}: ${verdict.status}`;
});
document.body.dataset.ready = String(validateManifest('{}').valid === false);
