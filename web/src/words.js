// @ts-check
// Plain words for what went wrong: the headline of an invalid verdict, and
// key errors without the npm API's argument names. The judgement (the
// problem codes and the files they name) is expert-format's; this file only
// chooses the words people read first. The details stay below them.

/** The first file the verdict marks as failed, if any. */
const failedFile = (v) => v.files.find((f) => !f.ok)?.path;

/** Sentences for a problem code; `file` is the failed file's path. */
const BY_CODE = {
  E_FILE_HASH_MISMATCH: (file) => (file ? `The file ${file} was changed after signing.` : 'A file was changed after signing.'),
  E_FILE_SIZE_MISMATCH: (file) => (file ? `The file ${file} was changed after signing.` : 'A file was changed after signing.'),
  E_FILE_UNLISTED: (file) => (file ? `The file ${file} was added after signing.` : 'A file was added after signing.'),
  E_FILE_RENAMED: (file) => (file ? `The file ${file} was renamed after signing.` : 'A file was renamed after signing.'),
  E_FILE_MISSING: () => 'A signed file was removed from the package.',
  E_MANIFEST_DIGEST_MISMATCH: () => 'The manifest (name, version, base model or adapter settings) was changed after signing.',
  E_SIGNATURE_INVALID: () => 'The signature does not match: the package was changed after signing, or the signature is forged.',
  E_KEY_ID_MISMATCH: () => 'The signature names a key other than the one it carries.',
  E_MANIFEST_MISSING: () => 'The package has no manifest.json, so there is nothing to check it against.',
  E_GZIP_TRUNCATED: () => 'The file is cut short: probably an incomplete download.',
  E_TAR_TRUNCATED: () => 'The file is cut short: probably an incomplete download.',
  E_DEFLATE: () => 'The file is damaged: its compressed data is corrupt.',
  E_GZIP_CRC: () => 'The file is damaged: its checksum does not match.',
  E_GZIP_SIZE: () => 'The file is damaged: its length does not match.',
};

/** Codes of archives built to harm the tools that unpack them. */
const HOSTILE = /^E_(PATH_|TAR_(SYMLINK|HARDLINK|DEVICE|FIFO|PAX_HEADER|GNU_LONGNAME)|CASE_COLLISION|UNICODE_COLLISION|DUPLICATE_|LIMIT_)/;

/**
 * `{title, headline}` for an invalid verdict. `file` is what was chosen:
 * its size and first bytes (`head`, text) say whether it is a package at all.
 */
export function invalidWords(v, { size, head = '' }) {
  const code = v.problems[0]?.code;
  const notPackage = 'Invalid: not a .expert package';
  if (size === 0) return { title: notPackage, headline: 'The file is empty. A .expert package is a gzip-compressed archive made by expert-cli package.' };
  if (code === 'E_GZIP_HEADER') {
    const what = /^\s*[[{]/.test(head) ? 'This is JSON text (a manifest.json?), not a .expert package' : /^PK\x03\x04/.test(head) ? 'This is a ZIP archive, not a .expert package' : 'This file is not gzip-compressed, so it is not a .expert package';
    return { title: notPackage, headline: `${what}. A .expert package is a gzip-compressed archive made by expert-cli package.` };
  }
  const say = BY_CODE[code];
  if (say) return { title: 'Invalid package', headline: say(failedFile(v)) };
  if (HOSTILE.test(code ?? '')) return { title: 'Invalid package', headline: 'The archive is built to harm the tools that unpack it (unsafe paths, links, duplicates or a size bomb).' };
  return { title: 'Invalid package', headline: 'The package failed verification.' };
}

/** A key error as people should read it: the reason, without API names. */
export function keyErrorWords(e, what) {
  const reason = e?.reason ?? e?.message ?? String(e);
  return `${what}: ${reason}`;
}
