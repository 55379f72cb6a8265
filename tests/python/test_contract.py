#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The rules every waiting call keeps, seen from Python, written once.

Each waiting call is a Row (how to make an object it waits on, start it,
grant it); each rule is a test that runs over every row, as a subTest.
The class modules (test_lock.py, ...) keep only their class's own rules;
tests/contract/test-contract.c is the same table in C.
"""

import gc
from dataclasses import dataclass
from typing import Callable, Optional

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                GObject, Results, main)


@dataclass
class Row:
    name: str
    make: Callable            # a new object on which the call waits
    start: Callable           # start(obj, cancellable, callback)
    finish: str               # the name of its _finish method
    blocking: Callable        # blocking(obj, cancellable)
    grant: Callable           # lets the head waiter (or every waiter) through
    make_free: Optional[Callable] = None  # the next call is granted at once
    try_take: Optional[Callable] = None   # the call that takes without waiting
    n_waiting: Optional[Callable] = None
    wakes_all: bool = False


def locked(make, take):
    def made():
        obj = make()
        assert take(obj)
        return obj
    return made


def full_queue(maxsize):
    queue = AsyncSync.Queue.new(GObject.Object, maxsize)
    for _ in range(maxsize):
        queue.try_put(GObject.Object())
    return queue


def unfinished_queue():
    queue = AsyncSync.Queue.new(GObject.Object, 0)
    queue.try_put(GObject.Object())
    queue.try_get()
    return queue


def fill_barrier(barrier):
    for _ in range(barrier.get_parties() - barrier.get_n_waiting()):
        barrier.wait_async(None, lambda source, result: source.wait_finish(result))


def release_writer(lock):
    if lock.is_write_locked():
        lock.write_release()


ROWS = [
    Row("Lock.acquire", locked(AsyncSync.Lock, lambda o: o.try_acquire()),
        lambda o, c, cb: o.acquire_async(c, cb), "acquire_finish",
        lambda o, c: o.acquire(c), lambda o: o.release(),
        make_free=lambda o: o.release(), try_take=lambda o: o.try_acquire(),
        n_waiting=lambda o: o.get_n_waiting()),
    Row("Event.wait", AsyncSync.Event,
        lambda o, c, cb: o.wait_async(c, cb), "wait_finish",
        lambda o, c: o.wait(c), lambda o: o.set(),
        make_free=lambda o: o.set(), n_waiting=lambda o: o.get_n_waiting(),
        wakes_all=True),
    Row("Condition.acquire",
        locked(lambda: AsyncSync.Condition.new(None), lambda o: o.try_acquire()),
        lambda o, c, cb: o.acquire_async(c, cb), "acquire_finish",
        lambda o, c: o.acquire(c), lambda o: o.release(),
        make_free=lambda o: o.release(), try_take=lambda o: o.try_acquire()),
    Row("Semaphore.acquire", lambda: AsyncSync.Semaphore.new(0),
        lambda o, c, cb: o.acquire_async(c, cb), "acquire_finish",
        lambda o, c: o.acquire(c), lambda o: o.release(),
        make_free=lambda o: o.release(), try_take=lambda o: o.try_acquire(),
        n_waiting=lambda o: o.get_n_waiting()),
    Row("BoundedSemaphore.acquire",
        locked(lambda: AsyncSync.BoundedSemaphore.new(1), lambda o: o.try_acquire()),
        lambda o, c, cb: o.acquire_async(c, cb), "acquire_finish",
        lambda o, c: o.acquire(c), lambda o: o.release(),
        make_free=lambda o: o.release(), try_take=lambda o: o.try_acquire(),
        n_waiting=lambda o: o.get_n_waiting()),
    Row("Semaphore.acquire_many", lambda: AsyncSync.Semaphore.new(0),
        lambda o, c, cb: o.acquire_many_async(2, c, cb), "acquire_many_finish",
        lambda o, c: o.acquire_many(2, c), lambda o: o.release_many(2),
        make_free=lambda o: o.release_many(2),
        try_take=lambda o: o.try_acquire_many(2),
        n_waiting=lambda o: o.get_n_waiting()),
    Row("Barrier.wait", lambda: AsyncSync.Barrier.new(6),
        lambda o, c, cb: o.wait_async(c, cb), "wait_finish",
        lambda o, c: o.wait(c), fill_barrier,
        n_waiting=lambda o: o.get_n_waiting(), wakes_all=True),
    Row("Queue.get", lambda: full_queue(0),
        lambda o, c, cb: o.get_async(c, cb), "get_finish",
        lambda o, c: o.get(c), lambda o: o.try_put(GObject.Object()),
        make_free=lambda o: o.try_put(GObject.Object()),
        try_take=lambda o: _try(o.try_get)),
    Row("Queue.put", lambda: full_queue(1),
        lambda o, c, cb: o.put_async(GObject.Object(), c, cb), "put_finish",
        lambda o, c: o.put(GObject.Object(), c), lambda o: o.try_get(),
        make_free=lambda o: o.try_get(),
        try_take=lambda o: _try(lambda: o.try_put(GObject.Object()))),
    Row("Queue.join", unfinished_queue,
        lambda o, c, cb: o.join_async(c, cb), "join_finish",
        lambda o, c: o.join(c), lambda o: o.task_done(), wakes_all=True),
    Row("RWLock.read_acquire",
        locked(AsyncSync.RWLock, lambda o: o.try_write_acquire()),
        lambda o, c, cb: o.read_acquire_async(c, cb), "read_acquire_finish",
        lambda o, c: o.read_acquire(c), release_writer,
        make_free=release_writer, n_waiting=lambda o: o.get_n_waiting(),
        wakes_all=True),
    Row("RWLock.write_acquire",
        locked(AsyncSync.RWLock, lambda o: o.try_write_acquire()),
        lambda o, c, cb: o.write_acquire_async(c, cb), "write_acquire_finish",
        lambda o, c: o.write_acquire(c), lambda o: o.write_release(),
        make_free=lambda o: o.write_release(),
        try_take=lambda o: o.try_write_acquire(),
        n_waiting=lambda o: o.get_n_waiting()),
]


def _try(call):
    """A try_ call that raises when it cannot take: whether it took."""
    try:
        return bool(call())
    except GLib.Error:
        return False


class ContractTests(ContextTestCase):
    def rows(self):
        for row in ROWS:
            with self.subTest(row.name):
                yield row

    def assertWaiting(self, row, obj, n):
        if row.n_waiting is not None:
            self.assertEqual(row.n_waiting(obj), n)

    def grant_until(self, row, obj, results, n):
        while len(results) < n:
            done = len(results)
            row.grant(obj)
            self.iterate_until(lambda: len(results) > done)

    def test_queued_calls_are_granted_in_call_order(self):
        for row in self.rows():
            obj, results = row.make(), Results(row.finish)
            for i in range(5):
                row.start(obj, None, results.callback(i))
                self.assertWaiting(row, obj, i + 1)
            self.drain()
            self.assertEqual(len(results), 0)
            self.grant_until(row, obj, results, 5)
            self.assertEqual(results.tags(), [0, 1, 2, 3, 4])
            self.assertTrue(all(results.values()))
            self.assertWaiting(row, obj, 0)

    def test_a_grant_on_its_way_is_not_taken_by_a_try(self):
        for row in self.rows():
            if row.try_take is None:
                continue
            obj, results = row.make(), Results(row.finish)
            row.start(obj, None, results.callback("a"))
            row.start(obj, None, results.callback("b"))
            row.grant(obj)  # a's, its callback pending
            self.assertFalse(row.try_take(obj))
            self.grant_until(row, obj, results, 2)
            self.assertEqual(results.tags(), ["a", "b"])

    def test_a_free_object_completes_later_not_inside_the_call(self):
        for row in self.rows():
            if row.make_free is None:
                continue
            obj, results = row.make(), Results(row.finish)
            row.make_free(obj)
            row.start(obj, None, results.callback("a"))
            self.assertEqual(len(results), 0)
            self.iterate_until(lambda: len(results) == 1)
            self.assertTrue(results.values()[0])

    def test_a_queued_call_is_cancelled_and_leaves_the_queue(self):
        for row in self.rows():
            obj, results = row.make(), Results(row.finish)
            cancellable = Gio.Cancellable()
            row.start(obj, None, results.callback("a"))
            row.start(obj, cancellable, results.callback("cancelled"))
            row.start(obj, None, results.callback("c"))
            cancellable.cancel()
            self.assertWaiting(row, obj, 2)
            self.iterate_until(lambda: len(results) == 1)
            self.assertEqual(results.tags(), ["cancelled"])
            self.assertCancelled(results.values()[0])
            self.grant_until(row, obj, results, 3)
            self.assertEqual(results.tags(), ["cancelled", "a", "c"])

    def test_a_pre_cancelled_call_takes_nothing(self):
        for row in self.rows():
            obj, results = row.make(), Results(row.finish)
            if row.make_free is not None:
                row.make_free(obj)
            cancellable = Gio.Cancellable()
            cancellable.cancel()
            row.start(obj, cancellable, results.callback("a"))
            self.assertEqual(len(results), 0)
            self.assertWaiting(row, obj, 0)
            self.iterate_until(lambda: len(results) == 1)
            self.assertCancelled(results.values()[0])
            if row.try_take is not None:
                self.assertTrue(row.try_take(obj))  # still free
            with self.assertRaises(GLib.Error) as caught:
                row.blocking(obj, cancellable)
            self.assertCancelled(caught.exception)

    def test_the_grant_wins_over_a_later_cancellation(self):
        for row in self.rows():
            obj, results = row.make(), Results(row.finish)
            cancellable = Gio.Cancellable()
            row.start(obj, cancellable, results.callback("a"))
            row.grant(obj)
            cancellable.cancel()  # before the callback ran
            self.iterate_until(lambda: len(results) == 1)
            self.assertTrue(results.values()[0])

    def test_queued_calls_keep_their_object_alive(self):
        for row in self.rows():
            obj, results = row.make(), Results(row.finish)
            row.start(obj, None, results.callback("a"))
            freed = []
            obj.weak_ref(lambda: freed.append(True))
            row.grant(obj)
            del obj
            gc.collect()
            self.iterate_until(lambda: len(results) == 1)
            self.assertTrue(results.values()[0])
            self.drain()
            gc.collect()
            self.assertEqual(freed, [True])

    def test_a_blocking_call_in_a_thread_is_cancelled(self):
        for row in self.rows():
            obj = row.make()
            cancellable = Gio.Cancellable()
            thread, outcome = self.run_in_thread(row.blocking, obj, cancellable)
            if row.n_waiting is not None:
                self.wait_from_other_thread(lambda: row.n_waiting(obj) == 1,
                                            "the thread to queue")
            cancellable.cancel()
            thread.join(20)
            self.assertFalse(thread.is_alive())
            self.assertCancelled(outcome[0])
            self.assertWaiting(row, obj, 0)


if __name__ == "__main__":
    main()
