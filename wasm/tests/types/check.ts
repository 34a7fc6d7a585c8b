// Compiled by types.test.mjs with `tsc --noEmit --strict` against the built
// package: each line states what the declarations must allow or refuse.
import { buildPackage, inspectPackage, verifyPackage } from 'expert-format';
import type { BuiltPackage } from 'expert-format';

declare const manifest: string;
declare const files: Record<string, Uint8Array>;

export async function check(): Promise<void> {
  // The default output: `bytes` is there, no `!` or `?.` needed.
  const plain: Uint8Array = (await buildPackage({ manifest, files })).bytes;
  const named: Uint8Array = (await buildPackage({ manifest, files, output: 'bytes' })).bytes;
  const blob: Blob = (await buildPackage({ manifest, files, output: 'blob' })).blob;
  const size: number = (await buildPackage({ manifest, files, output: (chunk: Uint8Array) => void chunk })).size;
  // @ts-expect-error: a Blob build has no bytes.
  (await buildPackage({ manifest, files, output: 'blob' })).bytes;
  // @ts-expect-error: nor does a build written to a function.
  (await buildPackage({ manifest, files, output: () => {} })).bytes;
  // An output chosen at run time gives the union.
  const chosen: 'bytes' | 'blob' = Math.random() < 0.5 ? 'bytes' : 'blob';
  const either: BuiltPackage = await buildPackage({ manifest, files, output: chosen });
  if ('bytes' in either) void either.bytes.length;

  // signal everywhere.
  const signal = new AbortController().signal;
  await verifyPackage(new Uint8Array(0), { trustedKeys: [], signal });
  await inspectPackage(new Uint8Array(0), { signal });
  await buildPackage({ manifest, files, signal });
  // @ts-expect-error: signal is an AbortSignal.
  await inspectPackage(new Uint8Array(0), { signal: 'stop' });
  void [plain, named, blob, size];
}
