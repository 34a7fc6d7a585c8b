#!/usr/bin/env python3
"""Fails when a Rust function in the given folders is longer than the limit.

Counts every line from `fn` to its closing brace (rustfmt puts it at the
`fn`'s indentation), comments and blank lines included: a reader scrolls
past those too. Usage: check-fn-length.py LIMIT DIR...
"""
import pathlib
import re
import sys

FN = re.compile(r'^(\s*)(?:pub(?:\([^)]*\))? )?(?:const )?(?:async )?(?:unsafe )?(?:extern "C" )?fn (\w+)')


def long_functions(path, limit):
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m or line.rstrip().endswith(";"):
            continue
        close = m.group(1) + "}"
        for j in range(i + 1, len(lines)):
            if lines[j].rstrip() in (close, close + ";", close + ")"):
                if j - i + 1 > limit:
                    yield j - i + 1, f"{path}:{i + 1} {m.group(2)}"
                break


def main():
    limit = int(sys.argv[1])
    found = sorted(
        (hit for d in sys.argv[2:] for p in sorted(pathlib.Path(d).rglob("*.rs")) for hit in long_functions(p, limit)),
        reverse=True,
    )
    for n, where in found:
        print(f"{where}: {n} lines (limit {limit})")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
