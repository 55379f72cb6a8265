#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The error domain as Python sees it, and bad input from Python: every
mistake is a Python exception, never a crash or a silent wrap-around."""

import contextlib
import warnings

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                GObject, main)


@contextlib.contextmanager
def glib_refusal_tolerated():
    """Lets the binding or GLib refuse a programmer error in whichever way
    its version does: PyGObject 3.58 raises TypeError itself; before, GLib
    logs it, as a warning (which PyGObject 3.42 turns into a Python one) up
    to GLib 2.82 and as a critical since, which G_DEBUG=fatal-criticals
    must not turn into an abort here."""
    fatal = GLib.log_set_always_fatal(GLib.LogLevelFlags.LEVEL_ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except TypeError:
        pass
    finally:
        GLib.log_set_always_fatal(fatal)


class ErrorDomainTests(ContextTestCase):
    def test_error_quark_and_enum(self):
        quark = AsyncSync.error_quark()
        self.assertEqual(quark, AsyncSync.Error.quark())
        self.assertEqual(quark, GLib.quark_from_string("async-sync-error-quark"))
        self.assertTrue(issubclass(AsyncSync.Error, GObject.GEnum))
        self.assertEqual(int(AsyncSync.Error.NOT_LOCKED), 0)
        self.assertEqual(int(AsyncSync.Error.VALUE), 1)
        self.assertEqual(int(AsyncSync.Error.BROKEN_BARRIER), 2)
        self.assertEqual(int(AsyncSync.Error.SHUT_DOWN), 3)
        self.assertEqual(AsyncSync.Error.VALUE.value_nick, "value")

    def test_version_constants(self):
        self.assertEqual(AsyncSync.MAJOR_VERSION, 1)
        self.assertIsInstance(AsyncSync.MINOR_VERSION, int)
        self.assertIsInstance(AsyncSync.MICRO_VERSION, int)

    def test_errors_are_glib_errors_with_domain_and_code(self):
        lock = AsyncSync.Lock()
        try:
            lock.release()
        except GLib.Error as e:
            self.assertTrue(e.matches(AsyncSync.error_quark(), AsyncSync.Error.NOT_LOCKED))
            self.assertFalse(e.matches(AsyncSync.error_quark(), AsyncSync.Error.VALUE))
            self.assertFalse(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
            self.assertEqual((e.domain, e.code), ("async-sync-error-quark", 0))
            self.assertEqual(AsyncSync.Error(e.code), AsyncSync.Error.NOT_LOCKED)
        else:
            self.fail("release of a free lock did not raise")

        sem = AsyncSync.BoundedSemaphore.new(1)
        with self.assertRaises(GLib.Error) as caught:
            sem.release()
        self.assertEqual(AsyncSync.Error(caught.exception.code), AsyncSync.Error.VALUE)

    def test_error_built_from_python_matches(self):
        e = GLib.Error.new_literal(AsyncSync.error_quark(), "made here",
                                   AsyncSync.Error.VALUE)
        self.assertTrue(e.matches(AsyncSync.error_quark(), AsyncSync.Error.VALUE))


class BadInputTests(ContextTestCase):
    def test_negative_or_huge_semaphore_value(self):
        with self.assertRaises(OverflowError):
            AsyncSync.Semaphore.new(-1)
        with self.assertRaises(OverflowError):
            AsyncSync.Semaphore.new(2**32)
        with self.assertRaises(OverflowError):
            AsyncSync.BoundedSemaphore.new(-5)
        # The Python constructor raises asyncio's ValueError (the override);
        # past it, GObject's own range check is the binding's (TypeError up
        # to PyGObject 3.50, OverflowError since).
        with self.assertRaises(ValueError):
            AsyncSync.Semaphore(value=-1)
        with self.assertRaises(ValueError):
            AsyncSync.BoundedSemaphore(value=-1)
        sem = AsyncSync.Semaphore.new(1)
        with self.assertRaises(OverflowError):
            sem.acquire_many_async(-1, None, None)
        with self.assertRaises(OverflowError):
            sem.release_many(-1)
        with self.assertRaises(OverflowError):
            AsyncSync.Condition().notify(-1)
        self.assertEqual(sem.get_value(), 1)

    def test_wrong_types(self):
        lock = AsyncSync.Lock()
        with self.assertRaises(TypeError):
            AsyncSync.Semaphore.new("three")
        with self.assertRaises(TypeError):
            AsyncSync.Semaphore(value="three")
        with self.assertRaises(TypeError):
            lock.acquire_async("not a cancellable", lambda *a: None)
        with self.assertRaises(TypeError):
            lock.acquire_async(None, "not callable")
        with self.assertRaises(TypeError):
            lock.acquire(42)
        with self.assertRaises(TypeError):
            AsyncSync.Condition.new(AsyncSync.Event())
        with self.assertRaises(TypeError):
            AsyncSync.Condition(lock=AsyncSync.Event())
        with self.assertRaises(TypeError):
            AsyncSync.Lock.release(AsyncSync.Event())
        with self.assertRaises(TypeError):
            AsyncSync.Condition().wait_for_async(42, cancellable=None,
                                                 callback=lambda *a: None)
        self.assertFalse(lock.is_locked())  # nothing happened

    def test_read_only_and_construct_only_properties(self):
        with self.assertRaises(TypeError):
            AsyncSync.Lock().props.locked = True
        with self.assertRaises(TypeError):
            AsyncSync.Event().props.is_set = True
        # Construct-only: GObject refuses and changes nothing.  How it says
        # so is GObject's (a warning up to GLib 2.82, a critical since), so
        # only the outcome is asserted.
        sem = AsyncSync.Semaphore.new(1)
        with glib_refusal_tolerated():
            sem.props.value = 5
        self.assertEqual(sem.get_value(), 1)
        cond = AsyncSync.Condition()
        lock = cond.get_lock()
        with glib_refusal_tolerated():
            cond.props.lock = AsyncSync.Lock()
        self.assertTrue(lock.try_acquire())
        self.assertTrue(cond.is_locked())  # still the condition's lock
        lock.release()

    def test_bad_input_to_the_extra_classes(self):
        with self.assertRaises(OverflowError):
            AsyncSync.Barrier.new(-1)
        with self.assertRaises(OverflowError):
            AsyncSync.Queue.new(GObject.Object, -1)
        with self.assertRaises(TypeError):
            AsyncSync.Queue.new("not a type", 0)
        with self.assertRaises(OverflowError):
            AsyncSync.Timeout.new(-1)
        with self.assertRaises(TypeError):
            AsyncSync.Queue().try_put(42)  # not a GObject
        with self.assertRaises(TypeError):
            AsyncSync.RWLock().read_acquire_async(AsyncSync.Lock(), lambda *a: None)
        with self.assertRaises(TypeError):
            AsyncSync.RWLock.read_release(AsyncSync.Lock())
        for obj, prop in ((AsyncSync.Barrier.new(2), "broken"),
                          (AsyncSync.Queue(), "length"),
                          (AsyncSync.RWLock(), "n_readers"),
                          (AsyncSync.RWLock(), "write_locked")):
            with self.assertRaises(TypeError):
                setattr(obj.props, prop, 1)

    def test_finish_without_an_async_result_raises(self):
        with self.assertRaises(TypeError):
            AsyncSync.Lock().acquire_finish("not a result")


if __name__ == "__main__":
    main()
