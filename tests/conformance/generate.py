#!/usr/bin/env python3
"""Generates the `.expert` conformance corpus in tests/conformance/cases/.

Every case is a directory named after the attack it encodes, holding
`package.expert`, `expected.json` ({"status", "problem_code"}) and a one-line
`README`. Good packages come from the real CLI (`expert-cli package` / `sign`);
hostile ones are re-emitted by the small ustar and gzip writers below, which
can produce any header bytes (links, devices, PAX, GNU long names, bad
checksums, base-256 sizes, ...). Tamper cases start from a SMALL expert (the
example expert with tiny weights) so the committed corpus stays small.

Usage (from anywhere; needs Python 3.11, `cryptography` and cargo):

    python3 tests/conformance/generate.py          # (re)write the corpus
    python3 tests/conformance/generate.py --check  # ... then verify every
                                                   # case with the CLI
    EXPERT_CLI=path/to/expert-cli python3 ...      # use that binary, no build

The output is deterministic: gzip mtime 0, fixed tar mtimes, no randomness,
and Ed25519 signatures are deterministic. Compressed bytes depend on the zlib
that Python links (1.2.13 when this corpus was generated); verdicts do not.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import upstream

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES = HERE / "cases"
KEYS = HERE / "keys"
# EXPERT_CLI=/path/to/expert-cli skips the cargo build and uses that binary.
CLI = Path(os.environ.get("EXPERT_CLI", REPO / "target" / "debug" / "expert-cli"))
EXAMPLE = REPO / "examples" / "multi-model-expert"

EPOCH = 1764028800  # 2025-11-25T00:00:00Z, SOURCE_DATE_EPOCH for every CLI run
MTIME = EPOCH
BLOCK = 512
END = b"\0" * (2 * BLOCK)
USTAR = b"ustar\x0000"
GNU = b"ustar  \x00"
MIB = 1 << 20

# The order of Ed25519's group (for the malleated-signature case).
ED25519_L = 2**252 + 27742317777372353535851937790883648493


# --------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------


class Key:
    """A fixed Ed25519 key: seed = SHA-256(b"expert-conformance-<role>")."""

    def __init__(self, role: str):
        self.role = role
        self.seed = hashlib.sha256(b"expert-conformance-" + role.encode()).digest()
        self.private = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.raw_public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)  # cryptography >= 2.6, Debian 12 ships 38
        self.public = "ed25519:" + self.raw_public.hex()
        self.key_id = hashlib.sha256(self.raw_public).digest()[:8].hex()

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def pem(self) -> str:
        der = bytes.fromhex("302e020100300506032b657004220420") + self.seed
        return "-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PRIVATE KEY-----\n"


PUBLISHER = Key("publisher")
ATTACKER = Key("attacker")


def write_keys() -> None:
    KEYS.mkdir(parents=True, exist_ok=True)
    for key in (PUBLISHER, ATTACKER):
        (KEYS / f"{key.role}.pem").write_text(key.pem())
        (KEYS / f"{key.role}.pub").write_text(key.public + "\n")


# --------------------------------------------------------------------------
# A raw ustar writer: every header byte is ours to choose
# --------------------------------------------------------------------------


def octal(value: int, width: int) -> bytes:
    """Zero-padded octal with a trailing NUL, `width` bytes in all."""
    text = format(value, "0%do" % (width - 1)).encode()
    assert len(text) == width - 1, (value, width)
    return text + b"\0"


def fixed(data: bytes, width: int) -> bytes:
    assert len(data) <= width, (data, width)
    return data + b"\0" * (width - len(data))


def as_bytes(name: str | bytes) -> bytes:
    return name if isinstance(name, bytes) else name.encode()


def header(
    name: str | bytes,
    size: int = 0,
    typeflag: bytes = b"0",
    linkname: str | bytes = b"",
    mode: int = 0o644,
    magic: bytes = USTAR,
    uname: bytes = b"",
    gname: bytes = b"",
    uid: int = 0,
    gid: int = 0,
    devmajor: int = 0,
    devminor: int = 0,
    prefix: bytes = b"",
    size_field: bytes | None = None,
    checksum_field=None,
    mtime: int = MTIME,
    patch: dict[int, bytes] | None = None,
) -> bytes:
    """One 512-byte tar header. `size_field` overrides the 12 size bytes;
    `checksum_field(correct_sum) -> 8 bytes` overrides the checksum."""
    h = bytearray(BLOCK)
    h[0:100] = fixed(as_bytes(name), 100)
    h[100:108] = octal(mode, 8)
    h[108:116] = octal(uid, 8)
    h[116:124] = octal(gid, 8)
    h[124:136] = size_field if size_field is not None else octal(size, 12)
    h[136:148] = octal(mtime, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:257] = fixed(as_bytes(linkname), 100)
    h[257:265] = magic
    h[265:297] = fixed(uname, 32)
    h[297:329] = fixed(gname, 32)
    h[329:337] = octal(devmajor, 8)
    h[337:345] = octal(devminor, 8)
    h[345:500] = fixed(prefix, 155)
    for at, raw in (patch or {}).items():  # raw bytes at an offset, before the checksum
        h[at : at + len(raw)] = raw
    total = sum(h)
    h[148:156] = checksum_field(total) if checksum_field else octal(total, 7) + b" "
    assert len(h) == BLOCK
    return bytes(h)


def padding(size: int, fill: bytes = b"\0") -> bytes:
    n = (BLOCK - size % BLOCK) % BLOCK
    return (fill * n)[:n]


def entry(name: str | bytes, data: bytes = b"", **kw) -> bytes:
    """A header, the data and zero padding."""
    return header(name, len(data), **kw) + data + padding(len(data))


def tar(entries: list[tuple[str, bytes]], **kw) -> bytes:
    """A plain archive of regular files, in the order given, then the end marker."""
    return b"".join(entry(n, d, **kw) for n, d in entries) + END


# --------------------------------------------------------------------------
# A raw gzip writer
# --------------------------------------------------------------------------

FHCRC, FEXTRA, FNAME, FCOMMENT = 2, 4, 8, 16


def deflate(data: bytes, level: int = 9) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9)
    return c.compress(data) + c.flush()


def gzip_header(flags: int = 0, extra: bytes = b"", fname: bytes = b"", comment: bytes = b"", header_crc: str = "good") -> bytes:
    h = bytearray(b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0" + b"\x02\xff")
    if flags & FEXTRA:
        h += struct.pack("<H", len(extra)) + extra
    if flags & FNAME:
        h += fname + b"\0"
    if flags & FCOMMENT:
        h += comment + b"\0"
    if flags & FHCRC:
        crc = zlib.crc32(bytes(h)) & 0xFFFF
        if header_crc == "bad":
            crc ^= 0x5A5A
        h += struct.pack("<H", crc)
    return bytes(h)


def gz(raw: bytes, level: int = 9, **header_kw) -> bytes:
    return gzip_header(**header_kw) + deflate(raw, level) + struct.pack("<II", zlib.crc32(raw), len(raw) & 0xFFFFFFFF)


def emit(entries: list[tuple[str, bytes]], **kw) -> bytes:
    return gz(tar(entries, **kw))


def read_package(data: bytes) -> list[tuple[str, bytes]]:
    """Entries of a well-formed package (only ever our own good ones)."""
    out = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
        for m in t:
            assert m.isfile(), m.name
            out.append((m.name, t.extractfile(m).read()))
    return out


# --------------------------------------------------------------------------
# JSON canonical form (RFC 8785) and the signing scheme, re-implemented
# independently to forge and to cross-check the core
# --------------------------------------------------------------------------


class Obj(list):
    """A JSON object as its ordered (key, value) pairs (duplicates kept)."""


def parse_json(text: str):
    return json.loads(text, object_pairs_hook=Obj, parse_int=float, parse_float=float)


def es6_number(x: float) -> str:
    """ECMAScript Number::toString, which JCS prescribes."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("non-finite number")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + es6_number(-x)
    mantissa, _, exp = repr(x).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    e2 = int(exp or 0) - len(frac)
    stripped = digits.rstrip("0")
    e2 += len(digits) - len(stripped)
    s, k = stripped, len(stripped)
    n = k + e2
    if k <= n <= 21:
        return s + "0" * (n - k)
    if 0 < n <= 21:
        return s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + s
    e = n - 1
    sign = "+" if e >= 0 else "-"
    return (s if k == 1 else s[0] + "." + s[1:]) + "e" + sign + str(abs(e))


