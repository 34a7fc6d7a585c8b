// FileReaderSync exists in Web Workers only (lib webworker, which cannot be
// combined with lib dom); api.js tests for it before use.
declare class FileReaderSync {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}
