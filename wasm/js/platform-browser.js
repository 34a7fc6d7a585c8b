// @ts-check
// Browsers (and other non-Node hosts): the .wasm is fetched next to this
// file, the inflate worker is a module Web Worker. Bundlers find both
// through `new URL(..., import.meta.url)`.

/** The compiled module; compileStreaming needs the application/wasm type. */
/**
 * @param {URL} url
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileWasm(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`failed to fetch ${url}: ${response.status} ${response.statusText}`);
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.split(';')[0] === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** No file descriptors here: FileHandle sources are Node's. */
export const fs = null;

export function workersAvailable() {
  return typeof Worker === 'function';
}

/** inflate-worker.js as `{post(msg, transfer), listen(onMessage, onError), close()}`. */
/** @returns {import('./platform.js').Inflater} */
export function spawnInflater() {
  const w = new Worker(new URL('./inflate-worker.js', import.meta.url), { type: 'module' });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    listen(onMessage, onError) {
      w.onmessage = (event) => onMessage(event.data);
      w.onerror = (event) => {
        event.preventDefault?.();
        onError(new Error(event.message || 'it could not load'));
      };
      w.onmessageerror = () => onError(new Error('a message could not be read'));
    },
    close: () => w.terminate(),
  };
}
