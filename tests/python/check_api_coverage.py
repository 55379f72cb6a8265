#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks that the Python and GJS suites call every method and read every
property of the typelib's classes: lists them with GI's own repository
(so a method added to the library fails this check until it is tested) and
looks for each name in the test file of its class, in each language.

Usage: check_api_coverage.py [--table]   (--table prints the coverage table)
"""

import os
import re
import sys

from asyncsync_testcase import AsyncSync  # noqa: F401  (loads the typelib)
from gi import Repository

HERE = os.path.dirname(os.path.abspath(__file__))
GJS_DIR = os.path.join(HERE, "..", "gjs")

# The test file of each class, per language; "" holds the namespace's
# functions and constants.
FILES = {
    "python": {
        "Lock": "test_lock.py",
        "Event": "test_event.py",
        "Condition": "test_condition.py",
        "Semaphore": "test_semaphore.py",
        "BoundedSemaphore": "test_semaphore.py",
        "Error": "test_errors_and_input.py",
        "": "test_errors_and_input.py",
    },
    "gjs": {
        "Lock": "test-lock.js",
        "Event": "test-event.js",
        "Condition": "test-condition.js",
        "Semaphore": "test-semaphore.js",
        "BoundedSemaphore": "test-semaphore.js",
        "Error": "test-errors-and-input.js",
        "": "test-errors-and-input.js",
    },
}

# Classes whose binding tests belong to another issue (not checked here).
ELSEWHERE = {
    "Barrier": "issue 7 (extra classes)",
    "Queue": "issue 7 (extra classes)",
    "RWLock": "issue 7 (extra classes)",
    "Timeout": "issue 7 (extra classes)",
}

# Members a language cannot call under their own name, and why.
CANNOT_CALL = {
    ("gjs", "Event", "is_set"):
        "hidden by the `is-set` property accessor, also named is_set in JS; "
        "event.is_set (the property) reads the same state through the same "
        "C function",
}


def members(info):
    """(kind, name) of what a binding user calls on this info."""
    out = []
    if hasattr(info, "get_methods"):
        out += [("method", m.get_name()) for m in info.get_methods()]
    if hasattr(info, "get_properties"):
        out += [("property", p.get_name()) for p in info.get_properties()]
    return out


def spellings(lang, kind, name):
    if kind == "property":
        snake = name.replace("-", "_")
        camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), snake)
        return [name, snake, camel]
    if name == "new":
        return [".new("]
    return [name]


def called(text, spelling):
    if not spelling[0].isalnum():
        return spelling in text
    return re.search(r"(?<![\w-])" + re.escape(spelling) + r"(?![\w-])", text) is not None


def main():
    table = "--table" in sys.argv[1:]
    repository = Repository.get_default()
    texts = {}
    for lang, files in FILES.items():
        base = HERE if lang == "python" else GJS_DIR
        for name in set(files.values()):
            with open(os.path.join(base, name), encoding="utf-8") as f:
                texts[(lang, name)] = f.read()

    rows, missing, unknown = [], [], []
    for info in repository.get_infos("AsyncSync"):
        type_name = type(info).__name__
        name = info.get_name()
        if type_name in ("StructInfo", "CallbackInfo"):
            continue  # class structs; the Predicate is tested via wait_for
        if type_name in ("ObjectInfo", "EnumInfo"):
            if name in ELSEWHERE:
                continue
            if name not in FILES["python"]:
                unknown.append(name)
                continue
            owner, items = name, members(info)
        else:  # a namespace function or constant
            owner, items = "", [("function" if type_name == "FunctionInfo" else "constant", name)]
        for kind, member in items:
            row = [f"{owner}.{member}" if owner else member, kind]
            for lang in FILES:
                file_name = FILES[lang][owner]
                if (lang, owner, member) in CANNOT_CALL:
                    row.append("(cannot, see note)")
                    continue
                if any(called(texts[(lang, file_name)], s) for s in spellings(lang, kind, member)):
                    row.append(file_name)
                else:
                    row.append("MISSING")
                    missing.append(f"{lang}: {row[0]} ({kind}) not called in {file_name}")
            rows.append(row)

    if table:
        print("| member | kind | Python | GJS |")
        print("| --- | --- | --- | --- |")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print()
    for (lang, owner, member), why in CANNOT_CALL.items():
        print(f"note: {lang} cannot call {owner}.{member}: {why}")
    for name, why in ELSEWHERE.items():
        print(f"note: {name} is covered by {why}")
    for name in unknown:
        print(f"FAIL: class {name} has no binding tests: add it to FILES or ELSEWHERE")
    for line in missing:
        print(f"FAIL: {line}")
    print(f"{len(rows)} members checked in {len(FILES)} languages")
    return 1 if missing or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
