#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Event as asyncio.Event: the idioms of CPython's test_locks.py
(EventTests), cancellation and timeouts."""

import asyncio
import re

from asyncio_testcase import AsyncioTestCase, AsyncSync, main

REPR = re.compile(r"^<AsyncSync\.Event object at .*\) \[(?P<extras>[^]]*)\]>$")


class EventTests(AsyncioTestCase):
    async def test_repr_says_set_and_waiters(self):
        event = AsyncSync.Event()
        self.assertEqual(REPR.match(repr(event))["extras"], "unset")
        waiter = asyncio.create_task(event.wait())
        await asyncio.sleep(0)
        self.assertEqual(REPR.match(repr(event))["extras"], "unset, waiters:1")
        event.set()
        self.assertEqual(REPR.match(repr(event))["extras"], "set")
        await waiter

    async def test_set_wakes_every_waiter_in_order(self):
        event = AsyncSync.Event()
        result = []

        async def c(n):
            if await event.wait():
                result.append(n)

        tasks = [asyncio.create_task(c(n)) for n in range(1, 6)]
        await asyncio.sleep(0)
        self.assertEqual(event.get_n_waiting(), 5)
        self.assertEqual(result, [])
        event.set()
        await asyncio.gather(*tasks)
        self.assertEqual(result, [1, 2, 3, 4, 5])

    async def test_wait_on_a_set_event_returns_true_at_once(self):
        event = AsyncSync.Event()
        event.set()
        self.assertTrue(await event.wait())
        self.assertTrue(event.is_set())

    async def test_a_set_clear_pulse_wakes_those_waiting_at_set(self):
        event = AsyncSync.Event()
        waiter = asyncio.create_task(event.wait())
        await asyncio.sleep(0)
        event.set()
        event.clear()
        self.assertTrue(await waiter)
        self.assertFalse(event.is_set())

    async def test_cancelled_wait_leaves_the_queue(self):
        event = AsyncSync.Event()
        waiter = asyncio.create_task(event.wait())
        asyncio.get_running_loop().call_soon(waiter.cancel)
        with self.assertRaises(asyncio.CancelledError):
            await waiter
        self.assertEqual(event.get_n_waiting(), 0)

    async def test_cancelled_after_set_raises_and_takes_no_wake_up_from_others(self):
        event = AsyncSync.Event()
        first = asyncio.create_task(event.wait())
        second = asyncio.create_task(event.wait())
        await asyncio.sleep(0)
        event.set()
        first.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await first
        self.assertTrue(await second)

    async def test_timeout_on_an_unset_event(self):
        event = AsyncSync.Event()
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.01):
                await event.wait()
        with self.assertRaises(TimeoutError):
            await asyncio.wait_for(event.wait(), 0.01)
        with self.assertRaises(TimeoutError) as caught:
            await event.wait(AsyncSync.Timeout.new(10))
        self.assertTimedOut(caught.exception)
        self.assertEqual(event.get_n_waiting(), 0)

    async def test_wait_async_without_callback_is_awaitable(self):
        event = AsyncSync.Event()
        waiter = asyncio.create_task(event.wait_async())
        await asyncio.sleep(0)
        event.set()
        self.assertTrue(await waiter)

    async def test_set_from_another_thread_wakes_the_task(self):
        event = AsyncSync.Event()
        waiter = asyncio.create_task(event.wait())
        await asyncio.sleep(0)
        await asyncio.to_thread(event.set)
        self.assertTrue(await waiter)


if __name__ == "__main__":
    main()
