// @ts-check
// The Build panel's expert folder: the folder picker, loose files and a
// dropped directory, each turned into [{path, file}], and the expert root
// among them.

import { $, dropTarget } from './util.js';

/** Files of a dropped directory, recursively, as [{path, file}]. */
async function filesFromEntries(entries) {
  const out = [];
  const readAll = (reader) =>
    new Promise((ok, fail) => {
      const all = [];
      const next = () =>
        reader.readEntries((batch) => {
          if (!batch.length) return ok(all);
          all.push(...batch);
          next();
        }, fail);
      next();
    });
  async function walk(entry, prefix) {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      out.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      for (const child of await readAll(entry.createReader())) await walk(child, `${prefix}${entry.name}/`);
    }
  }
  for (const e of entries) await walk(e, '');
  return out;
}

/**
 * The expert root among `list` ([{path, file}]): the folder of the
 * shallowest manifest.json. Returns its files with paths relative to it.
 * Version-control folders (.git) are left out: a package never holds them.
 */
export function expertRoot(list) {
  const manifests = list.filter((f) => f.path === 'manifest.json' || f.path.endsWith('/manifest.json'));
  if (!manifests.length) return null;
  manifests.sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  const prefix = manifests[0].path.slice(0, -'manifest.json'.length);
  const files = list
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => ({ path: f.path.slice(prefix.length), file: f.file }))
    .filter((f) => !f.path.split('/').some((seg) => seg === '.git'));
  return { name: prefix.replace(/\/$/, '').split('/').pop() || '(files)', files, manifestFile: manifests[0].file };
}

/** Hands each choice of files, however made, to `onList([{path, file}])`. */
export function listenForFiles(onList) {
  for (const id of ['#build-input', '#build-files']) {
    $(id).addEventListener('change', (e) => {
      const list = [...e.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
      e.target.value = '';
      onList(list);
    });
  }
  dropTarget($('#build-drop'), async (e) => {
    // Entries must be taken before the handler returns.
    const entries = [...e.dataTransfer.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
    const list = entries.length ? await filesFromEntries(entries) : [...e.dataTransfer.files].map((file) => ({ path: file.name, file }));
    onList(list);
  });
}
