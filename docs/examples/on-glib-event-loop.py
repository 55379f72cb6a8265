# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs an asyncio example of the manual on PyGObject's GLib event loop
(gi.events, PyGObject 3.50 and later) instead of asyncio's own, so that
the test suite shows each one working on both.  Exits 77 (a skip, for
meson) where PyGObject has no GLib event loop.

    on-glib-event-loop.py EXAMPLE.py

The example's asyncio.run() runs its coroutine on a GLibEventLoop over
the global default GMainContext, as a GLib application's main thread
does.  The loop is given as a loop factory (what asyncio.run(main(),
loop_factory=...) does in Python 3.12 and later), not through
GLibEventLoopPolicy: PyGObject 3.50's policy refuses the loop that
asyncio.run() makes on the main thread, which already has a main
context.
"""

import asyncio
import runpy
import sys

try:
    from gi.events import GLibEventLoop
except ImportError:
    print("PyGObject has no GLib event loop for asyncio (gi.events, 3.50 and later): skipped")
    sys.exit(77)

from gi.repository import GLib  # noqa: E402


def run_on_glib_loop(main, *, debug=None, **kwargs):
    """asyncio.run(), on a GLibEventLoop over the default main context."""
    def glib_loop():
        return GLibEventLoop(GLib.MainContext.default())

    with asyncio.Runner(debug=debug, loop_factory=glib_loop) as runner:
        return runner.run(main)


example = sys.argv[1]
asyncio.run = run_on_glib_loop
sys.argv = [example]
runpy.run_path(example, run_name="__main__")
