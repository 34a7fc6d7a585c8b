// @ts-check
// The Verify panel's words for each verdict status: its title and icon,
// the line under the title, what it means and what to do. The status is
// the npm package's; these only say it.

/** The signer is the key: the name you gave it when you trusted it. */
function who(v, trust) {
  const entry = trust.entryFor(v.pubkey);
  return entry?.name ? `, which you trust as “${entry.name}”` : '';
}

/** What the package says about its publisher: anyone can write it. */
function claim(v) {
  return v.publisher ? ` The package says its publisher is “${v.publisher}”; that is a claim, not checked.` : '';
}

/**
 * Each status's words; `sub(v, trust)` names the signer as `trust` (a
 * TrustStore) knows it.
 * @type {Record<string, { title: string, icon: string, sub: (v: any, trust: import('./keys.js').TrustStore) => string, means: string, todo: string }>}
 */
export const STATUS = {
  verified: {
    title: 'Verified',
    icon: 'i-verified',
    sub: (v, trust) => `Signed with trusted key ${v.key_id}${who(v, trust)}. Every file and the manifest are exactly what was signed.${claim(v)}`,
    means:
      'The Ed25519 signature is valid, it was made by a key in your trusted keys, and every file — including the manifest with its name, version, base model and adapter settings — matches what was signed. Nothing was added, removed or changed.',
    todo: 'It is safe to install as far as authenticity goes: expert-cli install <file>. Trust is only as good as the way you got the key, so keep your trusted-keys list short.',
  },
  'valid-untrusted': {
    title: 'Valid signature, untrusted key',
    icon: 'i-valid-untrusted',
    sub: (v) => `Intact and correctly signed with key ${v.key_id}, but that key is not one of your trusted keys.${claim(v)}`,
    means:
      'Nothing was changed since signing, but anyone can sign with a key of their own, so this does not tell you who published it: an attacker who re-signs a package gets exactly this result.',
    todo: 'Get the publisher’s public key (ed25519:…) through a channel you already trust — their website, repository or release notes — and check that its key ID matches the one above. Then add it under Trusted keys; this verdict turns into “Verified”. Do not trust a key just because this package carries it.',
  },
  invalid: {
    title: 'Invalid package',
    icon: 'i-invalid',
    // Replaced by words.js's plain headline; the problem's own message is below.
    sub: (v) => (v.problems[0] ? v.problems[0].message : 'The package failed verification.'),
    means:
      'The package was changed after it was signed, is damaged (for example a cut-off download), or is built to trick the tools that unpack it. The problems below name the file, hash or rule that failed.',
    todo: 'Do not install or unpack it. Download it again from the original source and check again; if it still fails, tell the publisher. A trusted key does not make an invalid package safe.',
  },
  unsigned: {
    title: 'Unsigned package',
    icon: 'i-unsigned',
    sub: (v) => `${v.name ? `${v.name} ${v.version || ''}`.trim() : 'This package'} carries no signature: nothing proves who made it or that it is unchanged.`,
    means: 'The archive is well formed and passed every structural check, but there is no signature, so no file and no manifest field is authenticated: anyone could have made or changed it.',
    todo: 'Install it only if you built it yourself or got it from a source you trust by other means (expert-cli install --allow-unsigned). Publishers sign with expert-cli package --sign-key or expert-cli sign.',
  },
  legacy: {
    title: 'Legacy signature',
    icon: 'i-legacy',
    sub: (v, trust) => `Signed${v.key_id ? ` with key ${v.key_id}${who(v, trust)}` : ''} using upstream’s old scheme: the file hashes are signed, the manifest is not.${claim(v)}`,
    means:
      'This is the original hivellm/expert signature. It covers the list of file hashes but not the manifest, so the name, version, base model and adapter settings shown below could have been edited without breaking it. That is why it stays “legacy” even when the key is trusted.',
    todo: 'Ask the publisher for a package signed with the current scheme (expert-cli sign re-signs it). Until then, treat what the manifest says as unverified, and install only with --allow-untrusted if you accept that.',
  },
};
