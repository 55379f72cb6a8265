#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The primitives with an asyncio feel: `await gio_await(lock.acquire_async,
None)` in Python coroutines driven by a GLib main context (gio_coroutines)."""

from asyncsync_testcase import AsyncSync, ContextTestCase, Gio, GLib, main
from gio_coroutines import gather, gio_await, run, spawn


class CoroutineTests(ContextTestCase):
    def test_async_with_lock_is_fifo(self):
        lock = AsyncSync.Lock()
        ready = AsyncSync.Event()
        ready.set()
        log = []

        async def worker(name):
            await gio_await(lock.acquire_async, None)
            try:
                log.append(f"{name} in")
                # Some asynchronous work while holding the lock: a wait on
                # a set event completes on a later main-loop iteration.
                await gio_await(ready.wait_async, None)
            finally:
                log.append(f"{name} out")
                lock.release()
            return name

        async def main_coroutine():
            tasks = [spawn(worker(i)) for i in range(3)]
            return await gather(*tasks)

        self.assertEqual(run(main_coroutine(), self.context), [0, 1, 2])
        self.assertEqual(log, ["0 in", "0 out", "1 in", "1 out", "2 in", "2 out"])
        self.assertFalse(lock.is_locked())

    def test_event_with_five_waiters(self):
        event = AsyncSync.Event()
        log = []

        async def waiter(i):
            log.append(f"waiting {i}")
            await gio_await(event.wait_async, None)
            log.append(f"received {i}")

        async def main_coroutine():
            tasks = [spawn(waiter(i)) for i in range(5)]
            log.append("set")
            event.set()
            await gather(*tasks)

        run(main_coroutine(), self.context)
        self.assertEqual(log, [f"waiting {i}" for i in range(5)] + ["set"] +
                         [f"received {i}" for i in range(5)])

    def test_errors_are_raised_at_the_await(self):
        async def main_coroutine():
            lock = AsyncSync.Lock()
            lock.try_acquire()
            cancellable = Gio.Cancellable()
            pending = gio_await(lock.acquire_async, cancellable)
            cancellable.cancel()
            try:
                await pending
            except GLib.Error as e:
                return e

        error = run(main_coroutine(), self.context)
        self.assertCancelled(error)

    def test_wait_for_with_a_predicate_in_a_coroutine(self):
        cond = AsyncSync.Condition()
        items = []

        async def consumer():
            await gio_await(cond.acquire_async, None)
            try:
                await gio_await(cond.wait_for_async, lambda _data: len(items) > 0,
                                cancellable=None)
                return items.pop(0)
            finally:
                cond.release()

        async def producer():
            await gio_await(cond.acquire_async, None)
            items.append("apple")
            cond.notify(1)
            cond.release()

        async def main_coroutine():
            got = spawn(consumer())
            await producer()
            return await got

        self.assertEqual(run(main_coroutine(), self.context), "apple")


if __name__ == "__main__":
    main()
