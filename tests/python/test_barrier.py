#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Barrier from Python: every method, the `parties` and `broken`
properties, the index out argument (wait_finish and wait return a tuple
(ok, index)), draining, reset, abort, cancellation and worker threads."""

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                Results, main)


class BarrierTests(ContextTestCase):
    def test_new_and_properties(self):
        for barrier in (AsyncSync.Barrier.new(3), AsyncSync.Barrier(parties=3)):
            self.assertEqual(barrier.get_parties(), 3)
            self.assertEqual(barrier.props.parties, 3)
            self.assertEqual(barrier.get_property("parties"), 3)
            self.assertEqual(barrier.get_n_waiting(), 0)
            self.assertFalse(barrier.is_broken())
            self.assertFalse(barrier.props.broken)
        self.assertEqual(AsyncSync.Barrier().props.parties, 1)  # the default

    def test_wait_finish_returns_ok_and_index(self):
        barrier = AsyncSync.Barrier.new(1)
        results = Results("wait_finish")
        barrier.wait_async(None, results.callback("only"))
        self.assertEqual(len(results), 0)  # never from inside the call
        self.iterate_until(lambda: len(results) == 1)
        ok, index = results.values()[0]
        self.assertEqual((ok, index), (True, 0))
        self.assertEqual(results.values()[0].index, 0)  # a named tuple too

    def test_last_arrival_releases_the_cycle_indices_in_arrival_order(self):
        barrier = AsyncSync.Barrier.new(3)
        results = Results("wait_finish")
        barrier.wait_async(None, results.callback("a"))
        barrier.wait_async(None, results.callback("b"))
        self.assertEqual(barrier.get_n_waiting(), 2)
        self.drain()
        self.assertEqual(len(results), 0)
        barrier.wait_async(None, results.callback("c"))
        self.iterate_until(lambda: len(results) == 3)
        self.assertEqual(results.tags(), ["a", "b", "c"])
        self.assertEqual([tuple(v) for v in results.values()],
                         [(True, 0), (True, 1), (True, 2)])

    def test_the_barrier_is_reusable(self):
        barrier = AsyncSync.Barrier.new(2)
        for cycle in range(3):
            results = Results("wait_finish")
            barrier.wait_async(None, results.callback("x"))
            barrier.wait_async(None, results.callback("y"))
            self.iterate_until(lambda: len(results) == 2, f"cycle {cycle}")
            self.assertEqual([v.index for v in results.values()], [0, 1])
        self.assertEqual(barrier.get_n_waiting(), 0)

    def test_arrivals_while_draining_wait_for_the_next_cycle(self):
        barrier = AsyncSync.Barrier.new(2)
        results = Results("wait_finish")
        barrier.wait_async(None, results.callback("a"))
        barrier.wait_async(None, results.callback("b"))  # released; draining
        barrier.wait_async(None, results.callback("c"))  # held for the next cycle
        self.assertEqual(barrier.get_n_waiting(), 0)     # as asyncio's n_waiting
        self.iterate_until(lambda: len(results) == 2)
        self.assertEqual(results.tags(), ["a", "b"])
        self.drain()
        self.assertEqual(barrier.get_n_waiting(), 1)     # "c" joined the new cycle
        barrier.wait_async(None, results.callback("d"))
        self.iterate_until(lambda: len(results) == 4)
        self.assertEqual(results.tags(), ["a", "b", "c", "d"])
        self.assertEqual([v.index for v in results.values()], [0, 1, 0, 1])

    def test_reset_breaks_the_waiting_parties_then_the_barrier_is_usable(self):
        barrier = AsyncSync.Barrier.new(3)
        results = Results("wait_finish")
        barrier.wait_async(None, results.callback("a"))
        barrier.wait_async(None, results.callback("b"))
        barrier.reset()
        self.assertFalse(barrier.is_broken())
        self.iterate_until(lambda: len(results) == 2)
        for error in results.values():
            self.assertBrokenBarrier(error)
        self.drain()
        self.assertEqual(barrier.get_n_waiting(), 0)
        for tag in "cde":
            barrier.wait_async(None, results.callback(tag))
        self.iterate_until(lambda: len(results) == 5)
        self.assertEqual([v.index for v in results.values()[2:]], [0, 1, 2])

    def test_abort_breaks_current_and_future_waits_until_reset(self):
        barrier = AsyncSync.Barrier.new(2)
        seen = self.record_notify(barrier, "broken")
        results = Results("wait_finish")
        barrier.wait_async(None, results.callback("waiting"))
        barrier.abort()
        self.assertTrue(barrier.is_broken())
        self.assertTrue(barrier.props.broken)
        self.assertEqual(seen, [])  # notified from the loop, not the call
        barrier.wait_async(None, results.callback("later"))
        self.iterate_until(lambda: len(results) == 2)
        self.assertEqual(results.tags(), ["waiting", "later"])
        for error in results.values():
            self.assertBrokenBarrier(error)
        with self.assertRaises(GLib.Error) as caught:
            barrier.wait(None)  # fails at once: nothing to block on
        self.assertBrokenBarrier(caught.exception)
        self.drain()
        self.assertEqual([v for v, _ in seen], [True])

        barrier.reset()
        self.assertFalse(barrier.is_broken())
        self.drain()
        self.assertEqual([v for v, _ in seen], [True, False])
        self.assertTrue(all(t == self.main_thread for _, t in seen))
        barrier.wait_async(None, results.callback("after"))
        barrier.wait_async(None, results.callback("reset"))
        self.iterate_until(lambda: len(results) == 4)
        self.assertEqual(results.items[2:], [("after", (True, 0)), ("reset", (True, 1))])

    def test_a_cancelled_party_leaves_the_count(self):
        barrier = AsyncSync.Barrier.new(3)
        results = Results("wait_finish")
        cancellable = Gio.Cancellable()
        barrier.wait_async(None, results.callback("a"))
        barrier.wait_async(cancellable, results.callback("gone"))
        self.assertEqual(barrier.get_n_waiting(), 2)
        cancellable.cancel()
        self.assertEqual(barrier.get_n_waiting(), 1)
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        barrier.wait_async(None, results.callback("b"))
        self.drain()
        self.assertEqual(len(results), 1)  # two of three: not released
        barrier.wait_async(None, results.callback("c"))
        self.iterate_until(lambda: len(results) == 4)
        self.assertEqual(results.items[1:], [("a", (True, 0)), ("b", (True, 1)), ("c", (True, 2))])

    def test_pre_cancelled_wait_does_not_arrive(self):
        barrier = AsyncSync.Barrier.new(1)
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        results = Results("wait_finish")
        barrier.wait_async(cancellable, results.callback("a"))
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        with self.assertRaises(GLib.Error) as caught:
            barrier.wait(cancellable)
        self.assertCancelled(caught.exception)

    def test_timed_out_party_leaves_the_count(self):
        barrier = AsyncSync.Barrier.new(2)
        results = Results("wait_finish")
        timeout = AsyncSync.Timeout.new(10)
        barrier.wait_async(timeout, results.callback("late"))
        self.iterate_until(lambda: len(results) == 1, "the timeout")
        self.assertTimedOut(results.values()[0])
        self.assertEqual(barrier.get_n_waiting(), 0)
        barrier.wait_async(None, results.callback("a"))
        barrier.wait_async(None, results.callback("b"))
        self.iterate_until(lambda: len(results) == 3)
        self.assertEqual([v.index for v in results.values()[1:]], [0, 1])

    def test_blocking_wait_in_threads_gives_unique_indices(self):
        barrier = AsyncSync.Barrier.new(3)
        workers = [self.run_in_thread(barrier.wait, None) for _ in range(2)]
        self.wait_from_other_thread(lambda: barrier.get_n_waiting() == 2,
                                    "two threads to arrive")
        results = Results("wait_finish")
        barrier.wait_async(None, results.callback("main"))
        self.iterate_until(lambda: len(results) == 1)
        indices = [results.values()[0].index]
        for thread, outcome in workers:
            thread.join(20)
            self.assertFalse(thread.is_alive())
            ok, index = outcome[0]
            self.assertTrue(ok)
            indices.append(index)
        self.assertEqual(indices[0], 2)  # the main thread arrived last
        self.assertEqual(sorted(indices), [0, 1, 2])

    def test_blocking_wait_in_a_thread_is_aborted(self):
        barrier = AsyncSync.Barrier.new(2)
        thread, outcome = self.run_in_thread(barrier.wait, None)
        self.wait_from_other_thread(lambda: barrier.get_n_waiting() == 1,
                                    "the thread to arrive")
        barrier.abort()
        thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertBrokenBarrier(outcome[0])


if __name__ == "__main__":
    main()
