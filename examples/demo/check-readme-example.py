#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check that README.md shows readme-lock.c as it is (minus its licence
line), so the example in the README is the one the tests build and run.

Usage: check-readme-example.py README.md readme-lock.c
"""

import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        readme = f.read()
    with open(sys.argv[2], encoding="utf-8") as f:
        example = f.read()
    body = example.split("\n", 1)[1].lstrip("\n")  # drop the SPDX line
    if f"```c\n{body}```\n" not in readme:
        sys.exit(f"FAIL: README.md does not contain {sys.argv[2]} verbatim "
                 "in a ```c block (copy it again)")
    print("ok: README.md shows readme-lock.c verbatim")


if __name__ == "__main__":
    main()
