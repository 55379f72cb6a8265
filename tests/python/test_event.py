#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Event from Python: every method and the `is-set` property."""

from asyncsync_testcase import AsyncSync, ContextTestCase, Results, main


class EventTests(ContextTestCase):
    def test_new_event_is_clear(self):
        for event in (AsyncSync.Event.new(), AsyncSync.Event()):
            self.assertFalse(event.is_set())
            self.assertFalse(event.props.is_set)
            self.assertFalse(event.get_property("is-set"))
            self.assertEqual(event.get_n_waiting(), 0)

    def test_wait_on_set_event_completes_on_next_iteration(self):
        event = AsyncSync.Event()
        event.set()
        results = Results("wait_finish")
        event.wait_async(None, results.callback("a"))
        self.assertEqual(len(results), 0)
        self.assertEqual(event.get_n_waiting(), 0)
        self.iterate_until(lambda: len(results) == 1)
        self.assertEqual(results.items, [("a", True)])

    def test_clear_makes_waiters_wait_again(self):
        event = AsyncSync.Event()
        event.set()
        event.clear()
        self.assertFalse(event.is_set())
        results = Results("wait_finish")
        event.wait_async(None, results.callback("a"))
        self.drain()
        self.assertEqual(len(results), 0)
        self.assertEqual(event.get_n_waiting(), 1)
        event.set()
        self.iterate_until(lambda: len(results) == 1)

    def test_set_wakes_only_the_waiters_queued_at_that_moment(self):
        event = AsyncSync.Event()
        results = Results("wait_finish")
        event.wait_async(None, results.callback("before"))
        event.set()
        event.clear()
        event.wait_async(None, results.callback("after"))
        self.drain()
        self.assertEqual(results.items, [("before", True)])
        self.assertEqual(event.get_n_waiting(), 1)
        event.set()
        self.iterate_until(lambda: len(results) == 2)

    def test_notify_is_set(self):
        event = AsyncSync.Event()
        seen = self.record_notify(event, "is-set")
        event.set()
        self.assertEqual(seen, [])
        self.drain()
        event.clear()
        self.drain()
        event.set()
        event.clear()  # coalesced: no change seen from the loop
        self.drain()
        self.assertEqual([v for v, _ in seen], [True, False])

    def test_blocking_wait_on_set_event_returns_at_once(self):
        event = AsyncSync.Event()
        event.set()
        self.assertTrue(event.wait(None))

    def test_blocking_wait_in_threads_returns_when_set(self):
        event = AsyncSync.Event()
        seen = self.record_notify(event, "is-set")
        workers = [self.run_in_thread(event.wait, None) for _ in range(3)]
        self.wait_from_other_thread(lambda: event.get_n_waiting() == 3,
                                    "three threads to wait")
        event.set()
        for thread, outcome in workers:
            thread.join(20)
            self.assertFalse(thread.is_alive())
            self.assertEqual(outcome, [True])
        self.iterate_until(lambda: len(seen) == 1, "notify::is-set")
        self.assertEqual(seen, [(True, self.main_thread)])


if __name__ == "__main__":
    main()
