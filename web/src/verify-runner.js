// @ts-check
// The verification worker (verify-worker.js): one check at a time. A newer
// file or a cancel ends the check under way at once, by ending its worker
// (a fresh one starts), and its late messages are dropped: only the
// current job's are heard.

/**
 * Starts the first worker. `trustedKeys()` gives the keys a check is made
 * with; `onMessage` hears the current check's messages only (progress,
 * result, error); `onFailure(message)` hears a worker that fails.
 * @param {{
 *   startWorker: typeof import('./util.js').startWorker,
 *   trustedKeys: () => string[],
 *   onMessage: (msg: any) => void,
 *   onFailure: (message: string) => void,
 * }} deps
 */
export function verifyRunner({ startWorker, trustedKeys, onMessage, onFailure }) {
  /** The current check's id: each new check or cancel makes a new one. */
  let job = 0;
  /** A check is under way in `worker`. */
  let checking = false;
  /** @type {Worker} */
  let worker;
  /** @type {Promise<Worker>} */
  let ready;

  /** A new worker, loading while nothing runs. */
  function spawn() {
    const v = startWorker('./verify-worker.js', (msg) => {
      if (msg.id !== job) return;
      if (msg.type === 'result' || msg.type === 'error') checking = false;
      onMessage(msg);
    });
    worker = v.worker;
    ready = v.ready;
    worker.addEventListener('error', (e) => onFailure(`The verification worker failed: ${e.message}`));
  }

  /** Ends the check under way at once: its worker goes, a fresh one starts. */
  function end() {
    if (!checking) return;
    checking = false;
    worker.terminate();
    spawn();
  }

  spawn();
  return {
    get job() {
      return job;
    },
    /** Resolves once the current worker has loaded the core. */
    get ready() {
      return ready;
    },
    /** A new check, ending the one under way: its id. */
    begin() {
      end();
      checking = true;
      return ++job;
    },
    /**
     * Sends check `id`'s file once the worker is ready, unless a newer
     * check or a cancel came first.
     * @param {number} id
     * @param {File} file
     */
    async post(id, file) {
      const w = await ready;
      if (id !== job) return;
      w.postMessage({ type: 'verify', id, file, trustedKeys: trustedKeys() });
    },
    /** Cancels the check under way: the new job's id, or null when none was. */
    cancel() {
      if (!checking) return null;
      job += 1;
      end();
      return job;
    },
  };
}
