#!/usr/bin/env python3
"""Writes a deterministic bf16-like safetensors adapter of SIZE_MIB MiB.

Values are N(0, 0.02) from a fixed-seed PRNG, rounded to bf16 like real
LoRA weights: the exponent byte repeats and the mantissa byte is noise, so
deflate shrinks it only to about 0.8. One 4 MiB pool of values is drawn and
reused at shifting offsets (beyond deflate's 32 KiB window), so generating
1 GiB takes seconds and compresses like fresh data.
"""
import array
import json
import random
import struct
import sys


def main():
    size_mib, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20261125)
    floats = array.array("f", (rnd.gauss(0.0, 0.02) for _ in range(2 << 20)))
    raw = floats.tobytes()
    pool = bytes(b for i in range(0, len(raw), 4) for b in raw[i + 2:i + 4])  # upper halves: bf16
    total = size_mib << 20
    n = (total - 256) // 2
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "base_model.model.lora_A.weight": {"dtype": "BF16", "shape": [n], "data_offsets": [0, n * 2]}},
                        separators=(",", ":")).encode()
    header += b" " * ((8 - (len(header) + 8) % 8) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(header)))
        f.write(header)
        left, k = n * 2, 0
        while left:
            shift = (k * 40961) % (len(pool) // 2)
            chunk = (pool[shift:] + pool[:shift])[:min(left, len(pool))]
            f.write(chunk)
            left -= len(chunk)
            k += 1


if __name__ == "__main__":
    main()
