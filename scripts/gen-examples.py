#!/usr/bin/env python3
"""Generate the example experts under examples/.

Creates (after deleting, if present) exactly these two directories:

    examples/multi-model-expert   (manifest schema 2.0, two base models)
    examples/single-model-expert  (manifest schema 1.0, one base model)

Everything is deterministic: no timestamps, no system randomness. Pseudo-random
bytes come from SHA-256 in counter mode keyed by a fixed per-file seed string,
so running the script twice produces byte-identical files.

The LoRA weights are synthetic (small normal-ish bf16 values) but the files are
real safetensors files with PEFT tensor naming and shapes matching Qwen3-0.6B
and Qwen3-1.7B q_proj/v_proj with r=4.

Usage (from any directory):

    python3 scripts/gen-examples.py

Standard library only (Python 3.11).
"""

import hashlib
import json
import os
import struct
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "examples"
MULTI = EXAMPLES / "multi-model-expert"
SINGLE = EXAMPLES / "single-model-expert"

LORA_R = 4
LORA_ALPHA = 8
LORA_DROPOUT = 0.05
TARGET_MODULES = ["q_proj", "v_proj"]

# Qwen3 dims (head_dim 128): q_proj out = heads*128, v_proj out = kv_heads*128.
MODELS = {
    "Qwen/Qwen3-0.6B": {"hidden": 1024, "layers": 28, "heads": 16, "kv_heads": 8},
    "Qwen/Qwen3-1.7B": {"hidden": 2048, "layers": 28, "heads": 16, "kv_heads": 8},
}
HEAD_DIM = 128


# --------------------------------------------------------------------------
# Deterministic PRNG: SHA-256 in counter mode.
# --------------------------------------------------------------------------


class Prng:
    def __init__(self, seed: str):
        self._key = hashlib.sha256(("expert-examples:" + seed).encode("utf-8")).digest()
        self._counter = 0

    def _block(self) -> bytes:
        block = hashlib.sha256(self._key + self._counter.to_bytes(8, "little")).digest()
        self._counter += 1
        return block

    def bytes(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            out += self._block()
        return bytes(out[:n])

    def normalish(self, n: int) -> list:
        """n values ~ (sum of 4 uniforms in (0,1) minus 2) * 0.02."""
        raw = self.bytes(8 * n)  # four u16 draws per value
        u16 = struct.unpack("<%dH" % (4 * n), raw)
        vals = []
        for i in range(n):
            a, b, c, d = u16[4 * i : 4 * i + 4]
            s = (a + b + c + d + 2.0) / 65536.0  # each uniform is (x + 0.5) / 65536
            vals.append((s - 2.0) * 0.02)
        return vals


def to_bf16_bytes(values: list) -> bytes:
    """float -> float32 -> bf16 (round to nearest even), little-endian."""
    n = len(values)
    bits32 = struct.unpack("<%dI" % n, struct.pack("<%df" % n, *values))
    out = [((b + 0x7FFF + ((b >> 16) & 1)) >> 16) & 0xFFFF for b in bits32]
    return struct.pack("<%dH" % n, *out)


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_text(path: Path, text: str) -> None:
    if not text.endswith("\n"):
        text += "\n"
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, obj, sort_keys: bool = False) -> None:
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=sort_keys))


