// @ts-check
// The build worker (build-worker.js): one build at a time, each on a fresh
// worker, since ending a worker is what gives its memory back, and the only
// way to stop packaging at once.

/**
 * Starts the first worker; `onMessage` hears the current build's messages
 * only (progress, built, error).
 * @param {typeof import('./util.js').startWorker} startWorker
 * @param {(msg: any) => void} onMessage
 */
export function buildRunner(startWorker, onMessage) {
  let current = 0;
  /** @type {Worker} */
  let worker;
  /** @type {Promise<Worker>} */
  let ready;
  function spawn() {
    const w = startWorker('./build-worker.js', (msg) => {
      if (msg.id === current) onMessage(msg);
    });
    worker = w.worker;
    ready = w.ready;
    return ready;
  }
  /** Ends the worker; a fresh one starts. */
  function renew() {
    worker.terminate();
    spawn();
  }
  return {
    /** Resolves once the first worker has loaded the core. */
    ready: spawn(),
    /**
     * Posts a build (build-worker.js's message, without type and id) once
     * the worker is ready, unless another build or a stop came first.
     * @param {object} request
     */
    async start(request) {
      const id = ++current;
      const w = await ready;
      if (id === current) w.postMessage({ type: 'build', id, ...request });
    },
    renew,
    /** Stops the build under way at once: its messages are ignored from now on. */
    stop() {
      current += 1;
      renew();
    },
  };
}
