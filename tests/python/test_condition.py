#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Condition from Python: every method, the `lock` property, a
Python predicate for wait_for, and Condition.notify() hiding GObject's."""

import gc
import threading
import weakref

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                GObject, Results, main)


class Predicate:
    """A predicate with state, so that the test can see its calls and
    whether the binding released it (weakref)."""

    def __init__(self, value=False):
        self.value = value
        self.calls = []

    def __call__(self, data):
        # PyGObject passes predicate_data: None when omitted.
        self.calls.append(data)
        return self.value


class ConditionTests(ContextTestCase):
    def locked_condition(self):
        cond = AsyncSync.Condition.new(None)
        self.assertTrue(cond.try_acquire())
        return cond

    def wait_in_turn(self, cond, n, method="wait_async", finish="wait_finish"):
        """Starts n waits, each with the lock held, FIFO tags 0..n-1."""
        results = Results(finish)
        for i in range(n):
            self.assertTrue(cond.try_acquire())
            getattr(cond, method)(None, results.callback(i))
        return results

    # construction, lock property, forwarding to the lock

    def test_new_without_lock_makes_a_private_lock(self):
        for cond in (AsyncSync.Condition.new(None), AsyncSync.Condition()):
            lock = cond.get_lock()
            self.assertIsInstance(lock, AsyncSync.Lock)
            self.assertIs(cond.props.lock, lock)
            self.assertIs(cond.get_property("lock"), lock)
            self.assertFalse(cond.is_locked())
            self.assertEqual(cond.get_n_waiting(), 0)

    def test_conditions_share_the_lock_they_are_given(self):
        lock = AsyncSync.Lock()
        a = AsyncSync.Condition.new(lock)
        b = AsyncSync.Condition(lock=lock)
        self.assertIs(a.get_lock(), lock)
        self.assertIs(b.props.lock, lock)
        self.assertTrue(a.try_acquire())
        self.assertTrue(lock.is_locked())
        self.assertTrue(b.is_locked())
        self.assertFalse(b.try_acquire())
        self.assertTrue(b.release())
        self.assertFalse(a.is_locked())

    def test_acquire_async_and_release_forward_to_the_lock(self):
        cond = AsyncSync.Condition()
        results = Results("acquire_finish")
        cond.acquire_async(None, results.callback("a"))
        cond.acquire_async(None, results.callback("b"))
        self.assertEqual(cond.get_lock().get_n_waiting(), 1)
        self.iterate_until(lambda: len(results) == 1)
        cond.release()
        self.iterate_until(lambda: len(results) == 2)
        self.assertEqual(results.items, [("a", True), ("b", True)])
        self.assertTrue(cond.release())
        with self.assertRaises(GLib.Error) as caught:
            cond.release()
        self.assertNotLocked(caught.exception)

    # wait / notify

    def test_wait_without_lock_fails_not_locked(self):
        cond = AsyncSync.Condition()
        results = Results("wait_finish")
        cond.wait_async(None, results.callback("a"))
        self.iterate_until(lambda: len(results) == 1)
        self.assertNotLocked(results.values()[0])
        self.assertFalse(cond.is_locked())

    def test_notify_without_lock_raises_not_locked(self):
        cond = AsyncSync.Condition()
        for call in (lambda: cond.notify(1), cond.notify_all):
            with self.assertRaises(GLib.Error) as caught:
                call()
            e = caught.exception
            self.assertTrue(e.matches(AsyncSync.error_quark(), AsyncSync.Error.NOT_LOCKED))

    def test_notify_wakes_waiters_in_fifo_order(self):
        cond = AsyncSync.Condition()
        results = self.wait_in_turn(cond, 3)
        self.assertFalse(cond.is_locked())  # each wait released it
        self.assertEqual(cond.get_n_waiting(), 3)

        cond.try_acquire()
        self.assertTrue(cond.notify(1))
        self.assertEqual(cond.get_n_waiting(), 2)
        self.assertEqual(cond.get_lock().get_n_waiting(), 1)
        cond.release()
        self.iterate_until(lambda: len(results) == 1)
        self.assertEqual(results.items, [(0, True)])
        self.assertTrue(cond.is_locked())  # held again by waiter 0

        self.assertTrue(cond.notify(2))
        self.assertEqual(cond.get_n_waiting(), 0)
        cond.release()
        self.iterate_until(lambda: len(results) == 2)
        cond.release()
        self.iterate_until(lambda: len(results) == 3)
        cond.release()
        self.assertEqual(results.tags(), [0, 1, 2])
        self.assertFalse(cond.is_locked())

    def test_notify_all_wakes_every_waiter(self):
        cond = AsyncSync.Condition()
        results = self.wait_in_turn(cond, 5)
        cond.try_acquire()
        self.assertTrue(cond.notify_all())
        self.assertEqual(cond.get_n_waiting(), 0)
        cond.release()
        while len(results) < 5:
            n = len(results)
            self.iterate_until(lambda: len(results) > n)
            self.assertTrue(cond.is_locked())
            cond.release()
        self.assertEqual(results.items, [(i, True) for i in range(5)])

    def test_waiter_cancelled_before_notify_gets_lock_back_then_fails(self):
        cond = self.locked_condition()
        results = Results("wait_finish")
        cancellable = Gio.Cancellable()
        cond.wait_async(cancellable, results.callback("a"))
        self.assertTrue(cond.try_acquire())  # someone else holds it now
        cancellable.cancel()
        self.assertEqual(cond.get_n_waiting(), 0)
        self.drain()
        self.assertEqual(len(results), 0)  # it needs the lock back first
        cond.release()
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        self.assertTrue(cond.is_locked())  # held, whatever the result
        cond.release()

    def test_pre_cancelled_wait_fails_and_keeps_the_lock(self):
        cond = self.locked_condition()
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        results = Results("wait_finish")
        cond.wait_async(cancellable, results.callback("a"))
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        self.assertTrue(cond.is_locked())
        cond.release()

    def test_cancel_after_notify_is_ignored(self):
        cond = self.locked_condition()
        results = Results("wait_finish")
        cancellable = Gio.Cancellable()
        cond.wait_async(cancellable, results.callback("a"))
        cond.try_acquire()
        cond.notify(1)
        cancellable.cancel()
        cond.release()
        self.iterate_until(lambda: len(results) == 1)
        self.assertEqual(results.items, [("a", True)])
        cond.release()

    # wait_for with a Python predicate

    def test_wait_for_true_at_once_calls_predicate_once(self):
        cond = self.locked_condition()
        predicate = Predicate(True)
        results = Results("wait_for_finish")
        # predicate_data is left out: see test_wait_for_predicate_data.
        cond.wait_for_async(predicate, cancellable=None,
                            callback=results.callback("a"))
        self.assertEqual(predicate.calls, [None])  # checked inside the call
        self.assertEqual(len(results), 0)
        self.iterate_until(lambda: len(results) == 1)
        self.assertEqual(results.items, [("a", True)])
        self.assertTrue(cond.is_locked())
        cond.release()

    def test_wait_for_rechecks_after_each_notify(self):
        cond = self.locked_condition()
        predicate = Predicate(False)
        results = Results("wait_for_finish")
        cond.wait_for_async(predicate, cancellable=None,
                            callback=results.callback("a"))
        self.assertFalse(cond.is_locked())
        self.assertEqual(cond.get_n_waiting(), 1)

        cond.try_acquire()
        cond.notify(1)  # still false: waits again
        cond.release()
        self.iterate_until(lambda: len(predicate.calls) == 2)
        self.drain()
        self.assertEqual(len(results), 0)
        self.assertEqual(cond.get_n_waiting(), 1)

        cond.try_acquire()
        predicate.value = True
        cond.notify_all()
        cond.release()
        self.iterate_until(lambda: len(results) == 1)
        self.assertEqual(results.items, [("a", True)])
        self.assertEqual(len(predicate.calls), 3)
        cond.release()

    def test_wait_for_releases_the_predicate_closure(self):
        # (scope notified) + (destroy ...): the binding keeps the Python
        # callable while the wait runs and drops it when the wait is over.
        cond = self.locked_condition()
        predicate = Predicate(False)
        ref = weakref.ref(predicate)
        results = Results("wait_for_finish")
        cond.wait_for_async(predicate, cancellable=None,
                            callback=results.callback("a"))
        del predicate
        gc.collect()
        self.assertIsNotNone(ref())
        cond.try_acquire()
        ref().value = True
        cond.notify(1)
        cond.release()
        self.iterate_until(lambda: len(results) == 1)
        cond.release()
        self.drain()
        gc.collect()
        self.assertIsNone(ref())

    def test_wait_for_predicate_data(self):
        # PyGObject takes predicate_data as a tuple of extra arguments
        # (the function also has the async callback's user_data).
        cond = self.locked_condition()
        predicate = Predicate(True)
        results = Results("wait_for_finish")
        cond.wait_for_async(predicate, ("shop",), None, results.callback("a"))
        self.assertEqual(predicate.calls, ["shop"])
        self.iterate_until(lambda: len(results) == 1)
        self.assertEqual(results.items, [("a", True)])
        cond.release()

    def test_wait_for_cancelled_and_pre_cancelled(self):
        cond = self.locked_condition()
        results = Results("wait_for_finish")
        cancellable = Gio.Cancellable()
        cond.wait_for_async(Predicate(False), cancellable=cancellable,
                            callback=results.callback("queued"))
        cancellable.cancel()
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        self.assertTrue(cond.is_locked())
        cond.wait_for_async(Predicate(True), cancellable=cancellable,
                            callback=results.callback("pre"))
        self.iterate_until(lambda: len(results) == 2)
        self.assertCancelled(results.values()[1])
        self.assertTrue(cond.is_locked())
        cond.release()

    def test_wait_for_without_lock_fails_not_locked(self):
        cond = AsyncSync.Condition()
        results = Results("wait_for_finish")
        cond.wait_for_async(Predicate(True), cancellable=None,
                            callback=results.callback("a"))
        self.iterate_until(lambda: len(results) == 1)
        self.assertNotLocked(results.values()[0])

    # blocking variants

    def test_blocking_variants_that_return_at_once(self):
        cond = AsyncSync.Condition()
        self.assertTrue(cond.acquire(None))
        predicate = Predicate(True)
        self.assertTrue(cond.wait_for(predicate))
        self.assertEqual(predicate.calls, [None])
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as caught:
            cond.wait(cancellable)
        self.assertCancelled(caught.exception)
        self.assertTrue(cond.is_locked())
        cond.release()
        with self.assertRaises(GLib.Error) as caught:
            cond.wait(None)
        self.assertNotLocked(caught.exception)

    def test_blocking_wait_in_a_thread(self):
        cond = AsyncSync.Condition()

        def worker():
            cond.acquire(None)
            try:
                return cond.wait(None)
            finally:
                cond.release()

        thread, outcome = self.run_in_thread(worker)
        self.wait_from_other_thread(lambda: cond.get_n_waiting() == 1,
                                    "the thread to wait")
        self.assertTrue(cond.try_acquire())
        cond.notify(1)
        cond.release()
        thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertEqual(outcome, [True])
        self.assertFalse(cond.is_locked())

    def test_blocking_wait_for_in_a_thread_runs_predicate_there(self):
        cond = AsyncSync.Condition()
        items = []
        threads_seen = set()

        def has_items(_data):
            threads_seen.add(threading.get_ident())
            return len(items) > 0

        def consumer():
            cond.acquire(None)
            try:
                cond.wait_for(has_items, None, None)
                return items.pop(0)
            finally:
                cond.release()

        thread, outcome = self.run_in_thread(consumer)
        self.wait_from_other_thread(lambda: cond.get_n_waiting() == 1,
                                    "the consumer to wait")
        self.assertTrue(cond.try_acquire())
        items.append("apple")
        cond.notify(1)
        cond.release()
        thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertEqual(outcome, ["apple"])
        self.assertEqual(threads_seen, {thread.ident})

    # notify() hides GObject.Object.notify()

    def test_notify_is_ours_and_gobject_notify_is_reachable(self):
        cond = AsyncSync.Condition()
        # cond.notify is AsyncSyncCondition.notify (guint n, GError **)...
        with self.assertRaises(GLib.Error) as caught:
            cond.notify(1)
        self.assertNotLocked(caught.exception)
        with self.assertRaises(TypeError):
            cond.notify("lock")  # ...not GObject's notify(property_name)
        cond.try_acquire()
        self.assertTrue(cond.notify(1))
        cond.release()

        # notify:: signals still work, and GObject's method is reachable
        # through the class that defines it.  (Not through
        # super(AsyncSync.Condition, cond): with the Python override, the
        # class after it is GI's Condition, whose notify() is this one.)
        seen = []
        cond.connect("notify::lock", lambda o, pspec: seen.append(pspec.name))
        GObject.Object.notify(cond, "lock")
        self.assertEqual(seen, ["lock"])

    def test_property_notification_of_the_condition_lock(self):
        cond = AsyncSync.Condition()
        seen = self.record_notify(cond.get_lock(), "locked")
        cond.try_acquire()
        self.drain()
        cond.release()
        self.drain()
        self.assertEqual([v for v, _ in seen], [True, False])


if __name__ == "__main__":
    main()
