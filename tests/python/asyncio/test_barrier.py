#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Barrier as asyncio.Barrier: the idioms of CPython's
test_locks.py (BarrierTests)."""

import asyncio
import re

from asyncio_testcase import AsyncioTestCase, AsyncSync, main

REPR = re.compile(r"^<AsyncSync\.Barrier object at .*\) \[(?P<extras>[^]]*)\]>$")


class BarrierTests(AsyncioTestCase):
    async def test_constructor_and_properties(self):
        barrier = AsyncSync.Barrier(3)
        self.assertEqual((barrier.parties, barrier.n_waiting, barrier.broken), (3, 0, False))
        self.assertEqual(AsyncSync.Barrier.new(2).parties, 2)
        self.assertEqual(AsyncSync.Barrier(parties=4).parties, 4)
        with self.assertRaises(ValueError):
            AsyncSync.Barrier(0)
        self.assertEqual(REPR.match(repr(barrier))["extras"], "filling, waiters:0/3")

    async def test_each_party_gets_a_unique_index_per_cycle(self):
        barrier = AsyncSync.Barrier(3)
        for _ in range(3):  # reusable
            indices = await asyncio.gather(*(barrier.wait() for _ in range(3)))
            self.assertEqual(sorted(indices), [0, 1, 2])
        self.assertEqual(barrier.n_waiting, 0)
        self.assertFalse(barrier.broken)

    async def test_filling_task_by_task(self):
        barrier = AsyncSync.Barrier(3)
        t1 = asyncio.create_task(barrier.wait())
        await asyncio.sleep(0)
        self.assertEqual(barrier.n_waiting, 1)
        t2 = asyncio.create_task(barrier.wait())
        await asyncio.sleep(0)
        self.assertEqual(barrier.n_waiting, 2)
        self.assertFalse(t1.done())
        t3 = asyncio.create_task(barrier.wait())
        self.assertEqual(sorted(await asyncio.gather(t1, t2, t3)), [0, 1, 2])

    async def test_a_cancelled_party_leaves_the_count(self):
        barrier = AsyncSync.Barrier(2)
        t1 = asyncio.create_task(barrier.wait())
        await asyncio.sleep(0)
        t1.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await t1
        self.assertEqual(barrier.n_waiting, 0)
        self.assertEqual(sorted(await asyncio.gather(barrier.wait(), barrier.wait())), [0, 1])

    async def test_abort_breaks_waiting_and_later_parties(self):
        barrier = AsyncSync.Barrier(3)
        waiting = [asyncio.create_task(barrier.wait()) for _ in range(2)]
        await asyncio.sleep(0)
        await barrier.abort()  # a plain call in C; awaitable as in asyncio
        self.assertTrue(barrier.broken)
        for t in waiting:
            with self.assertRaises(asyncio.BrokenBarrierError) as caught:
                await t
            self.assertGLibError(caught.exception, AsyncSync.error_quark(),
                                 AsyncSync.Error.BROKEN_BARRIER)
        with self.assertRaises(asyncio.BrokenBarrierError):
            await barrier.wait()
        await barrier.reset()
        self.assertFalse(barrier.broken)
        self.assertEqual(sorted(await asyncio.gather(*(barrier.wait() for _ in range(3)))),
                         [0, 1, 2])

    async def test_reset_while_tasks_wait_breaks_them(self):
        barrier = AsyncSync.Barrier(3)
        waiting = [asyncio.create_task(barrier.wait()) for _ in range(2)]
        await asyncio.sleep(0)
        barrier.reset()  # without await, as GI code calls it
        results = await asyncio.gather(*waiting, return_exceptions=True)
        self.assertTrue(all(isinstance(r, asyncio.BrokenBarrierError) for r in results))
        self.assertFalse(barrier.broken)

    async def test_timeout_leaves_the_count(self):
        barrier = AsyncSync.Barrier(2)
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.02):
                await barrier.wait()
        with self.assertRaises(TimeoutError):
            await barrier.wait(AsyncSync.Timeout.new(10))
        self.assertEqual(barrier.n_waiting, 0)

    async def test_wait_async_without_callback_gives_the_index(self):
        barrier = AsyncSync.Barrier(2)
        self.assertEqual(sorted(await asyncio.gather(barrier.wait_async(), barrier.wait_async())),
                         [0, 1])


if __name__ == "__main__":
    main()
