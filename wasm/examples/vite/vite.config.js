// Module workers: inflate-worker.js imports the package's other modules.
export default { worker: { format: 'es' }, build: { target: 'es2022' } };
