// @ts-check
// The packages dropped to be checked: on the Verify panel's drop zone, or
// anywhere on the page (#package-input is early.js's).

import { $, dropTarget } from './util.js';

/** Hands each dropped package to `onFile(file)`. */
export function listenForPackages(onFile) {
  dropTarget($('#package-drop'), (e) => {
    const file = e.dataTransfer.files[0];
    if (file) onFile(file);
  });
  // A file dropped anywhere else must not make the browser open it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file && /\.expert$/i.test(file.name)) {
      onFile(file);
      $('#verify').scrollIntoView();
    }
  });
}
