#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Lock as asyncio.Lock: the idioms of CPython's test_locks.py
(LockTests), cancellation at each point of the grant race, asyncio's
timeouts, TaskGroup, and the names the blocking API shares with asyncio."""

import asyncio
import re
import warnings

from asyncio_testcase import AsyncioTestCase, AsyncSync, Gio, GLib, main

# asyncio's repr extras, after PyGObject's own repr.
REPR = re.compile(r"^<AsyncSync\.Lock object at 0x[0-9a-f]+ \(AsyncSyncLock at 0x[0-9a-f]+\) "
                  r"\[(?P<extras>[^]]*)\]>$")


class LockTests(AsyncioTestCase):
    async def test_repr_says_locked_and_waiters(self):
        lock = AsyncSync.Lock()
        self.assertEqual(REPR.match(repr(lock))["extras"], "unlocked")
        await lock.acquire()
        self.assertEqual(REPR.match(repr(lock))["extras"], "locked")
        waiter = asyncio.create_task(lock.acquire())
        await asyncio.sleep(0)
        self.assertEqual(REPR.match(repr(lock))["extras"], "locked, waiters:1")
        lock.release()
        self.assertTrue(await waiter)
        lock.release()

    async def test_acquire_returns_true_and_release_frees(self):
        lock = AsyncSync.Lock()
        self.assertFalse(lock.locked())
        self.assertTrue(await lock.acquire())
        self.assertTrue(lock.locked())
        self.assertTrue(lock.is_locked())  # the GI name still works
        lock.release()
        self.assertFalse(lock.locked())

    async def test_async_with_holds_the_lock_in_the_block_only(self):
        lock = AsyncSync.Lock()
        async with lock:
            self.assertTrue(lock.locked())
        self.assertFalse(lock.locked())

    async def test_async_with_releases_when_the_block_raises(self):
        lock = AsyncSync.Lock()
        with self.assertRaises(ZeroDivisionError):
            async with lock:
                1 / 0
        self.assertFalse(lock.locked())

    async def test_waiters_get_the_lock_in_fifo_order(self):
        # CPython's test_acquire: three tasks wait; releases serve them in order.
        lock = AsyncSync.Lock()
        result = []
        await lock.acquire()

        async def c(n):
            await lock.acquire()
            result.append(n)
            return True

        tasks = [asyncio.create_task(c(n)) for n in (1, 2, 3)]
        await asyncio.sleep(0)
        self.assertEqual(lock.get_n_waiting(), 3)
        self.assertEqual(result, [])
        for n in (1, 2, 3):
            lock.release()
            await tasks[n - 1]
            self.assertEqual(result, list(range(1, n + 1)))
        lock.release()
        self.assertFalse(lock.locked())

    async def test_many_tasks_each_hold_it_alone_across_awaits(self):
        lock = AsyncSync.Lock()
        holders = []
        order = []

        async def worker(i):
            async with lock:
                holders.append(i)
                self.assertEqual(len(holders), 1)
                order.append(i)
                await asyncio.sleep(0)
                await asyncio.sleep(0)
                holders.remove(i)

        await asyncio.gather(*(worker(i) for i in range(200)))
        self.assertEqual(order, list(range(200)))
        self.assertFalse(lock.locked())

    async def test_no_barging_while_someone_waits(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        waiter = asyncio.create_task(lock.acquire())
        await asyncio.sleep(0)
        lock.release()  # handed to the waiter at once
        self.assertTrue(lock.locked())
        self.assertFalse(lock.try_acquire())
        late = asyncio.create_task(lock.acquire())
        await waiter
        self.assertFalse(late.done())
        lock.release()
        await late
        lock.release()

    async def test_release_of_a_free_lock_raises_runtime_error(self):
        lock = AsyncSync.Lock()
        with self.assertRaises(RuntimeError) as caught:
            lock.release()
        self.assertGLibError(caught.exception, AsyncSync.error_quark(), AsyncSync.Error.NOT_LOCKED)

    # cancellation

    async def test_cancelled_while_queued_takes_nothing(self):
        # CPython's test_acquire_cancel.
        lock = AsyncSync.Lock()
        self.assertTrue(await lock.acquire())
        task = asyncio.create_task(lock.acquire())
        asyncio.get_running_loop().call_soon(task.cancel)
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertEqual(lock.get_n_waiting(), 0)
        lock.release()
        self.assertFalse(lock.locked())

    async def test_cancelled_before_it_ran_never_queues(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        task = asyncio.create_task(lock.acquire())
        task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertEqual(lock.get_n_waiting(), 0)
        lock.release()

    async def test_cancel_race_goes_on_to_the_next_waiter(self):
        # CPython's test_cancel_race: B is cancelled while A releases; C
        # must get the lock.
        lock = AsyncSync.Lock()

        async def lockit(blocker):
            await lock.acquire()
            try:
                if blocker is not None:
                    await blocker
            finally:
                lock.release()

        fa = asyncio.get_running_loop().create_future()
        ta = asyncio.create_task(lockit(fa))
        await self.until(lock.locked)
        tb = asyncio.create_task(lockit(None))
        await asyncio.sleep(0)
        tc = asyncio.create_task(lockit(None))
        await asyncio.sleep(0)
        self.assertEqual(lock.get_n_waiting(), 2)

        fa.set_result(None)
        tb.cancel()
        await ta
        with self.assertRaises(asyncio.CancelledError):
            await tb
        await tc
        self.assertFalse(lock.locked())

    async def test_cancel_then_release_takes_one_lock(self):
        # CPython's test_cancel_release_race (bpo-32734): t1 cancelled and
        # the lock released in the same callback: only t2 gets it.
        lock = AsyncSync.Lock()
        lock_count = 0

        async def lockit():
            nonlocal lock_count
            await lock.acquire()
            lock_count += 1

        def trigger():
            t1.cancel()
            lock.release()

        await lock.acquire()
        t1, t2, t3 = (asyncio.create_task(lockit()) for _ in range(3))
        await asyncio.sleep(0)
        asyncio.get_running_loop().call_soon(trigger)
        with self.assertRaises(asyncio.CancelledError):
            await t1
        await t2
        self.assertEqual(lock_count, 1)
        self.assertTrue(lock.locked())
        t3.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await t3
        lock.release()
        self.assertFalse(lock.locked())

    async def test_granted_then_cancelled_passes_the_lock_on(self):
        # CPython's test_finished_waiter_cancelled, with the grant first:
        # release() hands the lock to tb, then tb is cancelled before it
        # ran.  tb raises CancelledError and tc gets the lock.
        lock = AsyncSync.Lock()
        await lock.acquire()
        tb = asyncio.create_task(lock.acquire())
        await asyncio.sleep(0)
        tc = asyncio.create_task(lock.acquire())
        await asyncio.sleep(0)
        lock.release()
        self.assertEqual(lock.get_n_waiting(), 1)  # granted to tb
        tb.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await tb
        self.assertTrue(await tc)
        self.assertTrue(lock.locked())
        self.assertEqual(lock.get_n_waiting(), 0)
        lock.release()
        self.assertFalse(lock.locked())

    async def test_cancelled_after_its_completion_arrived_passes_the_lock_on(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        tb = asyncio.create_task(lock.acquire())
        await asyncio.sleep(0)
        lock.release()
        # Let the completion reach the loop, without letting tb run.
        await self.until(lambda: not lock.get_n_waiting())
        tb.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await tb
        self.assertFalse(lock.locked())

    async def test_cancelled_twice_while_waiting_raises_once_and_leaks_nothing(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        task = asyncio.create_task(lock.acquire())
        await asyncio.sleep(0)
        task.cancel("first")
        lock.release()
        task.cancel("second")
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertFalse(lock.locked())

    # timeouts

    async def test_asyncio_timeout_on_a_held_lock(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.02):
                await lock.acquire()
        self.assertEqual(lock.get_n_waiting(), 0)
        self.assertTrue(lock.locked())
        lock.release()
        self.assertFalse(lock.locked())

    async def test_asyncio_timeout_around_async_with(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        entered = False
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.02):
                async with lock:
                    entered = True
        self.assertFalse(entered)
        lock.release()
        self.assertFalse(lock.locked())

    async def test_asyncio_timeout_that_does_not_expire(self):
        lock = AsyncSync.Lock()
        async with asyncio.timeout(10):
            async with lock:
                pass
        self.assertFalse(lock.locked())

    async def test_wait_for_on_a_held_lock(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        with self.assertRaises(TimeoutError):
            await asyncio.wait_for(lock.acquire(), 0.02)
        self.assertEqual(lock.get_n_waiting(), 0)
        lock.release()
        self.assertTrue(await asyncio.wait_for(lock.acquire(), 10))
        lock.release()

    async def test_async_sync_timeout_as_the_cancellable(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        with self.assertRaises(TimeoutError) as caught:
            await lock.acquire(AsyncSync.Timeout.new(20))
        self.assertTimedOut(caught.exception)
        self.assertEqual(lock.get_n_waiting(), 0)
        # Granted before its deadline: succeeds.
        waiter = asyncio.create_task(lock.acquire(cancellable=AsyncSync.Timeout.new(10_000)))
        await asyncio.sleep(0)
        lock.release()
        self.assertTrue(await waiter)
        lock.release()

    async def test_an_expired_timeout_fails_at_once_even_on_a_free_lock(self):
        lock = AsyncSync.Lock()
        with self.assertRaises(TimeoutError):
            await lock.acquire(AsyncSync.Timeout.new_at(0))
        self.assertFalse(lock.locked())

    async def test_a_timeout_shared_by_two_operations_is_not_cancelled_by_the_task(self):
        # The override cancels a cancellable of its own, never the caller's.
        lock = AsyncSync.Lock()
        await lock.acquire()
        deadline = AsyncSync.Timeout.new(10_000)
        task = asyncio.create_task(lock.acquire(deadline))
        await asyncio.sleep(0)
        task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertFalse(deadline.is_cancelled())
        lock.release()

    async def test_a_cancellable_cancelled_by_hand_raises_glib_error_not_cancelled_error(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        cancellable = Gio.Cancellable()
        asyncio.get_running_loop().call_soon(cancellable.cancel)
        with self.assertRaises(GLib.Error) as caught:
            await lock.acquire(cancellable)
        self.assertCancelledByCancellable(caught.exception)
        self.assertFalse(asyncio.current_task().cancelling())
        lock.release()

    async def test_a_cancelled_cancellable_fails_at_once_even_on_a_free_lock(self):
        lock = AsyncSync.Lock()
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as caught:
            await lock.acquire(cancellable)
        self.assertCancelledByCancellable(caught.exception)
        self.assertFalse(lock.locked())
        with self.assertRaises(GLib.Error):
            async with asyncio.timeout(10):
                await lock.acquire_async(cancellable)
        self.assertFalse(lock.locked())

    # TaskGroup

    async def test_task_group_cancels_waiters_when_a_task_fails(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        acquired = []

        async def waiter():
            async with lock:
                acquired.append(True)

        async def failing():
            await asyncio.sleep(0)
            raise ZeroDivisionError

        with self.assertRaises(ExceptionGroup) as caught:
            async with asyncio.TaskGroup() as group:
                for _ in range(5):
                    group.create_task(waiter())
                group.create_task(failing())
        self.assertTrue(caught.exception.subgroup(ZeroDivisionError))
        self.assertEqual(acquired, [])
        self.assertEqual(lock.get_n_waiting(), 0)
        lock.release()
        self.assertFalse(lock.locked())

    async def test_task_group_create_task_takes_the_awaitable(self):
        lock = AsyncSync.Lock()
        async with asyncio.TaskGroup() as group:
            task = group.create_task(lock.acquire())
        self.assertTrue(task.result())
        lock.release()

    # the names the blocking API shares with asyncio

    async def test_await_acquire_as_in_asyncio_does_not_block_the_loop(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        other = asyncio.create_task(self._release_soon(lock))
        # Written as asyncio code is: must wait without blocking the loop,
        # or `other` could never release it.
        self.assertTrue(await lock.acquire())
        await other
        lock.release()

    @staticmethod
    async def _release_soon(lock):
        await asyncio.sleep(0.01)
        lock.release()

    async def test_acquire_async_without_callback_is_awaitable(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        waiter = asyncio.create_task(lock.acquire_async())
        await asyncio.sleep(0)
        lock.release()
        self.assertTrue(await waiter)
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.01):
                await lock.acquire_async(None)
        lock.release()

    async def test_acquire_used_as_a_truth_value_warns_at_once_and_takes_nothing(self):
        # The blocking API's idiom, on the loop's thread: never blocks it.
        lock = AsyncSync.Lock()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if lock.acquire(None):
                self.assertEqual(len(caught), 1)  # at once, not at the next GC
        self.assertIn("await x.acquire(", str(caught[0].message))
        self.assertFalse(lock.locked())

    async def test_acquire_never_awaited_warns_and_takes_nothing(self):
        lock = AsyncSync.Lock()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lock.acquire()
        self.assertEqual([w.category for w in caught], [RuntimeWarning])
        self.assertIn("never awaited", str(caught[0].message))
        self.assertFalse(lock.locked())

    async def test_blocking_acquire_in_a_worker_thread_waits_for_a_task(self):
        lock = AsyncSync.Lock()
        await lock.acquire()
        worker = asyncio.create_task(asyncio.to_thread(lock.acquire, None))
        await self.until(lambda: lock.get_n_waiting() == 1, "the worker to queue")
        lock.release()
        self.assertTrue(await worker)  # GI's blocking call: returns True
        self.assertTrue(lock.locked())
        await asyncio.to_thread(lock.release)
        self.assertFalse(lock.locked())

    async def test_callback_form_still_works_where_a_glib_context_runs(self):
        # The GIO callback API completes on the thread-default context:
        # from a worker thread that runs one, it works as in C.
        lock = AsyncSync.Lock()
        await lock.acquire()

        def in_a_thread():
            context = GLib.MainContext.new()
            context.push_thread_default()
            results = []
            lock.acquire_async(None, lambda l, r: results.append(l.acquire_finish(r)))
            while not results:
                context.iteration(True)
            context.pop_thread_default()
            lock.release()
            return results[0]

        worker = asyncio.create_task(asyncio.to_thread(in_a_thread))
        await self.until(lambda: lock.get_n_waiting() == 1)
        lock.release()
        self.assertTrue(await worker)
        self.assertFalse(lock.locked())

    async def test_new_and_the_constructor_make_the_same_lock(self):
        for lock in (AsyncSync.Lock(), AsyncSync.Lock.new()):
            async with lock:
                self.assertTrue(lock.locked())


if __name__ == "__main__":
    main()
