# SPDX-License-Identifier: LGPL-2.1-or-later
"""What every script of docs/asyncio-claims/ shares.

Each script checks, against the asyncio of the Python that runs it, one
claim that the manual makes about asyncio's behaviour, and names where the
manual makes it ("Backs:" lines of its docstring; check-claims-cited.py
checks that those places exist).  A claim that differs between Python
versions says so with since(): the manual marks the same versions.

holds() ends the script with status 1 and "FALSE CLAIM" when the claim
does not hold on this Python; a script that gets to the end prints what it
checked.  No assert statements: python -O must not turn a check off.
"""

import asyncio
import sys

VERSION = sys.version_info[:2]
PYTHON = 'Python %d.%d.%d' % sys.version_info[:3]


def since(major, minor):
    """Whether this Python is major.minor or later."""
    return VERSION >= (major, minor)


def holds(condition, claim):
    """Ends the script, as a failure, unless condition is true."""
    if not condition:
        print('FALSE CLAIM on %s: %s' % (PYTHON, claim), file=sys.stderr)
        sys.exit(1)


async def spin(n=5):
    """Lets the event loop run n iterations (every ready task, n times)."""
    for _ in range(n):
        await asyncio.sleep(0)


def run(main, claim):
    """Runs the coroutine function main in a new event loop, then reports."""
    asyncio.run(main())
    print('%s: %s' % (PYTHON, claim))
