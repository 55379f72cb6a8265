#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks that the Python and GJS suites call every method, use every
property and name every error code of every class of the typelib.

The members are listed with GI's own repository, so a class or method
added to the library fails this check until both suites use it.  A member
counts as used only where code uses it, in the test file of its class or
in the contract test, which runs the rules every class keeps over each
class's waiting calls:
comments, docstrings and prose strings (test names, messages) are removed
first, and what is left must be a call or attribute access (`x.name(`,
`x.name` passed as a callable), a constructor call on the class
(`Queue.new(`), or a string naming the member on its own (`"acquire_finish"`
handed to a Results collector or to _promisify, `"notify::length"`).

Usage: check_api_coverage.py [--table]   (--table prints the coverage table)
"""

import io
import os
import re
import sys
import tokenize

from asyncsync_testcase import AsyncSync  # noqa: F401  (loads the typelib)
from gi import Repository

HERE = os.path.dirname(os.path.abspath(__file__))
GJS_DIR = os.path.join(HERE, "..", "gjs")

# The test file of each class, per language; "" holds the namespace's
# functions and constants.  A class missing here fails the check.
FILES = {
    "python": {
        "Lock": "test_lock.py",
        "Event": "test_event.py",
        "Condition": "test_condition.py",
        "Semaphore": "test_semaphore.py",
        "BoundedSemaphore": "test_semaphore.py",
        "Barrier": "test_barrier.py",
        "Queue": "test_queue.py",
        "RWLock": "test_rw_lock.py",
        "Timeout": "test_timeout.py",
        "Error": "test_errors_and_input.py",
        "": "test_errors_and_input.py",
    },
    "gjs": {
        "Lock": "test-lock.js",
        "Event": "test-event.js",
        "Condition": "test-condition.js",
        "Semaphore": "test-semaphore.js",
        "BoundedSemaphore": "test-semaphore.js",
        "Barrier": "test-barrier.js",
        "Queue": "test-queue.js",
        "RWLock": "test-rw-lock.js",
        "Timeout": "test-timeout.js",
        "Error": "test-errors-and-input.js",
        "": "test-errors-and-input.js",
    },
}

# The contract test of each language: it calls every class's waiting
# operations, so a member used there is used in its class's tests.
CONTRACT_FILES = {
    "python": "test_contract.py",
    "gjs": "test-contract.js",
}

# Members a language cannot call under their own name, and why.
CANNOT_CALL = {
    ("gjs", "Event", "is_set"):
        "hidden by the `is-set` property accessor, also named is_set in JS; "
        "event.is_set (the property) reads the same state through the same "
        "C function",
}

# Members whose plain spelling would also match unrelated code: the
# spelling that counts instead.
OVERRIDES = {
    # `.length` is also every JS array's length.
    ("gjs", "Queue", "length"): [r"\bqueue\s*\.\s*length\b"],
}

# What a string literal may hold to be kept: a bare member name, or a
# signal detail such as notify::n-readers.
BARE_NAME = re.compile(r"^[A-Za-z_][\w-]*(::[\w-]+)?$")


def python_code(text):
    """The code of a Python file: no comments, no docstrings, and only the
    string literals that are a bare name."""
    out, previous = [], None
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    for i, token in enumerate(tokens):
        kind, string = token.type, token.string
        if kind in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                    tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            if kind in (tokenize.NEWLINE, tokenize.NL):
                out.append("\n")
            previous = kind if kind != tokenize.COMMENT else previous
            continue
        if kind == tokenize.STRING:
            statement = previous in (None, tokenize.NEWLINE, tokenize.INDENT,
                                     tokenize.DEDENT, tokenize.NL)
            following = tokens[i + 1].type if i + 1 < len(tokens) else None
            if statement and following in (tokenize.NEWLINE, tokenize.ENDMARKER):
                previous = kind
                continue  # a docstring
            match = re.match(r"^[rbuRBU]?(['\"])(.*)\1$", string, re.S)
            body = match.group(2) if match else ""
            string = f'"{body}"' if BARE_NAME.match(body) else '""'
        if out and out[-1] and (out[-1][-1].isalnum() or out[-1][-1] == "_") and \
                (string[0].isalnum() or string[0] == "_"):
            out.append(" ")
        out.append(string)
        previous = kind
    return "".join(out)


def js_code(text):
    """The code of a JS file: no comments, and only the string literals
    (quotes or backticks) that are a bare name."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            body = text[i + 1:j]
            out.append(f"'{body}'" if BARE_NAME.match(body) else "''")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def members(info):
    """(kind, name) of what a binding user calls on this info."""
    out = []
    if hasattr(info, "get_methods"):
        out += [("method", m.get_name()) for m in info.get_methods()]
    if hasattr(info, "get_properties"):
        out += [("property", p.get_name()) for p in info.get_properties()]
    if type(info).__name__ == "EnumInfo":
        out += [("value", v.get_name().upper()) for v in info.get_values()]
    return out