def jcs(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return es6_number(float(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Obj):
        items = sorted(v, key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(jcs(k) + ":" + jcs(val) for k, val in items) + "}"
    if isinstance(v, dict):
        return jcs(Obj(v.items()))
    if isinstance(v, list):
        return "[" + ",".join(jcs(i) for i in v) + "]"
    raise TypeError(type(v))


def manifest_digest(text: str) -> str:
    """SHA-256 of the JCS form of the manifest without `integrity`."""
    root = Obj((k, v) for k, v in parse_json(text) if k != "integrity")
    return hashlib.sha256(jcs(root).encode()).hexdigest()


DOMAIN = b"expert-package-signature-v1\0"
SCHEME = "expert-sig-v1"


def signed_message(key_id: str, publisher: str, created_at: str, manifest_sha256: str, files: dict) -> bytes:
    listed = [Obj([("path", p), ("size", f["size"]), ("sha256", f["sha256"])]) for p, f in sorted(files.items(), key=lambda kv: kv[0].encode())]
    payload = Obj(
        [
            ("scheme", SCHEME),
            ("key_id", key_id),
            ("publisher", publisher),
            ("created_at", created_at),
            ("manifest_sha256", manifest_sha256),
            ("files", listed),
        ]
    )
    return DOMAIN + jcs(payload).encode()


def file_claims(entries: list[tuple[str, bytes]]) -> dict:
    return {
        n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in sorted(entries, key=lambda e: e[0].encode())
        if n not in ("manifest.json", "signature.sig")
    }


def integrity_for(manifest: str, entries, key: Key, publisher: str, created_at: str) -> tuple[dict, str]:
    files = file_claims(entries)
    digest = manifest_digest(manifest)
    sig = key.sign(signed_message(key.key_id, publisher, created_at, digest, files)).hex()
    integrity = {
        "scheme": SCHEME,
        "signature_algorithm": "ed25519",
        "pubkey": key.public,
        "key_id": key.key_id,
        "publisher": publisher,
        "created_at": created_at,
        "manifest_sha256": digest,
        "files": files,
        "signature": sig,
    }
    return integrity, sig


# --------------------------------------------------------------------------
# Manifest text surgery (byte-exact, so the rest of the manifest is untouched)
# --------------------------------------------------------------------------

INTEGRITY_MARK = ',\n  "integrity": '


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def without_integrity(text: str) -> str:
    i = text.index(INTEGRITY_MARK)
    return text[:i] + "\n}\n"


def with_integrity(text: str, integrity: dict) -> str:
    """Appends `integrity` as the last member of the root object."""
    body = text.rstrip()
    assert body.endswith("}") and INTEGRITY_MARK not in body
    block = json.dumps(integrity, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    return body[:-1].rstrip() + INTEGRITY_MARK + block + "\n}\n"


def integrity_of(text: str) -> dict:
    return json.loads(text)["integrity"]


def replace_integrity(text: str, integrity: dict) -> str:
    return with_integrity(without_integrity(text), integrity)


# --------------------------------------------------------------------------
# Packages from the real CLI
# --------------------------------------------------------------------------


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), EXPERT_HOME=str(home), NO_COLOR="1")
    return subprocess.run([str(CLI), *args], env=env, capture_output=True, text=True, check=False)


def cli_ok(*args: str, home: Path) -> None:
    r = run_cli(*args, home=home)
    if r.returncode != 0:
        sys.exit(f"expert-cli {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")


def tiny_safetensors(label: str) -> bytes:
    """A small but well-formed safetensors file with BF16 LoRA tensors."""
    names = ["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"]
    shapes = [[4, 32], [32, 4]]
    meta = {"__metadata__": {"format": "pt"}}
    offset = 0
    for n, s in zip(names, shapes):
        size = s[0] * s[1] * 2
        meta[n] = {"dtype": "BF16", "shape": s, "data_offsets": [offset, offset + size]}
        offset += size
    head = json.dumps(meta, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    data = b""
    counter = 0
    while len(data) < offset:
        data += hashlib.sha256(f"{label}:{counter}".encode()).digest()
        counter += 1
    return struct.pack("<Q", len(head)) + head + data[:offset]


class Bases:
    """The good packages every case starts from."""

    def __init__(self, tmp: Path):
        home = tmp / "home"
        home.mkdir()
        pem = KEYS / "publisher.pem"
        # Real example expert (about 0.9 MB per package).
        self.real_signed = self.package(EXAMPLE, "qwen3-0.6b", pem, tmp / "real-signed.expert", home)
        self.real_unsigned = self.package(EXAMPLE, "qwen3-0.6b", None, tmp / "real-unsigned.expert", home)
        resign = tmp / "real-attacker.expert"
        resign.write_bytes(self.real_signed)
        cli_ok("sign", str(resign), "--key", str(KEYS / "attacker.pem"), home=home)
        self.real_attacker = resign.read_bytes()
        # The same expert with tiny weights: the base of every hostile case.
        small = tmp / "small-expert"
        shutil.copytree(EXAMPLE, small)
        for model in ("qwen3-06b", "qwen3-1.7b"):
            (small / "weights" / model / "final" / "adapter_model.safetensors").write_bytes(tiny_safetensors(model))
        self.signed = self.package(small, "qwen3-0.6b", pem, tmp / "small-signed.expert", home)
        self.unsigned = self.package(small, "qwen3-0.6b", None, tmp / "small-unsigned.expert", home)
        self.signed_17b = self.package(small, "qwen3-1.7b", pem, tmp / "small-signed-17b.expert", home)
        self.home = home
        self.tmp = tmp

    @staticmethod
    def package(src: Path, model: str, key: Path | None, out: Path, home: Path) -> bytes:
        args = ["package", str(src), "--model", model, "-o", str(out)]
        if key:
            args += ["--sign-key", str(key)]
        cli_ok(*args, home=home)
        return out.read_bytes()

    def cli_sign(self, data: bytes, key: str) -> bytes:
        p = self.tmp / "to-sign.expert"
        p.write_bytes(data)
        cli_ok("sign", str(p), "--key", str(KEYS / f"{key}.pem"), home=self.home)
        return p.read_bytes()


# --------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------


class Corpus:
    def __init__(self):
        self.cases: list[tuple[str, str, str | None, str]] = []

    def add(self, name: str, package: bytes, status: str, code: str | None, readme: str) -> None:
        assert status in ("verified", "valid-untrusted", "invalid", "unsigned", "legacy"), status
        # Invalid verdicts lead with an error; others have no problem or a warning.
        assert (status == "invalid") == (code or "").startswith("E_"), (name, status, code)
        assert status != "legacy" or code == "W_LEGACY_SCHEME", (name, code)
        assert "\n" not in readme and name not in (c[0] for c in self.cases), name
        d = CASES / name
        d.mkdir(parents=True)
        (d / "package.expert").write_bytes(package)
        (d / "expected.json").write_text(json.dumps({"status": status, "problem_code": code}, indent=2) + "\n")
        (d / "README").write_text(readme + "\n")
        self.cases.append((name, status, code, readme))


def pkg_manifest(entries) -> str:
    return dict(entries)["manifest.json"].decode()


def replace(entries, name: str, data: bytes):
    assert name in dict(entries), name
    return [(n, data if n == name else d) for n, d in entries]


def drop(entries, name: str):
    assert name in dict(entries), name
    return [(n, d) for n, d in entries if n != name]


def sorted_entries(entries):
    """manifest.json first, then bytewise order, as the writer does."""
    rest = sorted((e for e in entries if e[0] != "manifest.json"), key=lambda e: e[0].encode())
    return [e for e in entries if e[0] == "manifest.json"] + rest


def flip_byte(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


def build(c: Corpus, b: Bases) -> None:
    signed = read_package(b.signed)
    unsigned = read_package(b.unsigned)
    signed_17b = read_package(b.signed_17b)
    sman = pkg_manifest(signed)
    uman = pkg_manifest(unsigned)
    integ = integrity_of(sman)
    created_at = integ["created_at"]
    publisher = integ["publisher"]
    weights = "adapter_model.safetensors"

    # Self-checks: our independent port of the scheme must reproduce the
    # CLI's bytes exactly, or the forged cases below would prove nothing.
    assert without_integrity(sman) == uman, "signed manifest = unsigned manifest + integrity"
    assert manifest_digest(sman) == integ["manifest_sha256"], "JCS port disagrees with the core"
    again, sig = integrity_for(uman, signed, PUBLISHER, publisher, created_at)
    assert again == integ and with_integrity(uman, again) == sman, "signing port disagrees with the core"
    assert dict(signed)["signature.sig"].decode() == sig
    assert [e for e in signed if e[0] != "signature.sig" and e[0] != "manifest.json"] == [e for e in unsigned if e[0] != "manifest.json"]

    def resigned(entries, manifest: str, key: Key = PUBLISHER) -> bytes:
        """Signs `entries` with `manifest` (no integrity) like the CLI would."""
        files = [e for e in entries if e[0] not in ("manifest.json", "signature.sig")]
        integrity, sig = integrity_for(manifest, files, key, publisher, created_at)
        out = [("manifest.json", with_integrity(manifest, integrity).encode())] + files + [("signature.sig", sig.encode())]
        return emit(sorted_entries(out))

    def with_manifest(entries, text: str | bytes):
        return replace(entries, "manifest.json", as_bytes(text))

    def tampered_integrity(mutate) -> bytes:
        i = integrity_of(sman)
        mutate(i)
        return emit(with_manifest(signed, replace_integrity(sman, i)))

    def hostile(*extra: bytes, before: int = 1, base=unsigned) -> bytes:
        """The small unsigned package with raw entries spliced in after
        `before` good entries (1 = right after manifest.json)."""
        good = [entry(n, d) for n, d in base]
        return gz(b"".join(good[:before]) + b"".join(extra) + b"".join(good[before:]) + END)

    # ---- good packages --------------------------------------------------
    c.add("good-signed-trusted", b.real_signed, "verified", None, "control: the example expert packaged and signed by the publisher with the real CLI; the publisher key is trusted")
    c.add("good-signed-untrusted-attacker-resign", b.real_attacker, "valid-untrusted", None, "an attacker re-signs a good package with their own key (expert-cli sign): the signature is valid but the key is not trusted")
    c.add("good-unsigned", b.real_unsigned, "unsigned", None, "control: the example expert packaged without a key")
    c.add("baseline-small-signed", b.signed, "verified", None, "control: the small expert (tiny weights) packaged and signed by the CLI; the base of the tamper cases")
    c.add("baseline-small-unsigned-rewritten", emit(unsigned), "unsigned", None, "control: the small unsigned package re-emitted by the generator's own tar/gzip writer; the base of the archive-structure cases")
    gnu_any_order = list(reversed(signed))
    c.add(
        "repacked-gnu-headers-owner-names-any-order",
        gz(tar(gnu_any_order, magic=GNU, uname=b"builder", gname=b"staff", uid=1000, gid=1000, mode=0o100644) + b"\0" * 8192, level=1),
        "verified",
        None,
        "control: a signed package re-packed with GNU headers, owner names, entries in reverse order (manifest.json last), a different deflate level and GNU tar record padding: none of that is signed, all of it is allowed",
    )
    c.add(
        "gzip-header-optional-fields",
        gz(tar(signed), flags=FEXTRA | FNAME | FCOMMENT | FHCRC, extra=b"XX" + struct.pack("<H", 6000) + bytes(range(256)) * 23 + b"\0" * 112, fname=b"package.tar", comment=b"made by hand"),
        "verified",
        None,
        "control: a signed package whose gzip header carries a 6 KB FEXTRA field, a file name, a comment and a correct header CRC (the header spans several read chunks)",
    )
    reformatted_text = json.dumps(json.loads(without_integrity(sman)), separators=(",", ":"), sort_keys=True)
    reformatted_text = edit(edit(reformatted_text, '"factor":4.0', '"factor":4'), '"r":4,', '"r":4.0e0,')
    assert manifest_digest(reformatted_text) == integ["manifest_sha256"]
    c.add(
        "manifest-reformatted-after-signing",
        emit(with_manifest(signed, with_integrity(reformatted_text, integ))),
        "verified",
        None,
        "not an attack: the signed manifest re-serialized (no whitespace, keys sorted, 4.0 written 4 and 4 written 4.0e0); the signature covers the RFC 8785 canonical form, so the verdict must not change",
    )
    c.add("python-signed-independent", resigned(unsigned, uman), "verified", None, "control: a package signed by the generator's independent Python port of the signing scheme (JCS + domain string + Ed25519), not by the CLI")

    # ---- tampering after signing ----------------------------------------
    w = dict(signed)[weights]
    c.add("weight-byte-flipped", emit(replace(signed, weights, flip_byte(w, len(w) - 7))), "invalid", "E_FILE_HASH_MISMATCH", "one bit of the signed adapter weights is flipped after signing")
    c.add("weight-truncated-after-signing", emit(replace(signed, weights, w[:-64])), "invalid", "E_FILE_SIZE_MISMATCH", "the signed adapter weights are cut short after signing")
    c.add(
        "manifest-field-changed-after-signing",
        emit(with_manifest(signed, edit(sman, '"requires": []', '"requires": ["expert-evil@>=0.1.0"]'))),
        "invalid",
        "E_MANIFEST_DIGEST_MISMATCH",
        "a field of the signed manifest (constraints.requires) is changed after signing",
    )
    changed = edit(uman, '"version": "1.2.0"', '"version": "9.9.9"')
    i = dict(integ, manifest_sha256=manifest_digest(changed))
    c.add(
        "manifest-digest-recomputed-after-edit",
        emit(with_manifest(signed, with_integrity(changed, i))),
        "invalid",
        "E_SIGNATURE_INVALID",
        "the manifest version is changed and integrity.manifest_sha256 recomputed to match, so only the Ed25519 signature catches it",
    )
    c.add("file-added-after-signing", emit(sorted_entries(signed + [("tests/evil.py", b"import os; os.system('id')\n")])), "invalid", "E_FILE_UNLISTED", "a file the signature does not cover is added to a signed package")
    c.add("file-removed-after-signing", emit(drop(signed, "grammar.gbnf")), "invalid", "E_FILE_MISSING", "a signed file (grammar.gbnf) is removed from the package")
    c.add(
        "file-renamed-after-signing",
        emit(sorted_entries([("grammar.txt" if n == "grammar.gbnf" else n, d) for n, d in signed])),
        "invalid",
        "E_FILE_RENAMED",
        "a signed file is renamed (grammar.gbnf -> grammar.txt) with its content unchanged",
    )
    c.add(
        "signature-sig-swapped",
        emit(replace(signed, "signature.sig", dict(signed_17b)["signature.sig"])),
        "invalid",
        "E_SIGNATURE_FILE_MISMATCH",
        "signature.sig is replaced by the one of the publisher's Qwen3-1.7B package",
    )

    lic = dict(signed)["LICENSE"] + b"\nAll rights reserved by the attacker.\n"

    i = integrity_of(sman)
    i["files"]["LICENSE"] = {"size": len(lic), "sha256": hashlib.sha256(lic).hexdigest()}
    c.add(
        "integrity-files-edited",
        emit(replace(with_manifest(signed, replace_integrity(sman, i)), "LICENSE", lic)),
        "invalid",
        "E_SIGNATURE_INVALID",
        "LICENSE is changed and integrity.files updated to match it, so only the Ed25519 signature catches it",
    )
    c.add("entry-duplicated", emit(sorted_entries(signed + [(weights, w)])), "verified", "W_REPEATED_ENTRY", "the signed weights entry appears twice with identical bytes: one file to every reader, so it is read once, with a warning (upstream 0.3.0 repeats entries)")
    c.add(
        "signature-from-another-package",
        emit(replace(with_manifest(signed, replace_integrity(sman, integrity_of(pkg_manifest(signed_17b)))), "signature.sig", dict(signed_17b)["signature.sig"])),
        "invalid",
        "E_MANIFEST_DIGEST_MISMATCH",
        "the integrity section and signature.sig of the publisher's Qwen3-1.7B package are grafted onto the Qwen3-0.6B package",
    )
    c.add(
        "signed-manifest-moved-to-other-weights",
        emit(sorted_entries([(n, d) for n, d in signed_17b if n in ("manifest.json", "signature.sig")] + [(n, d) for n, d in signed if n not in ("manifest.json", "signature.sig")])),
        "invalid",
        "E_FILE_HASH_MISMATCH",
        "the whole signed manifest and signature.sig of the Qwen3-1.7B package are shipped with the Qwen3-0.6B files",
    )
    c.add("signature-sig-deleted", emit(drop(signed, "signature.sig")), "invalid", "E_SIGNATURE_FILE_MISSING", "signature.sig is deleted but the integrity section is kept (upstream defect D-S4: that used to pass)")
    c.add("integrity-deleted-sig-kept", emit(with_manifest(signed, uman)), "invalid", "E_INTEGRITY_MISSING", "the manifest's integrity section is deleted but signature.sig is kept")
    # null means absent (FORMAT.md §1); upstream writes "integrity": null.
    null_integrity = edit(uman, '\n  "license": "MIT"', '\n  "license": "MIT",\n  "integrity": null')
    c.add("integrity-null-unsigned", emit(with_manifest(unsigned, null_integrity)), "unsigned", None, 'an unsigned package whose manifest says "integrity": null, as every package upstream 0.3.0 makes does: null is absent, so unsigned')
    c.add("integrity-null-sig-kept", emit(with_manifest(signed, null_integrity)), "invalid", "E_INTEGRITY_MISSING", 'a signed package whose integrity section is replaced by null while signature.sig is kept: the same as a deleted integrity section')
    null_fields = edit(edit(uman, '"license": "MIT"', '"license": null,\n  "tags": null'), '"author": ', '"repository": null,\n  "author": ')
    c.add("optional-fields-null-signed", resigned(unsigned, null_fields), "verified", None, "optional fields (license, tags, repository) set to null in a signed manifest: absent to validation, but kept and covered by the signature")
    c.add(
        "signature-stripped-entirely",
        emit(drop(with_manifest(signed, uman), "signature.sig")),
        "unsigned",
        None,
        "both the integrity section and signature.sig are stripped: the package must read as unsigned (never as verified), so policy decides",
    )
    c.add(
        "key-id-mismatch",
        tampered_integrity(lambda i: i.update(key_id=ATTACKER.key_id)),
        "invalid",
        "E_KEY_ID_MISMATCH",
        "integrity.key_id names another key (the attacker's) than integrity.pubkey",
    )
    c.add(
        "pubkey-swapped-to-attacker",
        tampered_integrity(lambda i: i.update(pubkey=ATTACKER.public, key_id=ATTACKER.key_id)),
        "invalid",
        "E_SIGNATURE_INVALID",
        "integrity.pubkey and key_id are swapped for the attacker's, keeping the publisher's signature",
    )
    # ---- one spelling for every signed value (FORMAT.md §6) -------------
    def signed_with(created=created_at, upper: str = "", extra: list | None = None, listed_extra: dict | None = None) -> bytes:
        """Signed by the publisher over claims spelled as asked, so that the
        spelling is the package's only defect."""
        files_entries = [e for e in unsigned if e[0] not in ("manifest.json", "signature.sig")] + (extra or [])
        files = file_claims(files_entries) | (listed_extra or {})
        if upper == "sha256":
            files = {p: {"size": f["size"], "sha256": f["sha256"].upper()} for p, f in files.items()}
        digest = manifest_digest(uman).upper() if upper == "manifest_sha256" else manifest_digest(uman)
        sig = PUBLISHER.sign(signed_message(PUBLISHER.key_id, publisher, created, digest, files)).hex()
        sig = sig.upper() if upper == "signature" else sig
        pub = "ed25519:" + PUBLISHER.public[8:].upper() if upper == "pubkey" else PUBLISHER.public
        integrity = {"scheme": SCHEME, "signature_algorithm": "ed25519", "pubkey": pub, "key_id": PUBLISHER.key_id, "publisher": publisher, "created_at": created, "manifest_sha256": digest, "files": dict(sorted(files.items(), key=lambda kv: kv[0].encode())), "signature": sig}
        out = [("manifest.json", with_integrity(uman, integrity).encode())] + files_entries + [("signature.sig", sig.encode())]
        return emit(sorted_entries(out))

    c.add("created-at-with-offset", signed_with(created="2025-11-25T01:00:00+01:00"), "invalid", "E_INTEGRITY_FIELD", "integrity.created_at with a +01:00 offset, signed as such: created_at has exactly one form, 2025-11-25T00:00:00Z")
    c.add("created-at-not-a-time", signed_with(created="yesterday"), "invalid", "E_INTEGRITY_FIELD", 'integrity.created_at is "yesterday", signed as such')
    c.add("created-at-impossible-date", signed_with(created="2025-02-30T00:00:00Z"), "invalid", "E_INTEGRITY_FIELD", "integrity.created_at is February 30th, signed as such")
    for what, code in [("sha256", "E_INTEGRITY_FIELD"), ("manifest_sha256", "E_INTEGRITY_FIELD"), ("signature", "E_INTEGRITY_FIELD"), ("pubkey", "E_INTEGRITY_PUBKEY")]:
        c.add(f"integrity-upper-case-{what.replace('_', '-')}", signed_with(upper=what), "invalid", code, f"integrity's {what} in upper-case hex (signed as such): a signed package has exactly one encoding, lower case")
    m = dict(unsigned)["manifest.json"]
    c.add("integrity-files-lists-manifest", signed_with(listed_extra={"manifest.json": {"size": len(m), "sha256": hashlib.sha256(m).hexdigest()}}), "invalid", "E_INTEGRITY_FIELD", "integrity.files lists manifest.json (the manifest digest covers it; a file list that names it is malformed)")
    w = b"weights v1\n"
    dup = signed_with(extra=[("_w.bin", w)])
    entries = read_package(dup)
    text = dict(entries)["manifest.json"].decode()
    forged = json.dumps({"size": len(w), "sha256": hashlib.sha256(b"other weights").hexdigest()})
    text = edit(text, '"_w.bin": {', '"_w.bin": ' + forged + ',\n      "_w.bin": {')
    c.add("integrity-files-duplicate-comment-key", emit(replace(entries, "manifest.json", text.encode())), "invalid", "E_DUPLICATE_KEY", "integrity.files lists _w.bin twice with two hashes: first-wins and last-wins verifiers disagree, so no key may repeat inside integrity, _-prefixed or not")

    c.add("publisher-changed-after-signing", tampered_integrity(lambda i: i.update(publisher="Qwen Team (official)")), "invalid", "E_SIGNATURE_INVALID", "integrity.publisher, shown to users, is changed after signing")
    c.add("created-at-changed-after-signing", tampered_integrity(lambda i: i.update(created_at="2030-01-01T00:00:00Z")), "invalid", "E_SIGNATURE_INVALID", "integrity.created_at, shown to users, is changed after signing")
    identity = "ed25519:01" + "00" * 31
    forged = "01" + "00" * 63  # R = identity, S = 0: valid for any message under a weak key
    c.add(
        "weak-pubkey-small-order",
        emit(
            replace(
                with_manifest(signed, replace_integrity(sman, dict(integ, pubkey=identity, key_id=hashlib.sha256(bytes.fromhex(identity[8:])).digest()[:8].hex(), signature=forged))),
                "signature.sig",
                forged.encode(),
            )
        ),
        "invalid",
        "E_INTEGRITY_PUBKEY",
        "integrity.pubkey is the small-order identity point, for which R=identity, S=0 verifies any message non-strictly",
    )
    sig_bytes = bytes.fromhex(integ["signature"])
    s_plus_l = (int.from_bytes(sig_bytes[32:], "little") + ED25519_L).to_bytes(32, "little")
    malleated = (sig_bytes[:32] + s_plus_l).hex()
    c.add(
        "signature-malleated-s-plus-l",
        emit(replace(with_manifest(signed, replace_integrity(sman, dict(integ, signature=malleated))), "signature.sig", malleated.encode())),
        "invalid",
        "E_SIGNATURE_INVALID",
        "the signature's S is replaced by S+L (a non-canonical encoding that lax verifiers accept)",
    )
    c.add("integrity-scheme-null", tampered_integrity(lambda i: i.update(scheme=None)), "invalid", "E_INTEGRITY_FIELD", "integrity.scheme set to null: null is absent, so the legacy scheme applies, and our object-form files fail it")
    c.add("integrity-scheme-unknown", tampered_integrity(lambda i: i.update(scheme="expert-sig-v0")), "invalid", "E_INTEGRITY_SCHEME", "integrity.scheme names a scheme the verifier does not know")
    c.add(
        "integrity-scheme-stripped-downgrade",
        tampered_integrity(lambda i: i.pop("scheme")),
        "invalid",
        "E_INTEGRITY_FIELD",
        "integrity.scheme is removed to push the verifier onto the weaker legacy path",
    )
    c.add(
        "signature-sig-trailing-newline",
        emit(replace(signed, "signature.sig", dict(signed)["signature.sig"] + b"\n")),
        "invalid",
        "E_SIGNATURE_FILE_MISMATCH",
        "signature.sig gets a trailing newline, so it no longer equals integrity.signature byte for byte",
    )
    c.add(
        "signature-sig-oversized",
        emit(replace(signed, "signature.sig", dict(signed)["signature.sig"] + b" " * 8192)),
        "invalid",
        "E_SIGNATURE_TOO_LARGE",
        "signature.sig is padded past the 4 KiB limit for signature files",
    )
    evil_weights = tiny_safetensors("attacker")
    c.add(
        "weight-replaced-attacker-resigned",
        b.cli_sign(emit(replace(unsigned, weights, evil_weights)), "attacker"),
        "valid-untrusted",
        None,
        "the attacker swaps in their own weights and re-signs with their own key: only the trust decision catches it",
    )
    dup_integrity = edit(sman, '\n  "license": "MIT",', '\n  "license": "MIT",\n  "integrity": {"scheme": "expert-sig-v1", "publisher": "attacker"},')
    c.add("manifest-duplicate-integrity-key", emit(with_manifest(signed, dup_integrity)), "invalid", "E_DUPLICATE_KEY", "a second `integrity` member is added to a signed manifest; parsers disagree on which one counts")
    dup_name = edit(sman, '\n  "license": "MIT",', '\n  "license": "MIT",\n  "name": "expert-trusted-by-everyone",')
    c.add(
        "manifest-duplicate-security-key",
        emit(with_manifest(signed, dup_name)),
        "invalid",
        "E_DUPLICATE_KEY",
        "a second `name` member is added to a signed manifest: first-wins and last-wins JSON parsers would install different names",
    )
    escaped = edit(uman, '"name": "expert-demo"', '"name": "../../escaped"')
    c.add(
        "manifest-name-escapes",
        resigned(unsigned, escaped),
        "invalid",
        "E_UNSAFE_NAME",
        "a package, validly signed by the trusted publisher, whose manifest name is ../../escaped (upstream defect D-I1: installs outside the experts directory)",
    )
    c.add(
        "manifest-soft-prompt-path-traversal",
        resigned(unsigned, edit(uman, '"path": "soft_prompts/demo_style_16.bin"', '"path": "../../.bashrc"')),
        "invalid",
        "E_PATH_TRAVERSAL",
        "a validly signed manifest declares a soft prompt at ../../.bashrc",
    )

    # ---- paths ----------------------------------------------------------
    evil = b"#!/bin/sh\necho owned\n"
    for name, path, code, what in [
        ("path-traversal-dotdot", "../evil", "E_PATH_TRAVERSAL", "an entry named ../evil (escapes the extraction directory)"),
        ("path-traversal-nested", "soft_prompts/../../evil", "E_PATH_TRAVERSAL", "an entry named soft_prompts/../../evil (a .. segment in the middle)"),
        ("path-absolute", "/etc/evil", "E_PATH_ABSOLUTE", "an entry with the absolute name /etc/evil"),
        ("path-windows-drive", "C:/evil", "E_PATH_DRIVE", "an entry named C:/evil (a Windows drive path)"),
        ("path-windows-drive-backslash", "C:\\evil", "E_PATH_BACKSLASH", "an entry named C:\\evil (a Windows drive path with a backslash)"),
        ("path-backslash", "..\\evil", "E_PATH_BACKSLASH", "an entry named ..\\evil (a traversal on Windows, where \\ separates)"),
        ("path-dot-prefix", "./manifest.json", "E_PATH_DOT_SEGMENT", "a second manifest named ./manifest.json, which normalizing extractors would merge with manifest.json"),
        ("path-empty-segment", "soft_prompts//x.bin", "E_PATH_EMPTY_SEGMENT", "an entry named soft_prompts//x.bin (an empty path segment)"),
        ("path-control-char", "evil\nREADME.md", "E_PATH_CONTROL", "an entry whose name holds a newline (log and terminal spoofing)"),
        ("v7-directory-trailing-slash", "soft_prompts/", "E_PATH_EMPTY_SEGMENT", "a regular-file entry named soft_prompts/ that old (v7) tar readers treat as a directory"),
        ("path-windows-device-name", "soft_prompts/CON", "E_PATH_RESERVED_NAME", "an entry named soft_prompts/CON: on Windows, extracting it writes to the console device"),
        ("path-windows-device-name-extension", "nul.bin", "E_PATH_RESERVED_NAME", "an entry named nul.bin: Windows maps NUL with any extension to the null device"),
        ("path-windows-trailing-dot", "README.md.", "E_PATH_RESERVED_NAME", "an entry named README.md. (trailing dot), which Windows saves as README.md over the signed one"),
        ("path-ntfs-alternate-stream", "README.md:hidden", "E_PATH_RESERVED_CHAR", "an entry named README.md:hidden, which Windows writes into a hidden NTFS data stream of README.md"),
    ]:
        c.add(name, hostile(entry(path, evil)), "invalid", code, what)
    c.add("path-drive-and-backslash", hostile(entry("C:\\evil.bin", evil)), "invalid", "E_PATH_BACKSLASH", "C:\\evil.bin is both a drive path and a backslash path: the backslash check comes first (FORMAT.md §2 order)")
    c.add("path-dot-dot-also-ends-in-dot", hostile(entry("a/../evil.bin", evil)), "invalid", "E_PATH_TRAVERSAL", "a/../evil.bin: .. also ends in a dot (a Windows-reserved name), but traversal is checked first")
    c.add("dirs-differ-only-in-case", hostile(entry("extra/a.bin", b"a"), entry("EXTRA/b.bin", b"b")), "unsigned", None, "extra/a.bin and EXTRA/b.bin: directories that differ only in case overwrite no file, so they are not a collision (only files are compared)")
    c.add("path-non-utf8", hostile(entry(b"evil-\xff\xfe.bin", evil)), "invalid", "E_PATH_ENCODING", "an entry name that is not UTF-8 (readers would decode it differently)")
    c.add("path-ustar-prefix", hostile(entry("evil.bin", evil, prefix=b"../../..")), "invalid", "E_PATH_TOO_LONG", "a ustar header whose prefix field holds ../../.., which readers prepend to the name")
    c.add(
        "gnu-header-prefix-smuggle",
        hostile(entry("README.md", b"# hidden\n", magic=GNU, prefix=b"../../../tmp"), before=4, base=drop(unsigned, "README.md")),
        "invalid",
        "E_PATH_TOO_LONG",
        "a GNU-magic header with ../../../tmp in the ustar prefix bytes (GNU atime/ctime): tar-rs and GNU tar ignore them, Python's tarfile extracts ../../../tmp/README.md",
    )

    # ---- links and special files ----------------------------------------
    c.add("symlink-entry", hostile(entry("evil-link", typeflag=b"2", linkname="/etc")), "invalid", "E_TAR_SYMLINK", "a symbolic link entry pointing at /etc")
    c.add("hardlink-entry", hostile(entry("LICENSE", typeflag=b"1", linkname="../../../../etc/shadow"), before=1, base=drop(unsigned, "LICENSE")), "invalid", "E_TAR_HARDLINK", "LICENSE is a hard link to ../../../../etc/shadow")
    c.add(
        "symlink-then-file-same-name",
        hostile(entry("soft_prompts", typeflag=b"2", linkname="/tmp"), entry("soft_prompts/demo_style_16.bin", b"written through the link"), base=drop(unsigned, "soft_prompts/demo_style_16.bin")),
        "invalid",
        "E_TAR_SYMLINK",
        "a symlink soft_prompts -> /tmp, then a file soft_prompts/demo_style_16.bin written through it (the tar-rs CVE-2018-20990 pattern)",
    )
    c.add(
        "symlink-discloses-local-file",
        hostile(entry(weights, typeflag=b"2", linkname="/etc/passwd"), before=3, base=drop(signed, weights)),
        "invalid",
        "E_TAR_SYMLINK",
        "in a signed package, the declared weights file is a symlink to /etc/passwd, so hashing after extraction reads a local file (upstream defect D-S9)",
    )
    c.add("char-device", hostile(entry(weights, typeflag=b"3", devmajor=1, devminor=5), before=3, base=drop(unsigned, weights)), "invalid", "E_TAR_DEVICE", "the weights entry is a character device (1,5 = /dev/zero: endless reads)")
    c.add("block-device", hostile(entry("sda", typeflag=b"4", devmajor=8, devminor=0)), "invalid", "E_TAR_DEVICE", "a block device entry (8,0 = /dev/sda)")
    c.add("fifo", hostile(entry("grammar.gbnf", typeflag=b"6"), before=3, base=drop(unsigned, "grammar.gbnf")), "invalid", "E_TAR_FIFO", "grammar.gbnf is a FIFO (a reader opening it blocks forever)")
    c.add("directory-entry", hostile(entry("soft_prompts/", typeflag=b"5", mode=0o755)), "invalid", "E_TAR_DIRECTORY", "an explicit directory entry (packages hold regular files only)")
    c.add("contiguous-file-type", hostile(entry("evil.bin", evil, typeflag=b"7")), "invalid", "E_TAR_ENTRY_TYPE", "a type '7' (contiguous file) entry that some readers treat as regular and others skip")
    c.add("gnu-sparse-entry", hostile(entry("evil.bin", evil, typeflag=b"S", magic=GNU)), "invalid", "E_TAR_ENTRY_TYPE", "a GNU sparse ('S') entry, whose real content depends on the reader's sparse map support")

    # ---- duplicates and collisions --------------------------------------
    c.add("duplicate-entry", hostile(entry("README.md", b"# a different README\n"), before=3), "invalid", "E_DUPLICATE_ENTRY", "README.md twice with different contents: first-wins and last-wins extractors disagree")
    readme = dict(unsigned)["README.md"]
    same_size = bytes(readme[:-2]) + (b"!\n" if readme[-2:] != b"!\n" else b"?\n")
    assert len(same_size) == len(readme) and same_size != readme
    c.add("duplicate-entry-same-size", hostile(entry("README.md", same_size), before=3), "invalid", "E_DUPLICATE_ENTRY", "README.md twice, same size, different bytes: only hashing the repeat tells them apart")
    c.add("duplicate-entry-identical-unsigned", hostile(entry("README.md", readme), before=3), "unsigned", "W_REPEATED_ENTRY", "README.md twice with identical bytes in an unsigned package, as upstream 0.3.0's v1 packager writes it: one file, with a warning")
    c.add("manifest-repeated-identical", hostile(entry("manifest.json", uman.encode()), before=9), "invalid", "E_DUPLICATE_MANIFEST", "manifest.json twice with identical bytes: the manifest may never repeat, identical or not")
    sig = dict(signed)["signature.sig"]
    c.add("signature-sig-repeated-identical", emit(signed + [("signature.sig", sig)]), "invalid", "E_DUPLICATE_ENTRY", "signature.sig twice with identical bytes: signature.sig may never repeat, identical or not")
    c.add("case-fold-collision", hostile(entry("readme.md", b"# shadow README\n"), before=3), "invalid", "E_CASE_COLLISION", "README.md and readme.md: one overwrites the other on case-insensitive filesystems")
    second = edit(uman, '"name": "expert-demo"', '"name": "expert-evil"').encode()
    c.add("manifest-twice", hostile(entry("manifest.json", second), before=9), "invalid", "E_DUPLICATE_MANIFEST", "a second, different manifest.json at the end of the archive")
    c.add("manifest-case-variant", hostile(entry("Manifest.json", second), before=9), "invalid", "E_CASE_COLLISION", "a second manifest named Manifest.json, which replaces manifest.json on case-insensitive filesystems")
    c.add("unicode-normalization-collision", hostile(entry("soft_prompts/caf\u00e9.bin", b"composed"), entry("soft_prompts/cafe\u0301.bin", b"decomposed")), "invalid", "E_UNICODE_COLLISION", "soft_prompts/caf\u00e9.bin (NFC) and soft_prompts/cafe\u0301.bin (NFD): macOS stores them as one file, so one overwrites the other")
    c.add("manifest-missing", emit(drop(unsigned, "manifest.json")), "invalid", "E_MANIFEST_MISSING", "the package has no manifest.json")
    c.add("file-and-dir-same-name", hostile(entry("a", b"file"), entry("a/b", b"file under a")), "invalid", "E_PATH_CONFLICT", "an entry a and then an entry a/b: a is both a file and a directory")
    c.add("dir-and-file-same-name", hostile(entry("a/b", b"file under a"), entry("a", b"file")), "invalid", "E_PATH_CONFLICT", "an entry a/b and then an entry a: a is both a directory and a file")

    # ---- tar tricks -----------------------------------------------------
    def pax_record(key: str, value: str) -> bytes:
        body = f" {key}={value}\n"
        n = len(body) + 1
        while len(str(n)) + len(body) != n:
            n = len(str(n)) + len(body)
        return f"{n}{body}".encode()

    pax = pax_record("size", "40")
    c.add(
        "pax-size-mismatch",
        hostile(entry("PaxHeader/evil.bin", pax, typeflag=b"x"), entry("evil.bin", evil + b"\0" * 600)),
        "invalid",
        "E_TAR_PAX_HEADER",
        "TARmageddon: a PAX 'x' header says size=40 while the ustar header says 622, so readers split the stream differently",
    )
    c.add("pax-global-header", hostile(entry("pax_global_header", pax_record("path", "../evil"), typeflag=b"g")), "invalid", "E_TAR_PAX_HEADER", "a PAX global ('g') header that renames every later entry to ../evil")
    long_name = "soft_prompts/" + "a" * 150 + "/../../../../evil.bin"
    c.add(
        "gnu-longname",
        hostile(entry("././@LongLink", long_name.encode() + b"\0", typeflag=b"L", magic=GNU), entry("evil.bin", evil, magic=GNU)),
        "invalid",
        "E_TAR_GNU_LONGNAME",
        "a GNU 'L' long-name header that renames the next entry to a 180-byte path ending in ../../../../evil.bin",
    )
    c.add(
        "bad-header-checksum",
        hostile(entry("evil.bin", evil, checksum_field=lambda s: octal(s + 1, 7) + b" ")),
        "invalid",
        "E_TAR_CHECKSUM",
        "a header whose checksum is off by one (corrupt or hand-edited)",
    )
    c.add(
        "checksum-field-base256",
        hostile(entry("evil.bin", evil, checksum_field=lambda s: b"\x80" + b"\0" * 5 + struct.pack(">H", s))),
        "invalid",
        "E_TAR_CHECKSUM",
        "a header checksum written in GNU base-256 form (first byte 0x80), which is not a valid checksum encoding (it used to panic the reader)",
    )
    c.add(
        "checksum-field-base256-negative",
        hostile(entry("evil.bin", evil, checksum_field=lambda s: b"\xff" * 8)),
        "invalid",
        "E_TAR_CHECKSUM",
        "a header checksum field of 0xff bytes (a negative base-256 number)",
    )
    c.add("mode-field-not-octal", hostile(entry("evil.bin", evil, patch={100: b"0000x44\0"})), "invalid", "E_TAR_HEADER", "an entry mode field with a non-octal digit: every numeric field a reader may parse is checked")
    c.add("uid-field-garbage-after-nul", hostile(entry("evil.bin", evil, patch={108: b"000000\0X"})), "invalid", "E_TAR_HEADER", "an entry uid field with a byte after its NUL terminator (only NULs and spaces may follow the digits)")
    c.add("mtime-field-base256", hostile(entry("evil.bin", evil, patch={136: b"\x80" + b"\0" * 7 + (1764028800).to_bytes(4, "big")})), "unsigned", None, "an mtime in GNU base-256: allowed for sizes, ids and times")
    c.add("mode-field-base256", hostile(entry("evil.bin", evil, patch={100: b"\x80\0\0\0\0\0\x01\xa4"})), "invalid", "E_TAR_HEADER", "an entry mode in base-256, which no writer uses for modes")
    c.add("size-field-not-octal", hostile(entry("evil.bin", evil, size_field=b"0000000002x\0")), "invalid", "E_TAR_HEADER", "an entry size field that is not an octal number")
    c.add(
        "huge-entry-size-header",
        hostile(header(weights, size_field=b"\x80\0\0\0" + struct.pack(">Q", 40 << 30)), before=3, base=drop(unsigned, weights)),
        "invalid",
        "E_LIMIT_ENTRY_SIZE",
        "an entry header claiming 40 GiB (GNU base-256 size), past the 32 GiB entry limit",
    )
    c.add("not-ustar-magic", hostile(entry("evil.bin", evil, magic=b"\0" * 8)), "invalid", "E_TAR_FORMAT", "a pre-POSIX (v7) header without the ustar magic")
    no_pad = header("hidden.txt", len(evil)) + evil + padding(len(evil), b"X")
    c.add("nonzero-padding", hostile(no_pad), "invalid", "E_TAR_PADDING", "the padding after an entry's data holds non-zero bytes (a place to hide data)")
    after_end = tar(unsigned) + entry("evil.sh", evil) + END
    c.add("data-after-end-marker", gz(after_end), "invalid", "E_TAR_TRAILING_DATA", "an entry (evil.sh) hidden after the tar end-of-archive marker, which most extractors never read")
    lone = b"".join(entry(n, d) for n, d in unsigned) + b"\0" * BLOCK + entry("evil.sh", evil) + END
    c.add("lone-zero-block-then-entry", gz(lone), "invalid", "E_TAR_HEADER", "a single zero block followed by an entry: readers that stop at one zero block miss it, others (tar -i) read it")
    c.add("tar-missing-end-marker", gz(b"".join(entry(n, d) for n, d in unsigned)), "invalid", "E_TAR_TRUNCATED", "the tar stream has no end-of-archive marker (truncated before it)")
    one_zero = b"".join(entry(n, d) for n, d in unsigned) + b"\0" * BLOCK
    c.add("tar-single-zero-block-end", gz(one_zero), "invalid", "E_TAR_TRUNCATED", "the archive ends after a single zero block instead of the two-block end marker")
    whole = tar(unsigned)
    cut = len(entry("manifest.json", dict(unsigned)["manifest.json"])) + BLOCK + 100
    c.add("tar-truncated-inside-entry", gz(whole[:cut]), "invalid", "E_TAR_TRUNCATED", "a complete gzip stream whose tar ends in the middle of an entry's data")

    # ---- gzip -----------------------------------------------------------
    good = emit(unsigned)
    c.add("gzip-truncated", good[: len(good) * 2 // 3], "invalid", "E_GZIP_TRUNCATED", "the package file is cut at two thirds (an interrupted download)")
    c.add("gzip-trailer-missing", good[:-8], "invalid", "E_GZIP_TRUNCATED", "the 8-byte gzip trailer (CRC and length) is cut off; the tar inside is complete")
    bad_crc = bytearray(good)
    bad_crc[-8] ^= 0xFF
    c.add("gzip-bad-crc", bytes(bad_crc), "invalid", "E_GZIP_CRC", "the gzip CRC-32 does not match the decompressed data")
    bad_size = bytearray(good)
    bad_size[-1] ^= 0x01
    c.add("gzip-bad-isize", bytes(bad_size), "invalid", "E_GZIP_SIZE", "the gzip ISIZE field does not match the decompressed length")
    c.add("gzip-trailing-garbage", good + b"GARBAGE AFTER THE GZIP STREAM", "invalid", "E_GZIP_TRAILING_DATA", "bytes follow the end of the gzip stream")
    hidden = emit([("manifest.json", second), ("evil.sh", evil)])
    c.add("gzip-concatenated-members", good + hidden, "invalid", "E_GZIP_MULTIPLE_MEMBERS", "a second gzip member hides a second archive (another manifest.json and evil.sh) that gunzip | tar would read")
    c.add("not-gzip", tar(unsigned), "invalid", "E_GZIP_HEADER", "a plain, uncompressed tar file named .expert")
    c.add("empty-file", b"", "invalid", "E_GZIP_TRUNCATED", "an empty file")
    c.add("gzip-trailing-zeros", good + b"\0" * 512, "invalid", "E_GZIP_TRAILING_DATA", "512 zero bytes follow the gzip stream (gzip itself only warns; a strict reader rejects any trailing data)")
    not_deflate = bytearray(good)
    not_deflate[2] = 7
    c.add("gzip-method-not-deflate", bytes(not_deflate), "invalid", "E_GZIP_HEADER", "the gzip header names compression method 7 instead of deflate (8)")
    c.add("gzip-reserved-flags", gz(tar(unsigned), flags=0x20), "invalid", "E_GZIP_HEADER", "the gzip header sets a reserved flag bit (RFC 1952 says to reject it)")
    c.add(
        "gzip-bad-header-crc",
        gz(tar(unsigned), flags=FHCRC | FNAME, fname=b"package.tar", header_crc="bad"),
        "invalid",
        "E_GZIP_HEADER",
        "the gzip header carries a header CRC (FHCRC) that does not match it; zlib and gzip reject such a file",
    )
    corrupt = bytearray(good)
    corrupt[10] = 0x07  # BFINAL=1, BTYPE=11: a reserved block type
    c.add("deflate-corrupt", bytes(corrupt), "invalid", "E_DEFLATE", "the deflate stream uses the reserved block type 11")

    # ---- which defect comes first (FORMAT.md §5, Order) -------------------
    c.add("gzip-one-stray-1f-byte", good + b"\x1f", "invalid", "E_GZIP_MULTIPLE_MEMBERS", "one 0x1f byte after the gzip member: a byte 0x1f first means another member")
    c.add("gzip-trailing-1f-00", good + b"\x1f\x00", "invalid", "E_GZIP_MULTIPLE_MEMBERS", "0x1f 0x00 after the gzip member: decided by the first byte alone")
    c.add("gzip-trailing-00-1f", good + b"\x00\x1f", "invalid", "E_GZIP_TRAILING_DATA", "0x00 0x1f after the gzip member: the first byte is not 0x1f")
    with_link = b"".join(entry(n, d) for n, d in unsigned[:1]) + entry("evil-link", typeflag=b"2", linkname="/etc") + b"".join(entry(n, d) for n, d in unsigned[1:]) + END
    cobj = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    half = len(with_link) // 2
    body = cobj.compress(with_link[:half]) + cobj.flush(zlib.Z_FULL_FLUSH) + b"\x07\x00\x00\x00"
    c.add("tar-defect-before-deflate-error", gzip_header() + body + struct.pack("<II", zlib.crc32(with_link), len(with_link)), "invalid", "E_TAR_SYMLINK", "a symbolic link early in the tar stream, then corrupt deflate data: the tar layer sees every byte inflated before the deflate error, so the earlier defect wins")
    link_gz = bytearray(gz(with_link))
    link_gz[-8] ^= 0xFF
    c.add("tar-defect-before-bad-crc", bytes(link_gz), "invalid", "E_TAR_SYMLINK", "a symbolic link in the tar stream and a wrong gzip CRC: the tar defect comes earlier in the stream than the trailer")

    # ---- resource limits ------------------------------------------------
    bomb = tar([("manifest.json", dict(unsigned)["manifest.json"]), ("zeros.bin", bytes(80 * MIB))])
    bomb_gz = gz(bomb)
    assert len(bomb_gz) < 200 * 1024 and len(bomb) > 50 * len(bomb_gz)
    c.add("gzip-bomb", bomb_gz, "invalid", "E_LIMIT_RATIO", f"{len(bomb_gz) // 1024} KiB that inflate to 80 MiB of zeros (about {len(bomb) // len(bomb_gz)}x), past the 50x-after-64-MiB ratio guard")

    def many_entries(n: int) -> bytes:
        parts = [entry("manifest.json", dict(unsigned)["manifest.json"])]
        parts += [header(f"f/{i:05d}") for i in range(n)]
        return gz(b"".join(parts) + END)

    many = many_entries(10_000)
    assert len(many) < 200 * 1024
    c.add("too-many-entries", many, "invalid", "E_LIMIT_ENTRIES", "10,001 entries (a manifest and 10,000 empty files), past the 10,000-entry limit")
    big_manifest = edit(uman, '\n  "license": "MIT"', '\n  "license": "MIT",\n  "_padding": "' + "x" * (4 * MIB) + '"')
    assert len(big_manifest) > 4 * MIB
    c.add("manifest-over-size-limit", emit(with_manifest(unsigned, big_manifest)), "invalid", "E_MANIFEST_TOO_LARGE", "a manifest.json of just over 4 MiB, past the manifest size limit")

    # ---- manifest content -----------------------------------------------
    def bad_manifest(name: str, text: str | bytes, code: str, what: str) -> None:
        c.add(name, emit(with_manifest(unsigned, text)), "invalid", code, what)

    bad_manifest("manifest-deep-nesting", edit(uman, '"license": "MIT"', '"license": "MIT",\n  "deep": ' + "[" * 200 + "]" * 200), "E_JSON_DEPTH", "a manifest nested 201 levels deep (stack exhaustion in recursive parsers)")
    bad_manifest("manifest-huge-number", edit(uman, '"priority": 0.5', '"priority": 1e400'), "E_NUMBER_RANGE", "routing.priority is 1e400, which overflows a double to infinity")
    bad_manifest("manifest-huge-integer", edit(uman, '"load_order": 5', '"load_order": 9007199254740993'), "E_NUMBER_RANGE", "constraints.load_order is 2^53+1, which doubles round to 2^53 (two texts, one signed value)")
    bad_manifest("manifest-invalid-utf8", edit(uman, "Demo expert", "Demo \udcff expert").encode("utf-8", "surrogateescape"), "E_JSON_UTF8", "the manifest holds a byte (0xff) that is not UTF-8")
    bad_manifest("manifest-bom", b"\xef\xbb\xbf" + uman.encode(), "E_JSON_BOM", "the manifest starts with a UTF-8 byte order mark")
    bad_manifest("manifest-unknown-schema-version", edit(uman, '"schema_version": "2.0"', '"schema_version": "3.0"'), "E_SCHEMA_VERSION_UNKNOWN", "schema_version 3.0, which upstream's loader silently read as 1.0")
    bad_manifest("manifest-escaped-duplicate-key", edit(uman, '"license": "MIT"', '"license": "MIT",\n  "n\\u0061me": "expert-evil"'), "E_DUPLICATE_KEY", 'a second name key spelled "n\\u0061me": a duplicate only after unescaping')
    bad_manifest("manifest-not-json", uman.rstrip()[:-1], "E_JSON_SYNTAX", "the manifest is cut short before its closing brace (not JSON)")
    bad_manifest("manifest-schema-version-number", edit(uman, '"schema_version": "2.0"', '"schema_version": 2'), "E_TYPE", "schema_version is the number 2, not a string: a type error, not an unknown version")
    c.add("custom-adapter-without-rank", emit(with_manifest(unsigned, edit(edit(uman, '"type": "lora"', '"type": "custom"'), '"r": 4,\n          "alpha": 8,', ''))), "unsigned", None, "an adapter of an unknown type (custom) without r and alpha: only the LoRA family needs them; unknown types warn")
    bad_manifest("manifest-not-an-object", "[" + uman + "]", "E_TYPE", "the manifest is a JSON array holding the real manifest")

    # ---- packages in upstream 0.3.0's own layout ---------------------------
    def upstream_gz(entries) -> bytes:
        return gz(b"".join(entry(n, d, typeflag=t, mode=m, mtime=mt, magic=GNU) for n, d, t, m, mt in entries) + END)

    for label, source in upstream.real_manifests(REPO):
        made = upstream.unsigned_entries(source, label, tiny_safetensors)
        v1 = "base_model" in source
        what = "upstream's v1 fixture" if label.startswith("manifest-") else f"the real {label} manifest"
        c.add(
            f"upstream-0.3.0-{label}-unsigned",
            upstream_gz(made),
            "unsigned",
            "W_REPEATED_ENTRY" if v1 else None,
            f"{what} as upstream 0.3.0's package writes it (GNU headers, typeflag NUL manifest, nulls, \"integrity\": null" + (", README.md twice)" if v1 else ")"),
        )
        if label in ("expert-sql", "manifest-v1"):
            signed_up = upstream.legacy_signed_entries(made, PUBLISHER, "2026-11-30T19:51:45.791826545+00:00")
            c.add(f"upstream-0.3.0-{label}-signed", upstream_gz(signed_up), "legacy", "W_LEGACY_SCHEME", f"{what} packaged and signed as upstream 0.3.0 does (hash-map order, nanosecond created_at, bare-hex files): legacy even with a trusted key")

    # The three packages upstream's own code wrote (tests/fixtures/upstream-0.3.0).
    made_by_upstream = REPO / "tests" / "fixtures" / "upstream-0.3.0"
    for rel, name, status, code in [
        ("unsigned/expert-sql-qwen3-0-6b.v0.3.0.expert", "upstream-0.3.0-real-expert-sql-unsigned", "unsigned", None),
        ("unsigned/test-expert-v1-with-readme.v1.0.0.expert", "upstream-0.3.0-real-v1-readme-twice-unsigned", "unsigned", "W_REPEATED_ENTRY"),
        ("signed/expert-sql-qwen3-0-6b.v0.3.0.expert", "upstream-0.3.0-real-expert-sql-signed", "legacy", "W_LEGACY_SCHEME"),
    ]:
        c.add(name, (made_by_upstream / rel).read_bytes(), status, code, f"{rel} as upstream 0.3.0's own package and sign wrote it, unchanged")

    # ---- upstream's legacy scheme ---------------------------------------
    def legacy(entries, key: Key = PUBLISHER, mutate=None) -> bytes:
        """Signs the way hivellm/expert's sign.rs did."""
        manifest = pkg_manifest(entries)
        files = [("demo_style_16.bin" if n == "soft_prompts/demo_style_16.bin" else n, d) for n, d in entries]
        hashes = {n: hashlib.sha256(d).hexdigest() for n, d in files}  # manifest.json included, hashed now
        message = "\n".join(sorted(f"{p}:{h}" for p, h in hashes.items())).encode()
        sig = key.sign(message).hex()
        integrity = {
            "created_at": "2025-11-25T00:00:00+00:00",
            "publisher": "expert-cli",
            "pubkey": key.public,
            "signature_algorithm": "ed25519",
            "signature": sig,
            "files": dict(sorted(hashes.items())),
        }
        out = [(n, d) for n, d in files if n != "manifest.json"]
        out = [("manifest.json", with_integrity(manifest, integrity).encode())] + out + [("signature.sig", sig.encode())]
        if mutate:
            out = mutate(out)
        return gz(tar(out, magic=GNU, uname=b"hive", gname=b"hive", mode=0o100644))

    c.add(
        "legacy-upstream-signed",
        legacy(unsigned),
        "legacy",
        "W_LEGACY_SCHEME",
        "a package signed with upstream's scheme (Ed25519 over sorted path:sha256 lines, manifest hash stale); legacy even though the key is trusted",
    )
    c.add(
        "legacy-upstream-weight-tampered",
        legacy(unsigned, mutate=lambda out: replace(out, weights, flip_byte(dict(out)[weights], 100))),
        "invalid",
        "E_FILE_HASH_MISMATCH",
        "an upstream-signed package whose adapter weights are changed after signing",
    )
    c.add(
        "legacy-upstream-file-added",
        legacy(unsigned, mutate=lambda out: out + [("evil.py", evil)]),
        "invalid",
        "E_FILE_UNLISTED",
        "a file the legacy signature does not list is added to an upstream-signed package",
    )
    c.add(
        "legacy-upstream-file-removed",
        legacy(unsigned, mutate=lambda out: drop(out, weights)),
        "invalid",
        "E_FILE_MISSING",
        "the adapter weights, listed in the legacy signature, are removed from an upstream-signed package",
    )

    def legacy_manifest_edit(out):
        text = dict(out)["manifest.json"].decode()
        return replace(out, "manifest.json", edit(text, '"version": "1.2.0"', '"version": "9.9.9"').encode())

    c.add(
        "legacy-upstream-manifest-edited",
        legacy(unsigned, mutate=legacy_manifest_edit),
        "legacy",
        "W_LEGACY_SCHEME",
        "not caught by design: upstream's signature never covers the manifest, so an edited manifest stays legacy (the warning says the manifest is unauthenticated)",
    )

    def legacy_files_edit(out):
        text = dict(out)["manifest.json"].decode()
        old = hashlib.sha256(dict(out)["LICENSE"]).hexdigest()
        return replace(replace(out, "manifest.json", edit(text, old, hashlib.sha256(lic).hexdigest()).encode()), "LICENSE", lic)

    c.add("legacy-upstream-files-edited", legacy(unsigned, mutate=legacy_files_edit), "invalid", "E_SIGNATURE_INVALID", "LICENSE is changed and its hash in integrity.files updated, so only the legacy signature catches it")

    c.add("legacy-upstream-sig-deleted", legacy(unsigned, mutate=lambda out: drop(out, "signature.sig")), "invalid", "E_SIGNATURE_FILE_MISSING", "signature.sig is deleted from an upstream-signed package whose manifest keeps its integrity section")
    c.add(
        "legacy-upstream-attacker-signed",
        legacy(unsigned, key=ATTACKER),
        "legacy",
        "W_LEGACY_SCHEME",
        "a package signed with upstream's scheme by an unknown key: legacy, never valid-untrusted or verified",
    )

    c.add("legacy-readme-and-readme-md", legacy(unsigned + [("README", b"plain readme\n")]), "legacy", "W_LEGACY_SCHEME", "README and README.md in a legacy package: the signed lines path:hex are sorted as lines (README.md: before README:), not by path")

    def legacy_sig_mismatch(out):
        return replace(out, "signature.sig", ATTACKER.sign(b"something else").hex().encode())

    c.add("legacy-upstream-sig-mismatch", legacy(unsigned, mutate=legacy_sig_mismatch), "invalid", "E_SIGNATURE_FILE_MISMATCH", "an upstream-signed package whose signature.sig differs from integrity.signature")


# --------------------------------------------------------------------------
# README and driver
# --------------------------------------------------------------------------

README_HEAD = """# `.expert` conformance corpus

Good and hostile `.expert` packages that every front end (the core, the CLI,
the npm package under Node, the web page) must judge identically. Each
directory under `cases/` is named after the attack it encodes and holds:

- `package.expert`: the package;
- `expected.json`: `{"status": "verified" | "valid-untrusted" | "invalid" |
  "unsigned" | "legacy", "problem_code": "<code>" | null}`, where
  `problem_code` is the `code` of the **first** entry of the verdict's
  `problems` array (null when it is empty);
- `README`: one line saying what the case encodes.

Verdicts are computed with `keys/publisher.pub` as the only trusted key
(`keys/attacker.pem` signs the hostile re-signed packages). The keys are
fixed test keys (seed = SHA-256(b"expert-conformance-<role>")), never to be
trusted anywhere else.

## Regenerating

    python3 tests/conformance/generate.py           # rewrites cases/ and keys/
    python3 tests/conformance/generate.py --check   # ... and runs `expert-cli verify` on each case

The generator needs Python 3.11 with `cryptography` and cargo: it builds
`expert-cli` and uses it (`package`, `sign`) for the good packages, then
re-emits and tampers with them using its own raw ustar and gzip writers (so
that any header bytes can be produced). Output is byte-identical from run to
run (gzip mtime 0, fixed tar mtimes, deterministic Ed25519); compressed
bytes depend on the zlib Python links (1.2.13 here), verdicts do not. The
generator also checks that its independent Python port of the signing scheme
(JCS manifest digest, signed message, Ed25519) reproduces the CLI's
signature byte for byte.

## Tests

- `core/tests/conformance.rs` streams every package through
  `expert_core::sign::PackageVerifier` in 4093-byte chunks and in one
  piece (and, for packages up to 64 KiB, also in 1- and 509-byte chunks)
  with the publisher key trusted.
- `cli/tests/conformance.rs` runs `expert-cli verify PKG --json --trusted-key
  tests/conformance/keys/publisher.pub` and also checks the exit code (0
  verified, 5 invalid, 6 otherwise) and that nothing panics.

Cases listed in `KNOWN_FAILING` in those two files encode a defect that is
not fixed yet: the expected verdict is the correct one, the current code
disagrees. Those tests fail if a listed case starts passing, so the list is
kept honest: remove the name once the fix lands. The list is empty: the
defects this corpus found (`checksum-field-base256` panicked the reader,
`gnu-header-prefix-smuggle`, `gzip-bad-header-crc`,
`legacy-upstream-file-removed`) were fixed in commit b72265b.

`cli/tests/install_hostile.rs` also feeds every `invalid` case to
`expert-cli install` with every `--allow-…` flag and expects a refusal.

## Cases

In generation order: good packages and controls, tampering after signing,
paths, links and special files, duplicates, tar tricks, gzip, resource
limits, manifest content, upstream's legacy scheme.

| case | attack | status | first problem code |
| --- | --- | --- | --- |
"""


def write_readme(c: Corpus) -> None:
    rows = []
    for name, status, code, readme in c.cases:
        cell = readme.replace("|", "\\|")
        rows.append(f"| `{name}` | {cell} | {status} | {'`' + code + '`' if code else '—'} |")
    (HERE / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n")


def check(c: Corpus) -> int:
    """Runs the CLI on every case and reports disagreements."""
    bad = 0
    with tempfile.TemporaryDirectory() as home:
        for name, status, code, _ in c.cases:
            r = run_cli("verify", str(CASES / name / "package.expert"), "--json", "--trusted-key", str(KEYS / "publisher.pub"), home=Path(home))
            try:
                v = json.loads(r.stdout)
                got = (v["status"], v["problems"][0]["code"] if v["problems"] else None)
            except (ValueError, KeyError):
                got = ("<no json>", r.stderr.strip()[-200:])
            mark = "ok  " if got == (status, code) else "DIFF"
            bad += got != (status, code)
            print(f"{mark} {name:45} expected {status}/{code}  got {got[0]}/{got[1]}  exit {r.returncode}")
    return bad


def main() -> None:
    if "EXPERT_CLI" not in os.environ:
        subprocess.run(["cargo", "build", "-p", "expert-cli", "--locked", "--quiet"], cwd=REPO, check=True)
    write_keys()
    if CASES.exists():
        shutil.rmtree(CASES)
    CASES.mkdir()
    corpus = Corpus()
    with tempfile.TemporaryDirectory() as tmp:
        build(corpus, Bases(Path(tmp)))
    write_readme(corpus)
    size = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file())
    print(f"wrote {len(corpus.cases)} cases; tests/conformance is {size / 1e6:.2f} MB")
    if "--check" in sys.argv[1:]:
        sys.exit(1 if check(corpus) else 0)


if __name__ == "__main__":
    main()
