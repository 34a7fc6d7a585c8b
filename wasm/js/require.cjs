// expert-format is an ES module only: it loads its WebAssembly with
// top-level await, which require() cannot wait for. This file is what
// require('expert-format') finds (the "require" export condition).
'use strict';
const e = new Error(
  "expert-format is an ES module and cannot be loaded with require(). Use `import { verifyPackage } from 'expert-format'` " +
    "in an ES module (.mjs, or \"type\": \"module\"), or `const { verifyPackage } = await import('expert-format')` from CommonJS.",
);
e.code = 'ERR_REQUIRE_ESM';
throw e;
