#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs an example and compares what it prints with the expected lines.

Usage: check_output.py EXPECTED-FILE COMMAND [ARG...]

EXPECTED-FILE may start with an SPDX line, which is not part of the output.
Exits 0 when the output matches line for line, 1 (with a diff) when it
does not or the example fails, 77 (skip) when the interpreter cannot load
GObject-Introspection at all.
"""

import difflib
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    expected_file, command = sys.argv[1], sys.argv[2:]
    with open(expected_file, encoding="utf-8") as f:
        expected = [line for line in f.read().splitlines()
                    if not line.startswith("# SPDX-License-Identifier:")]

    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if "No module named 'gi'" in run.stderr:
        print(f"SKIP: {command[0]} cannot import gi", file=sys.stderr)
        return 77
    actual = run.stdout.splitlines()
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        print(f"FAIL: {' '.join(command)} exited with {run.returncode}")
        return 1
    if actual != expected:
        print(f"FAIL: output differs from {expected_file}:")
        sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(
            expected, actual, "expected", "actual", lineterm=""))
        return 1
    print(f"ok: {len(actual)} lines as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
