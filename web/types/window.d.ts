// What early.js (a classic script in <head>) leaves on window for app.js.
interface Window {
  expertPackageInput: {
    /** Hands each chosen file to `fn`, first the one chosen while starting. */
    listen(fn: (file: File) => void): void;
  };
}
