# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs an asyncio example of the manual on PyGObject's GLib event loop
(gi.events, PyGObject 3.50 and later) instead of asyncio's own, so that
the test suite shows each one working on both: its asyncio.run() then
makes a GLibEventLoop.  Exits 77 (a skip, for meson) where PyGObject has
no GLib event loop.

    on-glib-event-loop.py EXAMPLE.py
"""

import asyncio
import runpy
import sys

try:
    from gi.events import GLibEventLoopPolicy
except ImportError:
    print("PyGObject has no GLib event loop for asyncio (gi.events, 3.50 and later): skipped")
    sys.exit(77)

example = sys.argv[1]
asyncio.set_event_loop_policy(GLibEventLoopPolicy())
sys.argv = [example]
runpy.run_path(example, run_name="__main__")
