// @ts-check
// Small DOM and formatting helpers shared by the page's modules.

export const $ = (sel, root = document) => root.querySelector(sel);

/** Creates an element: h('td', {class: 'num', title: 'x'}, 'text', child, …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** 1234567 -> "1.2 MB" (decimal units, as file managers show). */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '—';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}

export function exactBytes(n) {
  return `${Number(n).toLocaleString('en-US')} bytes`;
}

/** Offers `blob` as a download named `name` (a local save: nothing is sent). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Wires drag-and-drop onto `el`; `onDrop(event)` gets the drop event. */
export function dropTarget(el, onDrop) {
  let depth = 0;
  el.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    el.classList.add('over');
  });
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  el.addEventListener('dragleave', () => {
    if (--depth <= 0) {
      depth = 0;
      el.classList.remove('over');
    }
  });
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    depth = 0;
    el.classList.remove('over');
    onDrop(e);
  });
}

export function debounce(fn, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Starts a module worker (`url` relative to this directory); `ready`
 * resolves once it has loaded the core and posted {type: 'ready'}. Its
 * other messages go to `onMessage`.
 * @param {string} url
 * @param {(msg: any) => void} onMessage
 * @returns {{ worker: Worker, ready: Promise<Worker> }}
 */
export function startWorker(url, onMessage) {
  const worker = new Worker(new URL(url, import.meta.url), { type: 'module' });
  /** @type {Promise<Worker>} */
  const ready = new Promise((ok, fail) => {
    worker.addEventListener('message', function first(e) {
      if (e.data?.type === 'ready') {
        worker.removeEventListener('message', first);
        ok(worker);
      }
    });
    worker.addEventListener('error', (e) => fail(new Error(e.message || `${url} failed to start`)), { once: true });
  });
  worker.addEventListener('message', (e) => {
    if (e.data?.type !== 'ready') onMessage(e.data);
  });
  return { worker, ready };
}
