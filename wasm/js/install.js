// @ts-check
// `installDecision`: would `expert-cli install` install this package, given
// the user's registry, trust store and flags? The decision is the core's
// (expert_core::install::decide, wasm/src/install.rs); this file only
// coerces the inputs.

import * as core from './expert_wasm.js';
import { fail } from './errors.js';
import { guard } from './instance.js';
import { manifestBytes } from './helpers.js';
import { trustedKeyList } from './api.js';

const FLAGS = ['allowUnsigned', 'allowLegacy', 'allowUntrusted', 'allowDowngrade', 'repin'];

/**
 * @param {unknown} report a `verifyAndInspect` result
 * @param {any} [options] `{registry, trustStore, trustedKeys, allowUnsigned, allowLegacy, allowUntrusted, allowDowngrade, repin}`
 * @returns {{install: boolean, code?: string, message?: string, hint?: string}}
 */
export function installDecision(report, options) {
  if (report === null || typeof report !== 'object' || !('verdict' in report)) {
    throw fail('E_BAD_ARGUMENT', 'report must be what verifyAndInspect returned');
  }
  if (options !== undefined && options !== null && typeof options !== 'object') {
    throw fail('E_BAD_ARGUMENT', 'options must be an object');
  }
  /** @type {Record<string, boolean | string[]>} */
  const flags = { trustedKeys: trustedKeyList(options) };
  for (const name of FLAGS) {
    const v = options?.[name];
    if (v !== undefined && typeof v !== 'boolean') throw fail('E_BAD_ARGUMENT', `${name} must be a boolean`);
    if (v !== undefined) flags[name] = v;
  }
  const file = (/** @type {string} */ name) => {
    const v = options?.[name];
    return v === undefined || v === null ? undefined : manifestBytes(v, name);
  };
  return guard(() =>
    core.installDecision(JSON.stringify(report), file('registry'), file('trustStore'), JSON.stringify(flags)),
  );
}
