// Stamped into sw.js by web/build.mjs: the URLs it precaches.
declare const __ASSETS__: string[];
