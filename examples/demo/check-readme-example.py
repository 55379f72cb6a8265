#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check that README.md shows each example file as it is (minus its licence
line), so the examples in the README are the ones the tests build and run.

Usage: check-readme-example.py README.md EXAMPLE...

The fence language comes from the file's extension: .c -> c, .py ->
python, .js -> js.
"""

import os
import sys

FENCES = {".c": "c", ".py": "python", ".js": "js"}


def check(readme, path):
    with open(path, encoding="utf-8") as f:
        example = f.read()
    body = example.split("\n", 1)[1].lstrip("\n")  # drop the SPDX line
    fence = FENCES[os.path.splitext(path)[1]]
    if f"```{fence}\n{body}```\n" not in readme:
        return (f"FAIL: README.md does not contain {path} verbatim "
                f"in a ```{fence} block (copy it again)")
    print(f"ok: README.md shows {os.path.basename(path)} verbatim")
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        readme = f.read()
    failures = [msg for msg in (check(readme, p) for p in sys.argv[2:]) if msg]
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
