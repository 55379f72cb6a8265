#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Semaphore and AsyncSync.BoundedSemaphore from Python: every
method (weighted ones included) and the `value` property."""

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                Results, main)

G_MAXUINT = 2**32 - 1


class SemaphoreTests(ContextTestCase):
    def test_new_and_value_property(self):
        self.assertEqual(AsyncSync.Semaphore().props.value, 1)  # default
        for sem in (AsyncSync.Semaphore.new(3), AsyncSync.Semaphore(value=3)):
            self.assertEqual(sem.get_value(), 3)
            self.assertEqual(sem.props.value, 3)
            self.assertEqual(sem.get_property("value"), 3)
            self.assertFalse(sem.is_locked())
            self.assertEqual(sem.get_n_waiting(), 0)
        self.assertTrue(AsyncSync.Semaphore.new(0).is_locked())

    def test_try_acquire_counts_down_to_locked(self):
        sem = AsyncSync.Semaphore.new(2)
        self.assertTrue(sem.try_acquire())
        self.assertTrue(sem.try_acquire())
        self.assertEqual(sem.props.value, 0)
        self.assertTrue(sem.is_locked())
        self.assertFalse(sem.try_acquire())

    def test_plain_semaphore_accepts_any_number_of_releases(self):
        sem = AsyncSync.Semaphore.new(1)
        for _ in range(3):
            self.assertTrue(sem.release())
        self.assertEqual(sem.get_value(), 4)

    def test_release_at_maxuint_raises_value(self):
        sem = AsyncSync.Semaphore.new(G_MAXUINT)
        with self.assertRaises(GLib.Error) as caught:
            sem.release()
        self.assertTrue(caught.exception.matches(AsyncSync.error_quark(),
                                                 AsyncSync.Error.VALUE))
        self.assertEqual(sem.get_value(), G_MAXUINT)

    def test_acquire_async_queues_fifo_and_release_hands_over(self):
        sem = AsyncSync.Semaphore.new(2)
        results = Results("acquire_finish")
        for i in range(5):
            sem.acquire_async(None, results.callback(i))
        self.assertEqual(sem.get_value(), 0)
        self.assertEqual(sem.get_n_waiting(), 3)
        self.iterate_until(lambda: len(results) == 2)
        self.assertEqual(results.tags(), [0, 1])
        self.assertFalse(sem.try_acquire())  # no barging

        sem.release()  # straight to waiter 2: the value stays 0
        self.assertEqual(sem.get_value(), 0)
        self.assertEqual(sem.get_n_waiting(), 2)
        sem.release()
        sem.release()
        self.iterate_until(lambda: len(results) == 5)
        self.assertEqual(results.tags(), [0, 1, 2, 3, 4])
        self.assertEqual(results.values(), [True] * 5)

    def test_notify_value(self):
        sem = AsyncSync.Semaphore.new(2)
        seen = self.record_notify(sem, "value")
        sem.try_acquire()
        self.assertEqual(seen, [])
        self.drain()
        sem.try_acquire()
        self.drain()
        sem.release()
        sem.release()
        self.drain()
        sem.try_acquire()
        sem.release()  # coalesced: back to the notified value
        self.drain()
        self.assertEqual([v for v, _ in seen], [1, 0, 2])

    def test_acquire_many_is_fifo_and_blocks_smaller_requests(self):
        sem = AsyncSync.Semaphore.new(3)
        results = Results("acquire_many_finish")
        sem.acquire_many_async(2, None, results.callback("two"))
        sem.acquire_many_async(3, None, results.callback("three"))
        sem.acquire_many_async(1, None, results.callback("one"))
        self.assertEqual(sem.get_value(), 1)
        self.assertEqual(sem.get_n_waiting(), 2)
        self.assertFalse(sem.try_acquire_many(1))  # "three" is first in line
        self.iterate_until(lambda: len(results) == 1)
        self.assertTrue(sem.release_many(2))
        self.iterate_until(lambda: len(results) == 2)
        self.assertTrue(sem.release_many(3))
        self.iterate_until(lambda: len(results) == 3)
        self.assertEqual(results.tags(), ["two", "three", "one"])
        self.assertEqual(sem.get_value(), 2)
        self.assertTrue(sem.try_acquire_many(2))
        self.assertEqual(sem.get_value(), 0)

    def test_acquire_many_zero_is_invalid(self):
        sem = AsyncSync.Semaphore.new(3)
        results = Results("acquire_many_finish")
        sem.acquire_many_async(0, None, results.callback("zero"))
        self.iterate_until(lambda: len(results) == 1)
        self.assertErrorMatches(results.values()[0], Gio.io_error_quark(),
                                Gio.IOErrorEnum.INVALID_ARGUMENT)

    def test_acquire_many_cancelled_takes_nothing(self):
        sem = AsyncSync.Semaphore.new(1)
        results = Results("acquire_many_finish")
        cancellable = Gio.Cancellable()
        sem.acquire_many_async(2, cancellable, results.callback("a"))
        cancellable.cancel()
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        self.assertEqual(sem.get_value(), 1)

    def test_release_many_serves_every_request_it_covers(self):
        sem = AsyncSync.Semaphore.new(0)
        results = Results("acquire_many_finish")
        for tag, n in (("a", 1), ("b", 2), ("c", 1), ("d", 3)):
            sem.acquire_many_async(n, None, results.callback(tag))
        self.assertTrue(sem.release_many(5))  # a, b, c (4 permits); d waits
        self.assertEqual(sem.get_value(), 1)
        self.assertEqual(sem.get_n_waiting(), 1)
        self.iterate_until(lambda: len(results) == 3)
        self.assertEqual(results.tags(), ["a", "b", "c"])
        self.assertTrue(sem.release_many(2))
        self.iterate_until(lambda: len(results) == 4)
        self.assertEqual(sem.get_value(), 0)

    def test_cancelling_the_large_head_request_serves_those_behind(self):
        sem = AsyncSync.Semaphore.new(2)
        results = Results("acquire_many_finish")
        cancellable = Gio.Cancellable()
        sem.acquire_many_async(5, cancellable, results.callback("large"))
        sem.acquire_many_async(1, None, results.callback("small"))
        sem.acquire_async(None, Results("acquire_finish").callback("plain"))
        self.assertEqual(sem.get_n_waiting(), 3)
        self.assertTrue(sem.is_locked())  # permits free, yet a request waits
        cancellable.cancel()
        self.assertEqual(sem.get_n_waiting(), 0)
        self.assertEqual(sem.get_value(), 0)  # small and plain served at once
        self.iterate_until(lambda: len(results) == 2)
        self.assertCancelled(results.values()[0])
        self.assertEqual(results.items[1], ("small", True))

    def test_a_timed_out_head_request_takes_nothing(self):
        sem = AsyncSync.Semaphore.new(1)
        results = Results("acquire_many_finish")
        sem.acquire_many_async(3, AsyncSync.Timeout.new(10), results.callback("large"))
        sem.acquire_many_async(1, None, results.callback("small"))
        self.iterate_until(lambda: len(results) == 2, "the timeout")
        self.assertTimedOut(results.values()[0])
        self.assertEqual(results.items[1], ("small", True))
        self.assertEqual(sem.get_value(), 0)

    def test_release_many_above_maxuint_raises_value(self):
        sem = AsyncSync.Semaphore.new(G_MAXUINT - 1)
        with self.assertRaises(GLib.Error) as caught:
            sem.release_many(2)
        self.assertValueError(caught.exception)
        self.assertEqual(sem.get_value(), G_MAXUINT - 1)

    def test_blocking_variants_that_return_at_once(self):
        sem = AsyncSync.Semaphore.new(3)
        self.assertTrue(sem.acquire(None))
        self.assertTrue(sem.acquire_many(2, None))
        self.assertEqual(sem.get_value(), 0)
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        for call in (lambda: sem.acquire(cancellable),
                     lambda: sem.acquire_many(1, cancellable)):
            with self.assertRaises(GLib.Error) as caught:
                call()
            self.assertCancelled(caught.exception)

    def test_blocking_acquire_in_threads_limits_concurrency(self):
        sem = AsyncSync.Semaphore.new(0)
        workers = [self.run_in_thread(sem.acquire, None) for _ in range(2)]
        workers.append(self.run_in_thread(sem.acquire_many, 2, None))
        self.wait_from_other_thread(lambda: sem.get_n_waiting() == 3,
                                    "three threads to queue")
        sem.release_many(4)
        for thread, outcome in workers:
            thread.join(20)
            self.assertFalse(thread.is_alive())
            self.assertEqual(outcome, [True])
        self.assertEqual(sem.get_value(), 0)


class BoundedSemaphoreTests(ContextTestCase):
    def test_new_and_bound(self):
        for sem in (AsyncSync.BoundedSemaphore.new(2),
                    AsyncSync.BoundedSemaphore(value=2)):
            self.assertIsInstance(sem, AsyncSync.Semaphore)
            self.assertEqual(sem.get_bound(), 2)
            self.assertEqual(sem.props.value, 2)

    def test_over_release_raises_value_and_changes_nothing(self):
        sem = AsyncSync.BoundedSemaphore.new(2)
        seen = self.record_notify(sem, "value")
        with self.assertRaises(GLib.Error) as caught:
            sem.release()
        e = caught.exception
        self.assertTrue(e.matches(AsyncSync.error_quark(), AsyncSync.Error.VALUE))
        self.assertEqual(e.code, AsyncSync.Error.VALUE)
        self.assertEqual(sem.get_value(), 2)
        self.drain()
        self.assertEqual(seen, [])

        self.assertTrue(sem.try_acquire())
        self.assertTrue(sem.release())
        with self.assertRaises(GLib.Error):
            sem.release_many(1)
        self.assertTrue(sem.try_acquire_many(2))
        with self.assertRaises(GLib.Error) as caught:
            sem.release_many(3)
        self.assertValueError(caught.exception)
        self.assertEqual(sem.get_value(), 0)
        self.assertTrue(sem.release_many(2))
        self.assertEqual(sem.get_bound(), 2)

    def test_inherited_async_methods(self):
        sem = AsyncSync.BoundedSemaphore.new(1)
        results = Results("acquire_finish")
        sem.acquire_async(None, results.callback("a"))
        sem.acquire_async(None, results.callback("b"))
        self.assertTrue(sem.is_locked())
        self.assertEqual(sem.get_n_waiting(), 1)
        self.iterate_until(lambda: len(results) == 1)
        sem.release()
        self.iterate_until(lambda: len(results) == 2)
        self.assertEqual(results.items, [("a", True), ("b", True)])
        sem.release()
        self.assertTrue(sem.acquire(None))
        sem.release()

    def test_acquire_many_above_the_bound_is_invalid(self):
        sem = AsyncSync.BoundedSemaphore.new(2)
        results = Results("acquire_many_finish")
        sem.acquire_many_async(3, None, results.callback("a"))
        self.iterate_until(lambda: len(results) == 1)
        self.assertErrorMatches(results.values()[0], Gio.io_error_quark(),
                                Gio.IOErrorEnum.INVALID_ARGUMENT)
        self.assertEqual(sem.get_value(), 2)


if __name__ == "__main__":
    main()
