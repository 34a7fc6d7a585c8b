// @ts-check
// The public API, re-exported by both entry points (index.js, node.js).
export {
  buildPackage,
  createVerifier,
  generateKeyPair,
  inspectPackage,
  packageFileName,
  selectModel,
  validateManifest,
  verifyAndInspect,
  verifyPackage,
  wasmMemoryBytes,
  __testing,
} from './api.js';
export { keyId, modelNames, parsePublicKey, parseTimestamp, sidecar } from './helpers.js';
export { installDecision } from './install.js';
/** Every stable code, its default expert-cli exit status and its meaning (generated; docs/CODES.md). */
export { codes } from './codes.js';