def patterns(lang, owner, kind, name):
    """Regular expressions, any of which counts as using the member."""
    if (lang, owner, name) in OVERRIDES:
        return OVERRIDES[(lang, owner, name)]
    word = r"(?![\w-])"
    quoted = r"""['"]""" + re.escape(name) + r"""['"]"""
    if kind == "function" or kind == "constant":
        return [r"\bAsyncSync\s*\.\s*" + re.escape(name) + word]
    if kind == "value":
        return [r"\b" + re.escape(owner) + r"\s*\.\s*" + re.escape(name) + word]
    if kind == "method" and name.startswith("new"):
        return [r"\b" + re.escape(owner) + r"\s*\.\s*" + re.escape(name) + r"\s*\("]
    if kind == "method":
        return [r"\.\s*" + re.escape(name) + word, quoted]
    snake = name.replace("-", "_")
    camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), snake)
    names = {name, snake}
    found = [r"""['"](notify::)?""" + re.escape(n) + r"""['"]""" for n in names]
    if lang == "python":
        found += [r"\.\s*props\s*\.\s*" + re.escape(snake) + word,
                  r"\b" + re.escape(owner) + r"\s*\([^()]*\b" + re.escape(snake) + r"\s*="]
    else:
        found += [r"\.\s*" + re.escape(n) + word for n in {snake, camel}]
        found += [r"[{,]\s*" + re.escape(snake) + r"\s*[:},]"]  # {item_type: ...}
    return found


def main():
    table = "--table" in sys.argv[1:]
    repository = Repository.get_default()
    code = {}
    for lang, files in FILES.items():
        base = HERE if lang == "python" else GJS_DIR
        strip = python_code if lang == "python" else js_code
        for name in set(files.values()) | {CONTRACT_FILES[lang]}:
            with open(os.path.join(base, name), encoding="utf-8") as f:
                code[(lang, name)] = strip(f.read())

    rows, missing, unknown = [], [], []
    for info in repository.get_infos("AsyncSync"):
        type_name = type(info).__name__
        name = info.get_name()
        if type_name in ("StructInfo", "CallbackInfo"):
            continue  # class structs; the Predicate is tested via wait_for
        if type_name in ("ObjectInfo", "EnumInfo", "InterfaceInfo"):
            if name not in FILES["python"] or name not in FILES["gjs"]:
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
                found = [name for name in (file_name, CONTRACT_FILES[lang])
                         if any(re.search(p, code[(lang, name)])
                                for p in patterns(lang, owner, kind, member))]
                if found:
                    row.append(found[0])
                else:
                    row.append("MISSING")
                    missing.append(f"{lang}: {row[0]} ({kind}) not used in {file_name} "
                                   f"nor {CONTRACT_FILES[lang]}")
            rows.append(row)

    if table:
        print("| member | kind | Python | GJS |")
        print("| --- | --- | --- | --- |")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print()
    for (lang, owner, member), why in CANNOT_CALL.items():
        print(f"note: {lang} cannot call {owner}.{member}: {why}")
    for name in unknown:
        print(f"FAIL: {name} has no binding tests: add its test files to FILES")
    for line in missing:
        print(f"FAIL: {line}")
    print(f"{len(rows)} members checked in {len(FILES)} languages")
    return 1 if missing or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
