#!/usr/bin/env python3
"""Writes the worst-case corpus: packages at the limits of SPEC §4, each
named after the cost attack it encodes, into OUT/cases/<name>/ with
`package.expert`, `expected.json` ({"status", "problem_code"}, as in
tests/conformance/cases/) and a one-line `README`. With --twins it also
writes OUT/twins/<name>/package.expert: a benign, publisher-signed package
of the same byte size (same manifest size for the manifest attacks), the
baseline that scripts/bench.sh times each case against.

Too big to commit (about 30 MB), so the tests generate it on the fly:

    python3 tests/worst-case/generate.py OUT [--twins]

Runs on Python 3.11 with the stdlib and `cryptography` 38. Signed cases use
the conformance publisher key (tests/conformance/keys/publisher.pub), so a
verifier that trusts that key calls the good ones `verified`.
Deterministic: fixed mtimes, gzip mtime 0, seeded filler bytes.
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import sys
import zlib
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAX_ENTRIES = 10_000
MAX_MANIFEST = 4 << 20
MAX_DEPTH = 128
NAME_BYTES = 100
# Room left under the manifest cap for the integrity section.
MANIFEST_BUDGET = MAX_MANIFEST - 4096
MTIME = 1764028800

SEED = hashlib.sha256(b"expert-conformance-publisher").digest()
KEY = Ed25519PrivateKey.from_private_bytes(SEED)
RAW_PUB = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
PUBKEY = "ed25519:" + RAW_PUB.hex()
KEY_ID = hashlib.sha256(RAW_PUB).digest()[:8].hex()


# ---------------------------------------------------------------- archive


def tar_entry(name: str, data: bytes) -> bytes:
    h = bytearray(512)
    n = name.encode()
    assert len(n) <= NAME_BYTES, name
    h[0 : len(n)] = n
    for off, width, value in ((100, 8, 0o644), (108, 8, 0), (116, 8, 0), (124, 12, len(data)), (136, 12, MTIME)):
        h[off : off + width] = b"%0*o\0" % (width - 1, value)
    h[148:156] = b" " * 8
    h[156] = ord("0")
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h) + data + b"\0" * (-len(data) % 512)


def package(entries: list[tuple[str, bytes]]) -> bytes:
    raw = b"".join(tar_entry(n, d) for n, d in entries) + b"\0" * 1024
    c = zlib.compressobj(6, zlib.DEFLATED, -15, 9)
    body = c.compress(raw) + c.flush()
    return b"\x1f\x8b\x08\0\0\0\0\0\0\xff" + body + struct.pack("<II", zlib.crc32(raw), len(raw) & 0xFFFFFFFF)


# ---------------------------------------------------------------- signing
# JCS (RFC 8785) for what these manifests hold: str keys (ASCII, so UTF-16
# order is str order), str, int, bool, list, dict.


def jcs(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(jcs(k) + ":" + jcs(v[k]) for k in sorted(v)) + "}"
    raise TypeError(type(v))


def signed_package(manifest: dict, files: list[tuple[str, bytes]], listed: set[str] | None = None) -> bytes:
    """Signs `manifest` (compact JSON) over `files`, or only over those in
    `listed`; the signature is valid for the claims it makes."""
    claims = {
        n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in sorted(files, key=lambda f: f[0].encode())
        if listed is None or n in listed
    }
    digest = hashlib.sha256(jcs(manifest).encode()).hexdigest()
    created = "2025-11-25T00:00:00Z"
    payload = {
        "scheme": "expert-sig-v1",
        "key_id": KEY_ID,
        "publisher": "worst case",
        "created_at": created,
        "manifest_sha256": digest,
        "files": [{"path": p, "size": c["size"], "sha256": c["sha256"]} for p, c in claims.items()],
    }
    sig = KEY.sign(b"expert-package-signature-v1\0" + jcs(payload).encode()).hex()
    integrity = {
        "scheme": "expert-sig-v1",
        "signature_algorithm": "ed25519",
        "pubkey": PUBKEY,
        "key_id": KEY_ID,
        "publisher": "worst case",
        "created_at": created,
        "manifest_sha256": digest,
        "files": claims,
        "signature": sig,
    }
    text = json.dumps(dict(manifest, integrity=integrity), separators=(",", ":")).encode()
    assert len(text) <= MAX_MANIFEST, len(text)
    return package([("manifest.json", text), *files, ("signature.sig", sig.encode())])


def base_manifest() -> dict:
    return {
        "name": "worst-case",
        "version": "1.0.0",
        "schema_version": "2.0",
        "license": "MIT",
        "base_models": [
            {
                "name": "Qwen/Qwen3-0.6B",
                "adapters": [{"type": "lora", "target_modules": ["q_proj"], "r": 4, "alpha": 8}],
            }
        ],
    }


def fill(budget: int, item_len: int) -> int:
    """How many items of `item_len` bytes fit in what the base manifest leaves."""
    return (budget - len(json.dumps(base_manifest()))) // item_len


# ---------------------------------------------------------------- cases


def many_entries(unlisted: bool) -> bytes:
    # Identical contents: every claim matches every entry's hash, which is
    # what made the old rename search scan all entries per claim.
    files = [(f"f/{i:05d}", b"x") for i in range(MAX_ENTRIES - 2)]
    listed = {n for i, (n, _) in enumerate(files) if i % 2 == 0} if unlisted else None
    return signed_package(base_manifest(), files, listed)


def widest_object() -> dict:
    m = base_manifest()
    n = fill(MANIFEST_BUDGET, len('"000000":0,'))
    m["x_wide"] = {f"{i:06d}": 0 for i in range(n)}
    return m


def deepest_nesting() -> dict:
    # Root object, then nested objects with long keys, then an array: 128
    # levels. The long keys make every path deep inside them long; the wide
    # array below puts many values under that path.
    m = base_manifest()
    levels = MAX_DEPTH - 2
    key_len = (MANIFEST_BUDGET // 2) // levels
    inner: object = [0] * fill(MANIFEST_BUDGET // 2, 2)
    for i in range(levels):
        inner = {f"{i:03d}" + "k" * (key_len - 3): inner}
    m["x_deep"] = inner
    return m


def most_findings() -> bytes:
    # Every `1e999` is an E_NUMBER_RANGE finding, all on one line.
    head = json.dumps(base_manifest(), separators=(",", ":"))[:-1]
    n = (MAX_MANIFEST - len(head) - 16) // 6
    text = (head + ',"x_bad":[' + ",".join(["1e999"] * n) + "]}").encode()
    assert len(text) <= MAX_MANIFEST
    return package([("manifest.json", text)])


def longest_names() -> bytes:
    # 100-byte names, 49 directory levels deep: the most prefixes per entry
    # for the file/directory conflict check, the most bytes to fold.
    stem = "D/" * 47
    files = [(f"{stem}f{i:05d}", b"x") for i in range(MAX_ENTRIES - 2)]
    assert all(len(n) == NAME_BYTES for n, _ in files)
    return signed_package(base_manifest(), files)


CASES = [
    # name, README, build, status, first problem code
    ("many-unlisted-entries", "10,000 entries with identical contents in a publisher-signed package whose integrity.files lists every other one (the verifier used to search claims × entries per unlisted entry: cubic)", lambda: many_entries(True), "invalid", "E_FILE_UNLISTED"),
    ("many-listed-entries", "control: the same 10,000 entries, all listed and signed by the publisher", lambda: many_entries(False), "verified", None),
    ("widest-manifest-object", "one manifest object with as many distinct keys as fit in 4 MiB (the duplicate-key check used to compare each key with all earlier ones)", lambda: signed_package(widest_object(), []), "verified", None),
    ("deepest-manifest-nesting", "128 levels of nesting under 16 KiB keys, then an array of a million zeros (each value's JSON path used to be built in full)", lambda: signed_package(deepest_nesting(), []), "verified", None),
    ("most-validation-findings", "a 4 MiB manifest on one line with about 700,000 out-of-range numbers (columns used to be counted from the line start for each finding)", most_findings, "invalid", "E_NUMBER_RANGE"),
    ("longest-entry-names", "10,000 entries with 100-byte names 49 directories deep, signed by the publisher (path checks, case and Unicode folding per entry)", longest_names, "verified", None),
]


def twin(name: str, case: bytes) -> bytes:
    """A benign signed package of the same size: for the entry attacks, one
    incompressible file; for the manifest attacks, a manifest of the same
    size made of ordinary routing keywords."""
    if name in ("widest-manifest-object", "deepest-manifest-nesting", "most-validation-findings"):
        m = base_manifest()
        m["routing"] = {"keywords": [f"kw{i:06d}" for i in range(fill(MANIFEST_BUDGET, 11))]}
        return signed_package(m, [])
    data = random.Random(name).randbytes(len(case))
    return signed_package(base_manifest(), [("adapter_model.safetensors", data)])


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: generate.py OUT [--twins]")
    out = Path(args[0])
    for name, readme, build, status, code in CASES:
        d = out / "cases" / name
        d.mkdir(parents=True, exist_ok=True)
        data = build()
        (d / "package.expert").write_bytes(data)
        (d / "expected.json").write_text(json.dumps({"status": status, "problem_code": code}) + "\n")
        (d / "README").write_text(readme + "\n")
        if "--twins" in sys.argv:
            t = out / "twins" / name
            t.mkdir(parents=True, exist_ok=True)
            (t / "package.expert").write_bytes(twin(name, data))


if __name__ == "__main__":
    main()
