# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the tests of the asyncio layer (the AsyncSync override) share.

A test module runs on one kind of event loop, named on its command line:

    --loop asyncio   asyncio's own event loop, where the override runs the
                     GLib side on its helper thread (any PyGObject)
    --loop glib      PyGObject's GLibEventLoop (gi.events, PyGObject 3.50
                     and later), where the asyncio loop is a GLib main loop;
                     with an older PyGObject the module exits with 77, which
                     meson reports as a skip

Each `async def test_*` of an AsyncioTestCase runs on a new loop of that
kind, with asyncio's debug mode on (which also fails a call_soon() made
from another thread), bounded by GUARD_SECONDS so that a hang fails the
test instead of the whole run.
"""

import asyncio
import functools
import inspect
import sys
import threading
import unittest

# Exits with 77 (a skip) where this Python has no PyGObject.
from asyncsync_testcase import AsyncSync, Gio, GLib, GObject

import gi

try:
    from gi.events import GLibEventLoop
except ImportError:
    GLibEventLoop = None

__all__ = ["AsyncSync", "Gio", "GLib", "GObject", "AsyncioTestCase", "LOOP_KIND",
           "GLibEventLoop", "new_event_loop", "run_in_new_loop", "main"]

GUARD_SECONDS = 60
LOOP_KINDS = ("asyncio", "glib")
LOOP_KIND = "asyncio"


def _take_loop_argument():
    """Reads and removes `--loop KIND` from sys.argv (unittest gets the rest)."""
    global LOOP_KIND
    if "--loop" in sys.argv:
        i = sys.argv.index("--loop")
        LOOP_KIND = sys.argv[i + 1]
        del sys.argv[i:i + 2]
    if LOOP_KIND not in LOOP_KINDS:
        sys.exit(f"--loop must be one of {', '.join(LOOP_KINDS)}")
    if LOOP_KIND == "glib" and GLibEventLoop is None:
        print(f"SKIP: PyGObject {'.'.join(map(str, gi.version_info))} has no "
              f"GLib event loop for asyncio (gi.events, 3.50 and later)", file=sys.stderr)
        sys.exit(77)


_take_loop_argument()


def new_event_loop(kind=None):
    """A new event loop of @kind (default: the module's): on the main thread
    a GLib loop runs the global default GMainContext, as an application's
    does; on another thread it gets a new context."""
    kind = kind or LOOP_KIND
    if kind == "glib":
        if threading.current_thread() is threading.main_thread():
            return GLibEventLoop(GLib.MainContext.default())
        return GLibEventLoop(GLib.MainContext.new())
    return asyncio.SelectorEventLoop()


def run_in_new_loop(coroutine, kind=None):
    """Runs @coroutine to its end on a new loop in this thread."""
    with asyncio.Runner(loop_factory=lambda: new_event_loop(kind), debug=True) as runner:
        return runner.run(coroutine)


def _on_a_new_loop(test):
    @functools.wraps(test)
    def run_test(self):
        async def guarded():
            # A task of its own: the guard never reaches the test as a
            # CancelledError that an assertRaises() could take for its own.
            task = asyncio.create_task(test(self))
            done, _ = await asyncio.wait({task}, timeout=self.guard_seconds)
            if not done:
                task.cancel()
                raise AssertionError(f"hung: still running after {self.guard_seconds} s")
            return task.result()
        return run_in_new_loop(guarded())
    return run_test


class AsyncioTestCase(unittest.TestCase):
    # How long a test may run before it counts as hung; None for a test
    # that guards each of its steps itself (meson's timeout still applies).
    guard_seconds = GUARD_SECONDS

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and inspect.iscoroutinefunction(value):
                setattr(cls, name, _on_a_new_loop(value))

    def tearDown(self):
        # Objects made here have the default context as their home context:
        # run their pending property notifications, which keep them alive.
        default = GLib.MainContext.default()
        while default.iteration(False):
            pass

    async def until(self, predicate, what="the condition"):
        """Yields to the loop until predicate() holds: for a state that
        another thread, or the delivery of a completion, changes."""
        async with asyncio.timeout(GUARD_SECONDS):
            while not predicate():
                await asyncio.sleep(0.0005)

    def assertGLibError(self, error, domain, code):
        self.assertIsInstance(error, GLib.Error)
        self.assertTrue(error.matches(domain, code), f"{error.domain}:{error.code} {error.message}")

    def assertCancelledByCancellable(self, error):
        self.assertGLibError(error, Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)

    def assertTimedOut(self, error):
        self.assertIsInstance(error, TimeoutError)
        self.assertGLibError(error, Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT)


def main():
    print(f"event loop: {LOOP_KIND}; PyGObject {'.'.join(map(str, gi.version_info))}; "
          f"Python {sys.version.split()[0]}")
    unittest.main(verbosity=2)
