#!/usr/bin/env python3
"""Fails when a function in the given folders is longer than the limit.

Rust (.rs): counts every line from `fn` to its closing brace (rustfmt puts
it at the `fn`'s indentation), comments and blank lines included: a reader
scrolls past those too. JavaScript (.js, .mjs): the same, from a line that
starts a function (`function name(`, `const name = (…) => {`, a method
`name(…) {`) to the first later line at its indentation that closes it
(Prettier puts the brace there). Usage: check-fn-length.py LIMIT DIR...
"""
import pathlib
import re
import sys

FN = re.compile(r'^(\s*)(?:pub(?:\([^)]*\))? )?(?:const )?(?:async )?(?:unsafe )?(?:extern "C" )?fn (\w+)')

JS_FN = [
    # function name(, async function name(, export [default] function* name(
    re.compile(r"^(\s*)(?:export )?(?:default )?(?:async )?function\*? ?(\w+)\s*\("),
    # const name = (…) => {, const name = async x => {, const name = function (
    re.compile(r"^(\s*)(?:export )?(?:const|let|var) (\w+) = (?:async )?(?:\(.*\)\s*=>\s*\{$|\w+\s*=>\s*\{$|function\b)"),
    # A method of a class or an object literal: name(…) {, async *name(…) {
    re.compile(r"^(\s+)(?:static )?(?:async )?(?:get |set )?\*?(?!(?:if|for|while|switch|catch|with|function)\b)(\w+)\s*\((?!.*=>).*\)\s*\{$"),
]
# How Prettier closes a function at its own indentation.
JS_CLOSE = ("}", "};", "})", "});", "},", "}),")


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


def long_js_functions(path, limit):
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        m = next((m for m in (r.match(line.rstrip()) for r in JS_FN) if m), None)
        # A declaration or a one-line function ends on its own line.
        if not m or line.rstrip().endswith((";", "}", "})")):
            continue
        closers = tuple(m.group(1) + c for c in JS_CLOSE)
        for j in range(i + 1, len(lines)):
            if lines[j].rstrip() in closers:
                if j - i + 1 > limit:
                    yield j - i + 1, f"{path}:{i + 1} {m.group(2)}"
                break


CHECKS = {".rs": long_functions, ".js": long_js_functions, ".mjs": long_js_functions}


def main():
    limit = int(sys.argv[1])
    found = sorted(
        (
            hit
            for d in sys.argv[2:]
            for p in sorted(pathlib.Path(d).rglob("*"))
            if p.suffix in CHECKS and p.is_file() and "node_modules" not in p.parts
            for hit in CHECKS[p.suffix](p, limit)
        ),
        reverse=True,
    )
    for n, where in found:
        print(f"{where}: {n} lines (limit {limit})")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
