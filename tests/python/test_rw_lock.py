#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.RWLock from Python: every method, the `n-readers` and
`write-locked` properties, the fair write-preferring FIFO order, misuse as
NOT_LOCKED exceptions, cancellation, timeouts and worker threads."""

import threading

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                Results, main)


class RWLockTests(ContextTestCase):
    def test_new_lock_is_free(self):
        for lock in (AsyncSync.RWLock.new(), AsyncSync.RWLock()):
            self.assertEqual(lock.get_n_readers(), 0)
            self.assertEqual(lock.props.n_readers, 0)
            self.assertFalse(lock.is_write_locked())
            self.assertFalse(lock.props.write_locked)
            self.assertFalse(lock.get_property("write-locked"))
            self.assertEqual(lock.get_n_waiting(), 0)

    def test_many_readers_or_one_writer(self):
        lock = AsyncSync.RWLock()
        self.assertTrue(lock.try_read_acquire())
        self.assertTrue(lock.try_read_acquire())
        self.assertEqual(lock.props.n_readers, 2)
        self.assertFalse(lock.try_write_acquire())
        self.assertTrue(lock.read_release())
        self.assertTrue(lock.read_release())
        self.assertTrue(lock.try_write_acquire())
        self.assertTrue(lock.props.write_locked)
        self.assertFalse(lock.try_read_acquire())
        self.assertFalse(lock.try_write_acquire())
        self.assertTrue(lock.write_release())
        self.assertFalse(lock.is_write_locked())

    def test_releases_without_holding_raise_not_locked(self):
        lock = AsyncSync.RWLock()
        with self.assertRaises(GLib.Error) as caught:
            lock.read_release()
        self.assertNotLocked(caught.exception)
        with self.assertRaises(GLib.Error) as caught:
            lock.write_release()
        self.assertNotLocked(caught.exception)
        lock.try_read_acquire()
        with self.assertRaises(GLib.Error) as caught:
            lock.write_release()  # a reader holds it, not a writer
        self.assertNotLocked(caught.exception)
        self.assertEqual(lock.get_n_readers(), 1)
        lock.read_release()
        lock.try_write_acquire()
        with self.assertRaises(GLib.Error) as caught:
            lock.read_release()
        self.assertNotLocked(caught.exception)
        self.assertTrue(lock.is_write_locked())
        lock.write_release()

    def test_async_acquisitions_complete_later(self):
        lock = AsyncSync.RWLock()
        reads = Results("read_acquire_finish")
        lock.read_acquire_async(None, reads.callback("r"))
        self.assertEqual(lock.get_n_readers(), 1)  # granted at once, reported later
        self.assertEqual(len(reads), 0)
        self.iterate_until(lambda: len(reads) == 1)
        self.assertEqual(reads.items, [("r", True)])
        lock.read_release()
        writes = Results("write_acquire_finish")
        lock.write_acquire_async(None, writes.callback("w"))
        self.assertTrue(lock.is_write_locked())
        self.iterate_until(lambda: len(writes) == 1)
        self.assertEqual(writes.items, [("w", True)])
        lock.write_release()

    def test_a_queued_writer_blocks_later_readers_fifo(self):
        lock = AsyncSync.RWLock()
        order = []

        def record(finish):
            def on_ready(source, result, tag):
                self.assertTrue(getattr(source, finish)(result))
                order.append(tag)
            return on_ready

        read = record("read_acquire_finish")
        write = record("write_acquire_finish")
        lock.read_acquire_async(None, read, "r1")
        lock.write_acquire_async(None, write, "w1")
        lock.read_acquire_async(None, read, "r2")    # behind w1
        lock.read_acquire_async(None, read, "r3")    # admitted with r2
        lock.write_acquire_async(None, write, "w2")
        lock.read_acquire_async(None, read, "r4")
        self.assertEqual(lock.get_n_waiting(), 5)
        self.assertFalse(lock.try_read_acquire())    # no barging past w1
        self.iterate_until(lambda: order == ["r1"])

        lock.read_release()                           # -> w1
        self.assertTrue(lock.is_write_locked())
        self.iterate_until(lambda: len(order) == 2)
        lock.write_release()                          # -> r2 and r3 together
        self.assertEqual(lock.get_n_readers(), 2)
        self.iterate_until(lambda: len(order) == 4)
        lock.read_release()
        lock.read_release()                           # -> w2
        self.iterate_until(lambda: len(order) == 5)
        lock.write_release()                          # -> r4
        self.iterate_until(lambda: len(order) == 6)
        lock.read_release()
        self.assertEqual(order, ["r1", "w1", "r2", "r3", "w2", "r4"])
        self.assertEqual(lock.get_n_waiting(), 0)

    def test_a_cancelled_writer_lets_the_readers_behind_it_in(self):
        lock = AsyncSync.RWLock()
        lock.try_read_acquire()
        writes, reads = Results("write_acquire_finish"), Results("read_acquire_finish")
        cancellable = Gio.Cancellable()
        lock.write_acquire_async(cancellable, writes.callback("w"))
        lock.read_acquire_async(None, reads.callback("r"))
        self.assertEqual(lock.get_n_readers(), 1)
        cancellable.cancel()
        self.assertEqual(lock.get_n_readers(), 2)  # admitted at once
        self.iterate_until(lambda: len(writes) + len(reads) == 2)
        self.assertCancelled(writes.values()[0])
        self.assertEqual(reads.values(), [True])
        lock.read_release()
        lock.read_release()

    def test_a_timed_out_writer_takes_nothing(self):
        lock = AsyncSync.RWLock()
        lock.try_read_acquire()
        writes, reads = Results("write_acquire_finish"), Results("read_acquire_finish")
        lock.write_acquire_async(AsyncSync.Timeout.new(10), writes.callback("w"))
        lock.read_acquire_async(None, reads.callback("r"))
        self.iterate_until(lambda: len(writes) == 1, "the timeout")
        self.assertTimedOut(writes.values()[0])
        self.iterate_until(lambda: len(reads) == 1)
        self.assertEqual(lock.get_n_readers(), 2)
        self.assertFalse(lock.is_write_locked())
        lock.read_release()
        lock.read_release()

    def test_pre_cancelled_and_granted_then_cancelled(self):
        lock = AsyncSync.RWLock()
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        reads, writes = Results("read_acquire_finish"), Results("write_acquire_finish")
        lock.read_acquire_async(cancellable, reads.callback("pre"))
        lock.write_acquire_async(cancellable, writes.callback("pre"))
        self.iterate_until(lambda: len(reads) + len(writes) == 2)
        self.assertCancelled(reads.values()[0])
        self.assertCancelled(writes.values()[0])
        self.assertEqual((lock.get_n_readers(), lock.is_write_locked()), (0, False))

        lock.try_write_acquire()
        late = Gio.Cancellable()
        lock.read_acquire_async(late, reads.callback("late"))
        lock.write_release()  # granted to the reader...
        late.cancel()         # ...which keeps it
        self.iterate_until(lambda: len(reads) == 2)
        self.assertEqual(reads.items[1], ("late", True))
        self.assertEqual(lock.get_n_readers(), 1)
        lock.read_release()

    def test_notify_n_readers_and_write_locked(self):
        lock = AsyncSync.RWLock()
        readers = self.record_notify(lock, "n-readers")
        writer = self.record_notify(lock, "write-locked")
        lock.try_read_acquire()
        lock.try_read_acquire()
        self.assertEqual(readers, [])
        self.drain()
        lock.read_release()
        lock.read_release()
        self.drain()
        lock.try_write_acquire()
        self.drain()
        lock.write_release()
        lock.try_write_acquire()  # coalesced: still write-locked
        self.drain()
        lock.write_release()
        self.drain()
        self.assertEqual([v for v, _ in readers], [2, 0])
        self.assertEqual([v for v, _ in writer], [True, False])
        self.assertTrue(all(t == self.main_thread for _, t in readers + writer))

    def test_blocking_acquisitions_in_threads(self):
        lock = AsyncSync.RWLock()
        lock.try_write_acquire()
        inside = []
        both_reading = threading.Barrier(2)

        def reader(name):
            lock.read_acquire(None)
            inside.append(name)
            both_reading.wait(20)  # both readers hold the lock at once
            return lock.read_release()

        readers = [self.run_in_thread(reader, f"r{i}") for i in range(2)]
        self.wait_from_other_thread(lambda: lock.get_n_waiting() == 2,
                                    "two readers to queue")
        writer = self.run_in_thread(lock.write_acquire, None)
        self.wait_from_other_thread(lambda: lock.get_n_waiting() == 3,
                                    "the writer to queue")
        lock.write_release()
        for thread, outcome in readers:
            thread.join(20)
            self.assertFalse(thread.is_alive())
            self.assertEqual(outcome, [True])
        writer[0].join(20)
        self.assertEqual(writer[1], [True])
        self.assertEqual(sorted(inside), ["r0", "r1"])
        self.assertTrue(lock.is_write_locked())
        lock.write_release()

    def test_blocking_acquisition_in_a_thread_times_out(self):
        lock = AsyncSync.RWLock()
        lock.try_read_acquire()
        thread, outcome = self.run_in_thread(lock.write_acquire,
                                             AsyncSync.Timeout.new(10))
        thread.join(20)  # the deadline is watched on the thread's own context
        self.assertFalse(thread.is_alive())
        self.assertTimedOut(outcome[0])
        self.assertEqual(lock.get_n_waiting(), 0)
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as caught:
            lock.read_acquire(cancellable)
        self.assertCancelled(caught.exception)
        lock.read_release()


if __name__ == "__main__":
    main()
