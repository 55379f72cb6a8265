#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Timeout from Python: both constructors, the `deadline`
property, and G_IO_ERROR_TIMED_OUT from the operations of every class (a
grant that came first wins; an expired timeout fails at once and takes
nothing; cancelling it by hand is still CANCELLED; one timeout bounds a
sequence; blocking calls in worker threads)."""

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                Results, main)

G_MAXINT64 = 2**63 - 1


def expired():
    return AsyncSync.Timeout.new_at(0)


class TimeoutObjectTests(ContextTestCase):
    def test_new_sets_a_deadline_from_now(self):
        before = GLib.get_monotonic_time()
        timeout = AsyncSync.Timeout.new(250)
        after = GLib.get_monotonic_time()
        self.assertIsInstance(timeout, Gio.Cancellable)
        self.assertTrue(before + 250_000 <= timeout.get_deadline() <= after + 250_000)
        self.assertEqual(timeout.props.deadline, timeout.get_deadline())
        self.assertFalse(timeout.has_expired())
        self.assertFalse(timeout.is_cancelled())

    def test_new_at_and_the_deadline_property(self):
        deadline = GLib.get_monotonic_time() + 3_600_000_000
        for timeout in (AsyncSync.Timeout.new_at(deadline),
                        AsyncSync.Timeout(deadline=deadline)):
            self.assertEqual(timeout.get_deadline(), deadline)
            self.assertEqual(timeout.get_property("deadline"), deadline)
            self.assertFalse(timeout.has_expired())
        self.assertEqual(AsyncSync.Timeout().props.deadline, G_MAXINT64)  # never
        self.assertEqual(AsyncSync.Timeout.new_at(-5).get_deadline(), 0)  # clamped
        self.assertTrue(expired().has_expired())

    def test_expiry_does_not_cancel_the_timeout(self):
        timeout = AsyncSync.Timeout.new(1)
        self.iterate_until_expired(timeout)
        self.assertTrue(timeout.has_expired())
        self.assertFalse(timeout.is_cancelled())  # other GIO calls are unaffected


class TimedOutTests(ContextTestCase):
    """Every class: a queued operation fails with TIMED_OUT."""

    def expect_timed_out(self, finish, start):
        results = Results(finish)
        start(AsyncSync.Timeout.new(10), results.callback("timed"))
        self.iterate_until(lambda: len(results) == 1, "the timeout")
        self.assertTimedOut(results.values()[0])

    def test_lock(self):
        lock = AsyncSync.Lock()
        lock.try_acquire()
        self.expect_timed_out("acquire_finish", lock.acquire_async)
        self.assertEqual(lock.get_n_waiting(), 0)
        lock.release()
        self.assertFalse(lock.is_locked())  # nothing was taken

    def test_event(self):
        event = AsyncSync.Event()
        self.expect_timed_out("wait_finish", event.wait_async)
        self.assertEqual(event.get_n_waiting(), 0)

    def test_condition_wait_keeps_the_lock(self):
        cond = AsyncSync.Condition()
        cond.try_acquire()
        self.expect_timed_out("wait_finish", cond.wait_async)
        self.assertTrue(cond.is_locked())  # held again, as for any outcome
        cond.release()

    def test_condition_wait_for(self):
        cond = AsyncSync.Condition()
        cond.try_acquire()
        self.expect_timed_out("wait_for_finish", lambda t, cb: cond.wait_for_async(
            lambda *_: False, cancellable=t, callback=cb))
        self.assertTrue(cond.is_locked())
        cond.release()

    def test_semaphore_and_acquire_many(self):
        sem = AsyncSync.Semaphore.new(1)
        self.expect_timed_out("acquire_many_finish",
                              lambda t, cb: sem.acquire_many_async(2, t, cb))
        self.assertEqual(sem.get_value(), 1)
        sem.try_acquire()
        self.expect_timed_out("acquire_finish", sem.acquire_async)
        sem.release()

    def test_barrier(self):
        barrier = AsyncSync.Barrier.new(2)
        self.expect_timed_out("wait_finish", barrier.wait_async)
        self.assertEqual(barrier.get_n_waiting(), 0)

    def test_queue(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 1)
        self.expect_timed_out("get_finish", queue.get_async)
        queue.try_put(Gio.SimpleAction.new("in", None))
        self.expect_timed_out("put_finish", lambda t, cb: queue.put_async(
            Gio.SimpleAction.new("never", None), t, cb))
        self.expect_timed_out("join_finish", queue.join_async)
        self.assertEqual(queue.get_length(), 1)

    def test_rw_lock(self):
        lock = AsyncSync.RWLock()
        lock.try_write_acquire()
        self.expect_timed_out("read_acquire_finish", lock.read_acquire_async)
        self.expect_timed_out("write_acquire_finish", lock.write_acquire_async)
        lock.write_release()


class TimeoutRulesTests(ContextTestCase):
    def test_an_expired_timeout_fails_at_once_even_on_a_free_lock(self):
        lock = AsyncSync.Lock()
        results = Results("acquire_finish")
        lock.acquire_async(expired(), results.callback("a"))
        self.assertFalse(lock.is_locked())  # not taken, not queued
        self.assertEqual(lock.get_n_waiting(), 0)
        self.iterate_until(lambda: len(results) == 1)
        self.assertTimedOut(results.values()[0])
        with self.assertRaises(GLib.Error) as caught:
            lock.acquire(expired())
        self.assertTimedOut(caught.exception)
        self.assertFalse(lock.is_locked())

    def test_the_grant_wins_over_a_later_deadline(self):
        lock = AsyncSync.Lock()
        lock.try_acquire()
        timeout = AsyncSync.Timeout.new(5)
        results = Results("acquire_finish")
        lock.acquire_async(timeout, results.callback("a"))
        lock.release()  # granted before the deadline...
        self.iterate_until_expired(timeout)  # ...which then passes
        self.iterate_until(lambda: len(results) == 1)
        self.assertEqual(results.items, [("a", True)])
        self.assertTrue(lock.is_locked())
        lock.release()

    def test_cancelling_a_timeout_by_hand_is_cancelled_not_timed_out(self):
        lock = AsyncSync.Lock()
        lock.try_acquire()
        timeout = AsyncSync.Timeout.new(60_000)
        results = Results("acquire_finish")
        lock.acquire_async(timeout, results.callback("a"))
        timeout.cancel()
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        lock.release()

    def test_one_timeout_bounds_a_sequence_of_operations(self):
        lock, event = AsyncSync.Lock(), AsyncSync.Event()
        timeout = AsyncSync.Timeout.new(10)
        locks, waits = Results("acquire_finish"), Results("wait_finish")
        lock.acquire_async(timeout, locks.callback("first step"))
        self.iterate_until(lambda: len(locks) == 1)
        self.assertEqual(locks.values(), [True])
        event.wait_async(timeout, waits.callback("second step"))
        self.iterate_until(lambda: len(waits) == 1, "the timeout")
        self.assertTimedOut(waits.values()[0])
        lock.release()

    def test_a_timeout_in_a_blocking_call_of_a_worker_thread(self):
        lock = AsyncSync.Lock()
        lock.try_acquire()
        # The main thread does not iterate: the blocking call's own context
        # runs the deadline.
        thread, outcome = self.run_in_thread(lock.acquire, AsyncSync.Timeout.new(10))
        thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertTimedOut(outcome[0])
        self.assertEqual(lock.get_n_waiting(), 0)
        lock.release()

        sem = AsyncSync.Semaphore.new(0)
        thread, outcome = self.run_in_thread(sem.acquire_many, 2, AsyncSync.Timeout.new(10))
        thread.join(20)
        self.assertTimedOut(outcome[0])
        self.assertEqual(sem.get_n_waiting(), 0)


if __name__ == "__main__":
    main()
