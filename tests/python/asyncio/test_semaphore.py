#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Semaphore and BoundedSemaphore as asyncio's: the idioms of
CPython's test_locks.py (SemaphoreTests), permits that a cancellation
never leaks, and weighted permits."""

import asyncio
import re

from asyncio_testcase import AsyncioTestCase, AsyncSync, main

REPR = re.compile(r"^<AsyncSync\.(Bounded)?Semaphore object at .*\) \[(?P<extras>[^]]*)\]>$")


class SemaphoreTests(AsyncioTestCase):
    async def test_constructors_as_in_asyncio_and_gi(self):
        self.assertEqual(AsyncSync.Semaphore().get_value(), 1)
        self.assertEqual(AsyncSync.Semaphore(3).get_value(), 3)
        self.assertEqual(AsyncSync.Semaphore(value=0).get_value(), 0)
        self.assertEqual(AsyncSync.Semaphore.new(2).get_value(), 2)
        self.assertEqual(AsyncSync.BoundedSemaphore(3).get_bound(), 3)
        self.assertEqual(AsyncSync.BoundedSemaphore().get_bound(), 1)
        self.assertEqual(AsyncSync.BoundedSemaphore.new(2).get_bound(), 2)

    async def test_a_negative_initial_value_raises_value_error(self):
        # As asyncio.Semaphore(-1) does, on every PyGObject.
        for cls in (AsyncSync.Semaphore, AsyncSync.BoundedSemaphore):
            with self.assertRaises(ValueError):
                cls(-1)
            with self.assertRaises(ValueError):
                cls(value=-1)

    async def test_repr(self):
        sem = AsyncSync.Semaphore(2)
        self.assertEqual(REPR.match(repr(sem))["extras"], "unlocked, value:2")
        await sem.acquire()
        await sem.acquire()
        self.assertEqual(REPR.match(repr(sem))["extras"], "locked, value:0")
        waiter = asyncio.create_task(sem.acquire())
        await asyncio.sleep(0)
        self.assertEqual(REPR.match(repr(sem))["extras"], "locked, value:0, waiters:1")
        sem.release()
        await waiter

    async def test_async_with_limits_concurrency(self):
        sem = AsyncSync.Semaphore(3)
        running = []
        peak = 0

        async def job(i):
            nonlocal peak
            async with sem:
                running.append(i)
                peak = max(peak, len(running))
                await asyncio.sleep(0)
                running.remove(i)

        await asyncio.gather(*(job(i) for i in range(50)))
        self.assertEqual(peak, 3)
        self.assertEqual(sem.get_value(), 3)

    async def test_acquire_fifo_order(self):
        sem = AsyncSync.Semaphore(0)
        result = []

        async def c(n):
            await sem.acquire()
            result.append(n)

        tasks = [asyncio.create_task(c(n)) for n in range(5)]
        await asyncio.sleep(0)
        self.assertEqual(sem.get_n_waiting(), 5)
        sem.release_many(5)
        await asyncio.gather(*tasks)
        self.assertEqual(result, [0, 1, 2, 3, 4])
        self.assertTrue(sem.locked())
        self.assertEqual(sem.get_value(), 0)

    async def test_cancelled_before_awoken_leaves_the_permit(self):
        # CPython's test_acquire_cancel_before_awoken and test_acquire_hang.
        sem = AsyncSync.Semaphore(value=0)
        t1, t2, t3, t4 = (asyncio.create_task(sem.acquire()) for _ in range(4))
        await asyncio.sleep(0)
        t1.cancel()
        t2.cancel()
        sem.release()
        self.assertTrue(await t3)
        self.assertFalse(t4.done())
        self.assertTrue(sem.locked())
        t4.cancel()
        for t in (t1, t2, t4):
            with self.assertRaises(asyncio.CancelledError):
                await t
        self.assertEqual(sem.get_value(), 0)
        self.assertEqual(sem.get_n_waiting(), 0)

    async def test_granted_then_cancelled_passes_the_permit_on(self):
        sem = AsyncSync.Semaphore(value=0)
        t1 = asyncio.create_task(sem.acquire())
        t2 = asyncio.create_task(sem.acquire())
        await asyncio.sleep(0)
        sem.release()  # the permit goes to t1
        self.assertEqual(sem.get_n_waiting(), 1)
        t1.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await t1
        self.assertTrue(await t2)  # t1 handed it on
        self.assertEqual(sem.get_value(), 0)

    async def test_no_hang_when_the_holder_cancels_the_next(self):
        # CPython's test_acquire_no_hang.
        sem = AsyncSync.Semaphore(1)

        async def c1():
            async with sem:
                await asyncio.sleep(0)
            t2.cancel()

        async def c2():
            async with sem:
                self.fail("c2 was cancelled")

        t1 = asyncio.create_task(c1())
        t2 = asyncio.create_task(c2())
        r1, r2 = await asyncio.gather(t1, t2, return_exceptions=True)
        self.assertIsNone(r1)
        self.assertIsInstance(r2, asyncio.CancelledError)
        await asyncio.wait_for(sem.acquire(), timeout=10)
        self.assertEqual(sem.get_value(), 0)

    async def test_release_no_waiters_and_locked(self):
        sem = AsyncSync.Semaphore()
        await sem.acquire()
        self.assertTrue(sem.locked())
        sem.release()
        self.assertFalse(sem.locked())
        sem.release()  # a plain semaphore takes any number of releases
        self.assertEqual(sem.get_value(), 2)

    async def test_bounded_semaphore_release_above_the_bound_raises_value_error(self):
        sem = AsyncSync.BoundedSemaphore()
        with self.assertRaises(ValueError) as caught:
            sem.release()
        self.assertGLibError(caught.exception, AsyncSync.error_quark(), AsyncSync.Error.VALUE)
        self.assertEqual(sem.get_value(), 1)
        async with sem:
            self.assertTrue(sem.locked())
        self.assertEqual(sem.get_value(), 1)

    async def test_bounded_semaphore_race_never_exceeds_the_bound(self):
        sem = AsyncSync.BoundedSemaphore(1)
        await sem.acquire()
        t1 = asyncio.create_task(sem.acquire())
        await asyncio.sleep(0)
        sem.release()
        t1.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await t1
        self.assertEqual(sem.get_value(), 1)  # given back: not 0, not 2

    async def test_timeouts(self):
        sem = AsyncSync.Semaphore(0)
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.01):
                await sem.acquire()
        with self.assertRaises(TimeoutError):
            await asyncio.wait_for(sem.acquire(), 0.01)
        with self.assertRaises(TimeoutError):
            await sem.acquire(AsyncSync.Timeout.new(10))
        self.assertEqual(sem.get_n_waiting(), 0)

    # weighted permits

    async def test_acquire_many_waits_for_enough_permits(self):
        sem = AsyncSync.Semaphore(2)
        big = asyncio.create_task(sem.acquire_many(3))
        await asyncio.sleep(0)
        self.assertFalse(big.done())
        sem.release()
        self.assertTrue(await big)
        self.assertEqual(sem.get_value(), 0)
        sem.release_many(3)
        self.assertEqual(sem.get_value(), 3)

    async def test_acquire_many_granted_then_cancelled_gives_all_back(self):
        sem = AsyncSync.Semaphore(0)
        big = asyncio.create_task(sem.acquire_many(3))
        small = asyncio.create_task(sem.acquire())
        await asyncio.sleep(0)
        sem.release_many(3)  # all three to `big`; `small` still waits
        self.assertEqual(sem.get_n_waiting(), 1)
        big.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await big
        self.assertTrue(await small)
        self.assertEqual(sem.get_value(), 2)

    async def test_acquire_many_async_without_callback_is_awaitable(self):
        sem = AsyncSync.Semaphore(0)
        task = asyncio.create_task(sem.acquire_many_async(2))
        await asyncio.sleep(0)
        sem.release_many(2)
        self.assertTrue(await task)
        sem.release()
        self.assertTrue(await sem.acquire_async(None))
        self.assertEqual(sem.get_value(), 0)


if __name__ == "__main__":
    main()
