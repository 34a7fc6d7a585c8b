// No error message contains private key material: a private key given
// where a public key belongs (trustedKeys), or a damaged signing key, is
// refused with E_KEY_FORMAT and a message that quotes none of it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ef, readTree, SINGLE } from './helpers.mjs';

const pair = ef.generateKeyPair();
/** The PEM's base64 body, the 32-byte seed in hex and base64 pieces of it. */
function secretsOf(pem) {
  const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  const seed = der.subarray(der.length - 32);
  return { body, seedHex: seed.toString('hex'), seed };
}
const { body, seedHex, seed } = secretsOf(pair.privateKeyPem);

/** Fails if any 12-character run of `secret` shows up in the error. */
function assertNoSecret(e, what) {
  const text = `${e.message}\n${e.stack}\n${String(e)}\n${e.reason}`;
  for (const secret of [body, seedHex]) {
    for (let i = 0; i + 12 <= secret.length; i += 4) {
      assert.ok(!text.includes(secret.slice(i, i + 12)), `${what}: the error quotes key material: ${e.message}`);
    }
  }
}

const MISTAKES = {
  'the PEM private key': pair.privateKeyPem,
  'the PEM on one line': pair.privateKeyPem.replace(/\n/g, ' '),
  'the seed in hex': seedHex,
  'ed25519: and the seed and public key (128 hex)': `ed25519:${seedHex}${pair.publicKey.slice(8)}`,
  'ed25519: and the seed, one digit short': `ed25519:${seedHex.slice(1)}`,
  'the PEM body alone': body,
};

for (const [what, key] of Object.entries(MISTAKES)) {
  test(`trustedKeys with ${what}: E_KEY_FORMAT without the key`, async () => {
    const calls = {
      'verifyPackage worker: false': () => ef.verifyPackage(new Uint8Array(10), { trustedKeys: [key], worker: false }),
      'verifyPackage worker: true': () => ef.verifyPackage(new Uint8Array(10), { trustedKeys: [key], worker: true }),
      createVerifier: async () => ef.createVerifier({ trustedKeys: [pair.publicKey, key] }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const e = await call().then(() => assert.fail(`${name} accepted it`), (e) => e);
      assert.equal(e.code, 'E_KEY_FORMAT', `${name}: ${e.message}`);
      // The reason alone, for pages: without the argument's name.
      assert.ok(e.reason && !e.reason.includes('trustedKeys') && e.message.endsWith(e.reason), `${name}: ${e.reason}`);
      assertNoSecret(e, name);
    }
  });
}

test('a PEM private key in trustedKeys is named for what it is', async () => {
  const e = await ef.verifyPackage(new Uint8Array(10), { trustedKeys: [pair.privateKeyPem] }).catch((e) => e);
  assert.match(e.message, /private key/);
});

test('a damaged signing key: E_KEY_FORMAT without the key', async () => {
  const files = readTree(SINGLE);
  const manifest = new TextDecoder().decode(files['manifest.json']);
  const damaged = {
    'PEM with one character changed': pair.privateKeyPem.replace(/(-----\n.{10})./, (m, a) => a + (m.at(-1) === 'A' ? 'B' : 'A')),
    'PEM cut short': pair.privateKeyPem.slice(0, -40),
    'the seed in hex': seedHex,
    '31 raw bytes': seed.subarray(1),
    '33 raw bytes': Buffer.concat([seed, Buffer.from([0])]),
  };
  for (const [what, signingKey] of Object.entries(damaged)) {
    const e = await ef.buildPackage({ manifest, files, signingKey }).then(() => assert.fail(`${what} was accepted`), (e) => e);
    assert.equal(e.code, 'E_KEY_FORMAT', `${what}: ${e.message}`);
    assertNoSecret(e, what);
  }
});

test('the checker would catch a quoted key (control)', () => {
  assert.throws(() => assertNoSecret(new Error(`bad key ${seedHex}`), 'control'));
  assert.throws(() => assertNoSecret(new Error(`bad key ${body.slice(20, 40)}`), 'control'));
});
