#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Lock from Python: every method and the `locked` property."""

import gc
import weakref

from asyncsync_testcase import AsyncSync, ContextTestCase, GLib, Results, main


class LockTests(ContextTestCase):
    def test_new_lock_is_free(self):
        for lock in (AsyncSync.Lock.new(), AsyncSync.Lock()):
            self.assertFalse(lock.is_locked())
            self.assertFalse(lock.props.locked)
            self.assertFalse(lock.get_property("locked"))
            self.assertEqual(lock.get_n_waiting(), 0)

    def test_try_acquire_takes_a_free_lock_once(self):
        lock = AsyncSync.Lock()
        self.assertTrue(lock.try_acquire())
        self.assertTrue(lock.is_locked())
        self.assertTrue(lock.props.locked)
        self.assertFalse(lock.try_acquire())
        self.assertTrue(lock.release())
        self.assertFalse(lock.is_locked())

    def test_release_of_free_lock_raises_not_locked(self):
        lock = AsyncSync.Lock()
        with self.assertRaises(GLib.Error) as caught:
            lock.release()
        e = caught.exception
        # The spelling the docs show:
        self.assertTrue(e.matches(AsyncSync.error_quark(), AsyncSync.Error.NOT_LOCKED))
        self.assertEqual(e.domain, "async-sync-error-quark")
        self.assertEqual(e.code, AsyncSync.Error.NOT_LOCKED)
        self.assertFalse(lock.is_locked())

    def test_notify_locked_is_emitted_from_the_loop_and_coalesced(self):
        lock = AsyncSync.Lock()
        seen = self.record_notify(lock, "locked")
        lock.try_acquire()
        self.assertEqual(seen, [])  # never from inside the call
        self.drain()
        self.assertEqual([v for v, _ in seen], [True])
        lock.release()
        self.drain()
        self.assertEqual([v for v, _ in seen], [True, False])
        # Locked and unlocked between two iterations: nothing changed.
        lock.try_acquire()
        lock.release()
        self.drain()
        self.assertEqual([v for v, _ in seen], [True, False])
        self.assertTrue(all(t == self.main_thread for _, t in seen))

    def test_acquire_callback_closure_is_released(self):
        # (scope async): PyGObject frees the callback after its one call.
        lock = AsyncSync.Lock()
        results = Results("acquire_finish")

        class Callback:
            def __call__(self, source, result, *user_data):
                results.callback("a")(source, result)

        callback = Callback()
        ref = weakref.ref(callback)
        lock.acquire_async(None, callback)
        del callback
        gc.collect()
        self.assertIsNotNone(ref())  # kept while the operation runs
        self.iterate_until(lambda: len(results) == 1)
        self.drain()
        gc.collect()
        self.assertIsNone(ref())
        lock.release()

    def test_blocking_acquire_of_free_lock_returns_at_once(self):
        lock = AsyncSync.Lock()
        self.assertTrue(lock.acquire(None))
        self.assertTrue(lock.is_locked())
        lock.release()

    def test_blocking_acquire_in_a_thread_waits_for_release(self):
        lock = AsyncSync.Lock()
        seen = self.record_notify(lock, "locked")
        lock.try_acquire()
        self.drain()
        thread, outcome = self.run_in_thread(lock.acquire, None)
        self.wait_from_other_thread(lambda: lock.get_n_waiting() == 1,
                                    "the thread to queue")
        self.assertEqual(outcome, [])
        lock.release()
        thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertEqual(outcome, [True])
        self.assertTrue(lock.is_locked())

        # Released from the thread: notified here, on the home context.
        thread, outcome = self.run_in_thread(lock.release)
        thread.join(20)
        self.assertEqual(outcome, [True])
        self.iterate_until(lambda: len(seen) == 2, "notify::locked")
        self.assertEqual([v for v, _ in seen], [True, False])
        self.assertTrue(all(t == self.main_thread for _, t in seen))


if __name__ == "__main__":
    main()
