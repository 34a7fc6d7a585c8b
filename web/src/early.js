// @ts-check
// A classic script in <head>, run before the page's modules load: it hears
// every change of #package-input from the moment the element exists, and
// keeps the file chosen while the page is still starting until app.js
// takes it (SPEC §10: a file chosen at any moment gets a verdict).

(() => {
  let pending = null;
  let handler = null;
  document.addEventListener(
    'change',
    (e) => {
      const input = /** @type {HTMLInputElement | null} */ (e.target);
      if (!input || input.id !== 'package-input') return;
      const file = input.files && input.files[0];
      // Cleared, so that choosing the same file again checks it again.
      input.value = '';
      if (!file) return;
      if (handler) return handler(file);
      pending = file;
      const verdict = document.getElementById('verdict');
      if (verdict) {
        verdict.dataset.state = 'queued';
        const title = document.getElementById('verdict-title');
        if (title) title.textContent = `${file.name} will be checked as soon as the page has started…`;
      }
    },
    true,
  );
  window.expertPackageInput = {
    /** Hands each chosen file to `fn`, first the one chosen while starting. */
    listen(fn) {
      handler = fn;
      const file = pending;
      pending = null;
      if (file) fn(file);
    },
  };
})();