def write_safetensors(path: Path, tensors: dict) -> None:
    """tensors: name -> (shape, bf16 bytes). Names sorted, data in that order."""
    header = {"__metadata__": {"format": "pt"}}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        shape, data = tensors[name]
        count = 1
        for d in shape:
            count *= d
        assert len(data) == count * 2, name
        header[name] = {
            "dtype": "BF16",
            "shape": list(shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    pad = (8 - (8 + len(hjson)) % 8) % 8
    hjson += b" " * pad
    write_bytes(path, struct.pack("<Q", len(hjson)) + hjson + b"".join(chunks))


def lora_tensors(model: str, seed: str) -> dict:
    dims = MODELS[model]
    hidden = dims["hidden"]
    out_features = {
        "q_proj": dims["heads"] * HEAD_DIM,
        "v_proj": dims["kv_heads"] * HEAD_DIM,
    }
    prng = Prng(seed)
    tensors = {}
    # Generate in a fixed (layer, module, A/B) order; layout is by sorted name.
    for i in range(dims["layers"]):
        for m in TARGET_MODULES:
            prefix = "base_model.model.model.layers.%d.self_attn.%s" % (i, m)
            a_shape = [LORA_R, hidden]
            b_shape = [out_features[m], LORA_R]
            for suffix, shape in (("lora_A.weight", a_shape), ("lora_B.weight", b_shape)):
                n = shape[0] * shape[1]
                tensors[prefix + "." + suffix] = (shape, to_bf16_bytes(prng.normalish(n)))
    return tensors


def adapter_config(model: str) -> dict:
    return {
        "alpha_pattern": {},
        "auto_mapping": None,
        "base_model_name_or_path": model,
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "layers_pattern": None,
        "layers_to_transform": None,
        "lora_alpha": LORA_ALPHA,
        "lora_dropout": LORA_DROPOUT,
        "modules_to_save": None,
        "peft_type": "LORA",
        "r": LORA_R,
        "rank_pattern": {},
        "revision": None,
        "target_modules": list(TARGET_MODULES),
        "task_type": "CAUSAL_LM",
        "use_dora": False,
        "use_rslora": False,
    }


def write_adapter(dir_: Path, model: str, seed: str) -> None:
    write_safetensors(dir_ / "adapter_model.safetensors", lora_tensors(model, seed))
    write_json(dir_ / "adapter_config.json", adapter_config(model), sort_keys=True)


def opaque_blob(seed: str, n: int) -> bytes:
    """Synthetic stand-in for a training leftover (torch.save output etc.).

    Starts with a NUL-containing marker so git's heuristics always treat the
    file as binary (no EOL conversion), then deterministic pseudo-random bytes.
    """
    marker = b"EXPTEST\x00"
    return marker + Prng(seed).bytes(n - len(marker))


def rmtree(path: Path) -> None:
    """Remove a directory tree without following symlinks (no shutil)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    if not path.exists():
        return
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files:
            os.unlink(os.path.join(root, name))
        for name in dirs:
            p = os.path.join(root, name)
            if os.path.islink(p):
                os.unlink(p)
            else:
                os.rmdir(p)
    os.rmdir(path)


# --------------------------------------------------------------------------
# Shared text
# --------------------------------------------------------------------------

MIT_LICENSE = """MIT License

Copyright (c) 2026 The expert toolchain authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

JSON_GRAMMAR = r"""# Small JSON-object grammar (GBNF). The top level must be an object.
root ::= object

object ::= "{" ws ( member ( "," ws member )* )? "}" ws
member ::= string ":" ws value
value ::= object | array | string | number | json-literal
array ::= "[" ws ( value ( "," ws value )* )? "]" ws
json-literal ::= ( "true" | "false" | "null" ) ws

string ::= "\"" string-char* "\"" ws
string-char ::= [^"\\\x00-\x1f] | "\\" ( ["\\/bfnrt] | "u" hex-digit hex-digit hex-digit hex-digit )
hex-digit ::= [0-9a-fA-F]

number ::= "-"? int-part frac-part? exp-part? ws
int-part ::= "0" | [1-9] [0-9]*
frac-part ::= "." [0-9]+
exp-part ::= [eE] [-+]? [0-9]+

ws ::= ( [ \t\n] ws )?
"""


# --------------------------------------------------------------------------
# examples/multi-model-expert (schema 2.0)
# --------------------------------------------------------------------------


def multi_base_model(name: str) -> dict:
    return {
        "name": name,
        "sha256": "",
        "quantization": "bf16",
        # Every field upstream 0.3.0's loader requires of an object form.
        "rope_scaling": {
            "type": "yarn",
            "factor": 4.0,
            "max_position_embeddings": 131072,
            "original_max_position_embeddings": 32768,
            "fine_grained": False,
        },
        "prompt_template": "chatml",
        "adapters": [
            {
                "type": "lora",
                "target_modules": list(TARGET_MODULES),
                "r": LORA_R,
                "alpha": LORA_ALPHA,
                "scaling": "standard",
                "dropout": LORA_DROPOUT,
                "size_bytes": 0,
                "sha256": "",
            }
        ],
    }


def multi_manifest() -> dict:
    return {
        "name": "expert-demo",
        "version": "1.2.0",
        "schema_version": "2.0",
        "description": "Demo expert that answers with small JSON objects. "
        "Synthetic weights for testing the .expert toolchain.",
        "author": "expert toolchain",
        "homepage": "https://example.invalid/expert-demo",
        "base_models": [
            multi_base_model("Qwen/Qwen3-0.6B"),
            multi_base_model("Qwen/Qwen3-1.7B"),
        ],
        "soft_prompts": [
            {
                "name": "demo_style",
                "path": "soft_prompts/demo_style_16.bin",
                "tokens": 16,
                "purpose": "Keep answers terse",
            }
        ],
        "capabilities": ["format:json", "task:demo"],
        "routing": {"keywords": ["json", "demo"], "priority": 0.5},
        "constraints": {
            "max_chain": 10,
            "load_order": 5,
            "incompatible_with": [],
            "requires": [],
        },
        "perf": {
            "latency_ms_overhead": 1.5,
            "vram_mb_overhead": 4,
            "supported_batch_sizes": [1, 2, 4],
            "_comment": "Tiny r=4 adapter.",
        },
        "training": {
            "dataset": {"path": "datasets/train.jsonl", "format": "jsonl"},
            "config": {
                "method": "sft",
                "adapter_type": "lora",
                "rank": LORA_R,
                "alpha": LORA_ALPHA,
                "target_modules": list(TARGET_MODULES),
                "epochs": 2,
                "learning_rate": 0.0002,
                "batch_size": 4,
                "gradient_accumulation_steps": 2,
                "warmup_steps": 10,
                "lr_scheduler": "cosine",
                "_comment": "Synthetic demo config.",
            },
            "decoding": {
                "use_grammar": True,
                "grammar_type": "json",
                "grammar_file": "grammar.gbnf",
                "temperature": 0.2,
                "top_p": 0.9,
            },
            "packaging_checkpoint": "final",
        },
        # test_set_size and metrics: upstream 0.3.0 cannot load an evaluation without them.
        "evaluation": {"test_cases": "tests/test_cases.json", "test_set_size": 3, "metrics": {}},
        "license": "MIT",
    }


MULTI_README = """# expert-demo (multi-model example)

A tiny demo expert in the `.expert` manifest schema 2.0 format. It targets two
base models (Qwen/Qwen3-0.6B and Qwen/Qwen3-1.7B), each with an r=4 LoRA
adapter on `q_proj`/`v_proj`, plus a 16-token soft prompt and a JSON-object
GBNF grammar for constrained decoding.

The weights are synthetic: small deterministic pseudo-random bf16 values, not a
trained model. They are real PEFT-style safetensors files with the correct
tensor names and shapes, generated by `scripts/gen-examples.py`.

Layout notes for packaging tests:

- `weights/qwen3-06b/final/` is the checkpoint selected by
  `training.packaging_checkpoint`; `training_args.bin` inside it is a training
  leftover that must not be packaged.
- `weights/qwen3-06b/checkpoint-100/` is an older checkpoint (optimizer and
  scheduler state included) that must not be packaged.
- `weights/qwen3-1.7b/` deliberately uses a different slug spelling than
  `qwen3-06b`, as real repositories do.
"""


def gen_multi() -> None:
    root = MULTI
    write_json(root / "manifest.json", multi_manifest())
    write_text(root / "README.md", MULTI_README)
    write_text(root / "LICENSE", MIT_LICENSE)
    write_text(root / "grammar.gbnf", JSON_GRAMMAR)

    # 16 tokens x 64 dims of bf16, raw little-endian bytes (2048 bytes).
    soft = to_bf16_bytes(Prng("multi/soft_prompts/demo_style_16").normalish(16 * 64))
    assert len(soft) == 2048
    write_bytes(root / "soft_prompts" / "demo_style_16.bin", soft)

    tests = [
        {
            "name": "simple_object",
            "user": "Return a JSON object with key \"ok\" set to true.",
            "expected": "{\"ok\": true}",
        },
        {
            "name": "number_field",
            "user": "Give me the answer to 2 + 3 as JSON with key \"sum\".",
            "expected": "{\"sum\": 5}",
        },
        {
            "name": "string_field",
            "user": "Wrap the word hello in a JSON object under key \"word\".",
            "expected": "{\"word\": \"hello\"}",
        },
    ]
    write_json(root / "tests" / "test_cases.json", tests)

    final06 = root / "weights" / "qwen3-06b" / "final"
    write_adapter(final06, "Qwen/Qwen3-0.6B", "multi/qwen3-06b/final")
    write_json(
        final06 / "tokenizer_config.json",
        {"model_max_length": 32768, "tokenizer_class": "Qwen2Tokenizer"},
    )
    write_json(
        final06 / "special_tokens_map.json",
        {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    )
    write_bytes(
        final06 / "training_args.bin",
        opaque_blob("multi/qwen3-06b/final/training_args", 64),
    )

    ckpt = root / "weights" / "qwen3-06b" / "checkpoint-100"
    write_adapter(ckpt, "Qwen/Qwen3-0.6B", "multi/qwen3-06b/checkpoint-100")
    write_bytes(ckpt / "optimizer.pt", opaque_blob("multi/qwen3-06b/checkpoint-100/optimizer", 1024))
    write_bytes(ckpt / "scheduler.pt", opaque_blob("multi/qwen3-06b/checkpoint-100/scheduler", 100))
    write_json(
        ckpt / "trainer_state.json",
        {
            "best_metric": None,
            "epoch": 1.0,
            "global_step": 100,
            "log_history": [
                {"epoch": 0.5, "learning_rate": 0.0002, "loss": 1.875, "step": 50},
                {"epoch": 1.0, "learning_rate": 0.0001, "loss": 1.25, "step": 100},
            ],
            "max_steps": 200,
        },
    )

    final17 = root / "weights" / "qwen3-1.7b" / "final"
    write_adapter(final17, "Qwen/Qwen3-1.7B", "multi/qwen3-1.7b/final")


# --------------------------------------------------------------------------
# examples/single-model-expert (schema 1.0)
# --------------------------------------------------------------------------


def single_manifest() -> dict:
    return {
        "name": "expert-demo-v1",
        "version": "0.3.0",
        "schema_version": "1.0",
        "description": "Single-model demo expert (schema 1.0). "
        "Synthetic weights for testing the .expert toolchain.",
        "author": "expert toolchain",
        "base_model": {
            "name": "Qwen/Qwen3-0.6B",
            "sha256": "",
            "quantization": "bf16",
            "rope_scaling": "yarn-128k",
            "prompt_template": "chatml",
        },
        "adapters": [
            {
                "type": "lora",
                "target_modules": list(TARGET_MODULES),
                "r": LORA_R,
                "alpha": LORA_ALPHA,
                "scaling": "standard",
                "dropout": LORA_DROPOUT,
                "path": "weights/qwen3-0-6b/adapter",
                "size_bytes": 0,
                "sha256": "",
            }
        ],
        "capabilities": ["task:demo"],
        "constraints": {"load_order": 5, "incompatible_with": [], "requires": []},
        "training": {
            "dataset": {"path": "datasets/train.jsonl"},
            "config": {
                "method": "sft",
                "adapter_type": "lora",
                "rank": LORA_R,
                "alpha": LORA_ALPHA,
                "target_modules": list(TARGET_MODULES),
                "epochs": 1,
                "learning_rate": 0.0003,
                "batch_size": 4,
                "gradient_accumulation_steps": 1,
                "warmup_steps": 5,
                "lr_scheduler": "linear",
            },
        },
        "license": "MIT",
    }


SINGLE_README = """# expert-demo-v1 (single-model example)

A tiny demo expert in the legacy `.expert` manifest schema 1.0 format: one base
model (Qwen/Qwen3-0.6B) with a single r=4 LoRA adapter on `q_proj`/`v_proj`,
referenced by `adapters[].path`.

The weights are synthetic: small deterministic pseudo-random bf16 values, not a
trained model. The adapter is a real PEFT-style safetensors file with the
correct tensor names and shapes, generated by `scripts/gen-examples.py`.
"""


def gen_single() -> None:
    root = SINGLE
    write_json(root / "manifest.json", single_manifest())
    write_text(root / "README.md", SINGLE_README)
    write_text(root / "LICENSE", MIT_LICENSE)
    write_adapter(
        root / "weights" / "qwen3-0-6b" / "adapter",
        "Qwen/Qwen3-0.6B",
        "single/qwen3-0-6b/adapter",
    )


def main() -> None:
    for d in (MULTI, SINGLE):
        rmtree(d)
    gen_multi()
    gen_single()
    for d in (MULTI, SINGLE):
        print("wrote", d.relative_to(REPO_ROOT).as_posix())


if __name__ == "__main__":
    main()
