"""Packages in the layout upstream's CLI (hivellm/expert 0.3.0) writes.

Written from the facts recorded in tests/fixtures/upstream-0.3.0/README.md
(what upstream's `package` and `sign` were seen to produce), not from
upstream's code. Imported by generate.py, which adds the packages to the
conformance corpus so that every front end judges them.

- Unsigned: GNU headers (magic `ustar  \\0`), empty owner names;
  `manifest.json` first with typeflag NUL, mode 0644 and mtime 0; the other
  entries typeflag `0`, mode 0100644 and file-system mtimes. The manifest is
  upstream's re-serialization: its own fields in its own order, unknown
  fields dropped, every absent optional field written as `null`, among them
  `"integrity": null`. The v1 packager writes README.md twice, and
  grammar.gbnf twice when it is also the manifest's grammar file.
- Signed (legacy scheme): `sign` unpacks and repacks, so the entries come in
  hash-map order with the manifest anywhere and no repeats, and `integrity`
  holds `created_at` with nanoseconds and `+00:00`, `pubkey`, `signature`
  hex and `files` as path -> bare hex SHA-256 (manifest.json included,
  hashed before `integrity` was added).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

# Upstream's manifest fields, in the order its serializer writes them.
# `base_model`, `base_models` and `adapters` are left out when absent; every
# other absent field is written as null.
FIELDS = [
    "name", "version", "schema_version", "description", "author", "homepage",
    "repository", "base_model", "base_models", "adapters", "soft_prompts",
    "capabilities", "routing", "constraints", "perf", "runtime", "training",
    "evaluation", "integrity", "license", "tags",
]
SKIPPED_WHEN_ABSENT = {"base_model", "base_models", "adapters"}

# File-system mtime of the stand-in files (2026-12-01T00:00:00Z).
FS_MTIME = 1796083200


def packaged_manifest(source: dict, model_index: int = 0) -> str:
    """The manifest as upstream's `package` writes it for one base model."""
    out = {}
    for key in FIELDS:
        if key in source:
            out[key] = source[key]
        elif key not in SKIPPED_WHEN_ABSENT:
            out[key] = None
    if isinstance(out.get("base_models"), list):
        out["base_models"] = [out["base_models"][model_index]]
    out["integrity"] = None
    return json.dumps(out, indent=2, ensure_ascii=False)


def grammar_file(source: dict) -> str | None:
    decoding = (source.get("training") or {}).get("decoding") or {}
    return decoding.get("grammar_file")


def stand_in_files(label: str, safetensors) -> list[tuple[str, bytes]]:
    """What upstream packs from a checkpoint directory (training_args.bin
    included: upstream does not leave it out), with small stand-in bytes."""
    return [
        ("adapter_model.safetensors", safetensors(label)),
        ("adapter_config.json", json.dumps({"peft_type": "LORA", "r": 16, "lora_alpha": 32}).encode()),
        ("special_tokens_map.json", b'{"eos_token": "<|im_end|>"}'),
        ("tokenizer_config.json", b'{"model_max_length": 32768}'),
        ("tokenizer.json", b'{"version": "1.0", "model": {"type": "BPE"}}'),
        ("training_args.bin", hashlib.sha256(label.encode()).digest()[:31]),
        ("vocab.json", b'{"<|im_end|>": 0}'),
    ]


def unsigned_entries(source: dict, label: str, safetensors, model_index: int = 0):
    """(name, bytes, typeflag, mode, mtime) in upstream's `package` order."""
    manifest = packaged_manifest(source, model_index).encode()
    v1 = "base_model" in source
    readme = f"# {source['name']}\n".encode()
    grammar = b'root ::= "SELECT" [^;]* ";"\n'
    license_text = b"Creative Commons Attribution 4.0 (stand-in)\n"
    files = stand_in_files(label, safetensors)
    shared = [("README.md", readme)]
    if v1:
        shared.append(("README.md", readme))  # upstream's v1 packager repeats it
    shared.append(("grammar.gbnf", grammar))
    if v1 and grammar_file(source) == "grammar.gbnf":
        shared.append(("grammar.gbnf", grammar))
    shared.append(("LICENSE", license_text))
    out = [("manifest.json", manifest, b"\0", 0o644, 0)]
    out += [(n, d, b"0", 0o100644, FS_MTIME) for n, d in files + shared]
    return out


def legacy_signed_entries(entries, key, created_at: str):
    """`sign` over an unsigned upstream package: unpack (repeats collapse),
    hash every file, sign the sorted `path:hex` lines, repack in hash-map
    order."""
    files = {}
    for name, data, *_ in entries:
        files[name] = data
    hashes = {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    message = "\n".join(sorted(f"{p}:{h}" for p, h in hashes.items())).encode()
    sig = key.sign(message).hex()
    manifest = json.loads(files["manifest.json"])
    manifest["integrity"] = {
        "created_at": created_at,
        "publisher": "expert-cli",
        "pubkey": key.public,
        "signature_algorithm": "ed25519",
        "signature": sig,
        "files": hashes,
    }
    files["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    files["signature.sig"] = sig.encode()
    # A stand-in for hash-map order: stable, but neither sorted nor manifest-first.
    order = sorted(files, key=lambda n: hashlib.sha256(b"order:" + n.encode()).digest())
    assert order[0] != "manifest.json"
    return [(n, files[n], b"0", 0o100644, FS_MTIME) for n in order]


def real_manifests(repo: Path) -> list[tuple[str, dict]]:
    """The real expert manifests and upstream's own v1/v2 fixtures."""
    corpus = repo / "tests" / "fixtures" / "corpus"
    out = []
    for d in sorted((corpus / "real-experts").iterdir()):
        out.append((d.name, json.loads((d / "manifest.json").read_text(encoding="utf-8"))))
    for name in ("manifest_v1", "manifest_v2"):
        out.append((name.replace("_", "-"), json.loads((corpus / "upstream-fixtures" / f"{name}.json").read_text(encoding="utf-8"))))
    return out
