// The declarations (js/index.d.ts) and the modules (js/api-exports.js)
// name the same exports: a name missing on either side fails the check.
import type * as declared from '../js/index.js';
import type * as implemented from '../js/api-exports.js';

type Declared = keyof typeof declared;
type Implemented = Exclude<keyof typeof implemented, '__testing'>;

export const everyExportIsDeclared: [Exclude<Implemented, Declared>] extends [never] ? true : false = true;
export const everyDeclarationIsExported: [Exclude<Declared, Implemented>] extends [never] ? true : false = true;
