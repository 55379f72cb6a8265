# SPDX-License-Identifier: LGPL-2.1-or-later
"""What every PyGObject test module shares.

Importing this module imports AsyncSync from the typelib that the meson test
environment points at (GI_TYPELIB_PATH, LD_LIBRARY_PATH), or exits with 77,
which meson reports as a skip, when this interpreter has no PyGObject.

ContextTestCase runs each test on a fresh thread-default GMainContext, so
the objects a test creates have that context as their home context and no
completion or notification leaks from one test into the next.
"""

import sys
import threading
import unittest

try:
    import gi
except ImportError as e:  # not Debian's /usr/bin/python3: no python3-gi
    print(f"SKIP: this Python cannot import gi: {e}", file=sys.stderr)
    sys.exit(77)

gi.require_version("GLib", "2.0")
gi.require_version("GObject", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, Gio, GLib, GObject  # noqa: E402

__all__ = ["AsyncSync", "Gio", "GLib", "GObject", "ContextTestCase",
           "Results", "main"]

# A test that waits longer than this for something has failed; the guard
# only ends a hung test, it never decides an outcome.
GUARD_SECONDS = 20


class Results:
    """Collects the outcomes of _async calls in completion order.

    results.callback(tag) is a GAsyncReadyCallback that calls the source's
    finish method (the one named by finish) and appends (tag, value) or
    (tag, GLib.Error) to results.items.
    """

    def __init__(self, finish):
        self.finish = finish
        self.items = []

    def callback(self, tag):
        def on_ready(source, result, *user_data):
            try:
                value = getattr(source, self.finish)(result)
            except GLib.Error as e:
                value = e
            self.items.append((tag, value))
        return on_ready

    def tags(self):
        return [tag for tag, _ in self.items]

    def values(self):
        return [value for _, value in self.items]

    def __len__(self):
        return len(self.items)


class ContextTestCase(unittest.TestCase):
    def setUp(self):
        self.context = GLib.MainContext.new()
        self.context.push_thread_default()
        self.main_thread = threading.get_ident()

    def tearDown(self):
        self.drain()
        self.context.pop_thread_default()

    def drain(self):
        """Runs what is ready now: completions and notifications."""
        while self.context.iteration(False):
            pass

    def iterate_until(self, predicate, what="the condition"):
        """Iterates the test's context until predicate() is true."""
        expired = []
        guard = GLib.timeout_source_new_seconds(GUARD_SECONDS)
        guard.set_callback(lambda *_: expired.append(True) or GLib.SOURCE_REMOVE)
        guard.attach(self.context)
        try:
            while not predicate():
                if expired:
                    self.fail(f"gave up waiting for {what}")
                self.context.iteration(True)
        finally:
            guard.destroy()

    def wait_from_other_thread(self, predicate, what="the condition"):
        """Polls a state that another thread changes (no timing involved:
        it only yields the CPU until the state is reached)."""
        done = threading.Event()
        for _ in range(GUARD_SECONDS * 1000):
            if predicate():
                return
            done.wait(0.001)
        self.fail(f"gave up waiting for {what}")

    def assertErrorMatches(self, error, domain, code):
        self.assertIsInstance(error, GLib.Error)
        self.assertTrue(error.matches(domain, code),
                        f"{error.domain}:{error.code} {error.message}")

    def assertCancelled(self, error):
        self.assertErrorMatches(error, Gio.io_error_quark(),
                                Gio.IOErrorEnum.CANCELLED)

    def assertNotLocked(self, error):
        self.assertErrorMatches(error, AsyncSync.error_quark(),
                                AsyncSync.Error.NOT_LOCKED)

    def assertValueError(self, error):
        self.assertErrorMatches(error, AsyncSync.error_quark(),
                                AsyncSync.Error.VALUE)

    def assertTimedOut(self, error):
        self.assertErrorMatches(error, Gio.io_error_quark(),
                                Gio.IOErrorEnum.TIMED_OUT)

    def assertBrokenBarrier(self, error):
        self.assertErrorMatches(error, AsyncSync.error_quark(),
                                AsyncSync.Error.BROKEN_BARRIER)

    def assertShutDown(self, error):
        self.assertErrorMatches(error, AsyncSync.error_quark(),
                                AsyncSync.Error.SHUT_DOWN)

    def assertWouldBlock(self, error):
        self.assertErrorMatches(error, Gio.io_error_quark(),
                                Gio.IOErrorEnum.WOULD_BLOCK)

    def assertInvalidArgument(self, error):
        self.assertErrorMatches(error, Gio.io_error_quark(),
                                Gio.IOErrorEnum.INVALID_ARGUMENT)

    def iterate_until_expired(self, timeout):
        """Iterates the test's context until the AsyncSync.Timeout's
        deadline has passed (a timer for the time left wakes the loop)."""
        left_ms = max(0, (timeout.get_deadline() - GLib.get_monotonic_time() + 999) // 1000)
        timer = GLib.timeout_source_new(left_ms + 1)
        timer.set_callback(lambda *_: GLib.SOURCE_CONTINUE)
        timer.attach(self.context)
        try:
            self.iterate_until(timeout.has_expired, "the deadline")
        finally:
            timer.destroy()

    def record_notify(self, obj, prop):
        """Connects to notify::prop; returns the list of (value, thread)."""
        seen = []
        obj.connect(f"notify::{prop}", lambda o, pspec: seen.append(
            (o.get_property(pspec.name), threading.get_ident())))
        return seen

    def run_in_thread(self, function, *args):
        """Runs function(*args) in a new thread; returns (thread, outcome)
        where outcome becomes [value] or [GLib.Error] when it is done."""
        outcome = []

        def body():
            try:
                outcome.append(function(*args))
            except GLib.Error as e:
                outcome.append(e)

        thread = threading.Thread(target=body)
        thread.start()
        return thread, outcome


def main():
    unittest.main(verbosity=2)
