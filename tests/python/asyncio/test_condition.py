#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Condition as asyncio.Condition: the idioms of CPython's
test_locks.py (ConditionTests), and wake-ups that are never lost to a
cancellation."""

import asyncio
import re

from asyncio_testcase import AsyncioTestCase, AsyncSync, main

REPR = re.compile(r"^<AsyncSync\.Condition object at .*\) \[(?P<extras>[^]]*)\]>$")


class ConditionTests(AsyncioTestCase):
    async def test_wait_and_notify_one_at_a_time_in_order(self):
        cond = AsyncSync.Condition()
        result = []

        async def c(n):
            async with cond:
                if await cond.wait():
                    result.append(n)
                    return True

        tasks = [asyncio.create_task(c(n)) for n in (1, 2, 3)]
        await self.until(lambda: cond.get_n_waiting() == 3)
        self.assertFalse(cond.locked())
        for n in (1, 2, 3):
            async with cond:
                cond.notify()
            await tasks[n - 1]
            self.assertEqual(result, list(range(1, n + 1)))

    async def test_notify_n_and_notify_all(self):
        cond = AsyncSync.Condition()
        woken = []

        async def c(n):
            async with cond:
                await cond.wait()
                woken.append(n)

        tasks = [asyncio.create_task(c(n)) for n in range(5)]
        await self.until(lambda: cond.get_n_waiting() == 5)
        async with cond:
            cond.notify(2)
        await self.until(lambda: len(woken) == 2)
        self.assertEqual(cond.get_n_waiting(), 3)
        async with cond:
            cond.notify_all()
        await asyncio.gather(*tasks)
        self.assertEqual(woken, [0, 1, 2, 3, 4])

    async def test_wait_for_rechecks_the_predicate(self):
        cond = AsyncSync.Condition()
        ready = False
        calls = []

        def predicate():
            calls.append(ready)
            return ready

        async def waiter():
            async with cond:
                self.assertTrue(await cond.wait_for(predicate))
                self.assertTrue(cond.locked())

        task = asyncio.create_task(waiter())
        await self.until(lambda: cond.get_n_waiting() == 1)
        async with cond:
            cond.notify()  # still false: waits again
        await self.until(lambda: len(calls) == 2 and cond.get_n_waiting() == 1)
        async with cond:
            ready = True
            cond.notify()
        await task
        self.assertEqual(calls, [False, False, True])

    async def test_wait_without_the_lock_raises_runtime_error(self):
        cond = AsyncSync.Condition()
        with self.assertRaises(RuntimeError):
            await cond.wait()
        with self.assertRaises(RuntimeError):
            await cond.wait_for(lambda: False)
        with self.assertRaises(RuntimeError):
            cond.notify()

    async def test_repr_and_context_manager(self):
        cond = AsyncSync.Condition()
        self.assertEqual(REPR.match(repr(cond))["extras"], "unlocked")
        async with cond:
            self.assertTrue(cond.locked())
            self.assertEqual(REPR.match(repr(cond))["extras"], "locked")
        self.assertFalse(cond.locked())

    async def test_explicit_lock_is_shared(self):
        lock = AsyncSync.Lock()
        cond = AsyncSync.Condition(lock)
        self.assertIs(cond.get_lock(), lock)
        async with lock:
            self.assertTrue(cond.locked())
        self.assertEqual(AsyncSync.Condition(lock=lock).get_lock(), lock)

    async def test_cancelled_wait_holds_the_lock_again(self):
        # CPython's test_wait_cancel.
        cond = AsyncSync.Condition()
        await cond.acquire()
        wait = asyncio.create_task(cond.wait())
        asyncio.get_running_loop().call_soon(wait.cancel)
        with self.assertRaises(asyncio.CancelledError):
            await wait
        self.assertEqual(cond.get_n_waiting(), 0)
        self.assertTrue(cond.locked())
        cond.release()

    async def test_cancelled_while_the_lock_is_contested_waits_for_it(self):
        # CPython's test_wait_cancel_contested: cancelled while the lock it
        # must take back is held: it still ends with the lock.
        cond = AsyncSync.Condition()
        await cond.acquire()
        wait_task = asyncio.create_task(cond.wait())
        await self.until(lambda: not cond.locked())
        await cond.acquire()
        cond.notify()
        wait_task.cancel()
        asyncio.get_running_loop().call_soon(cond.release)
        with self.assertRaises(asyncio.CancelledError):
            await wait_task
        self.assertTrue(cond.locked())
        cond.release()

    async def test_cancelled_error_is_reraised_unmodified(self):
        # CPython's test_cancelled_error_wakeup and _re_aquire.
        for notified in (False, True):
            cond = AsyncSync.Condition()
            raised = None
            wake = False

            async def func():
                nonlocal raised
                async with cond:
                    try:
                        await cond.wait_for(lambda: wake)
                    except asyncio.CancelledError as e:
                        raised = e
                        raise

            task = asyncio.create_task(func())
            await self.until(lambda: cond.get_n_waiting() == 1)
            if notified:
                await cond.acquire()
                wake = True
                cond.notify()
                task.cancel(msg="foo")
                cond.release()
            else:
                task.cancel(msg="foo")
            with self.assertRaises(asyncio.CancelledError) as caught:
                await task
            self.assertEqual(caught.exception.args, ("foo",))
            self.assertIs(caught.exception, raised)
            self.assertFalse(cond.locked())

    async def test_a_wake_up_cancelled_on_its_way_goes_to_the_next_waiter(self):
        # CPython's test_cancelled_wakeup (and what asyncio 3.11 loses: the
        # notification of a waiter cancelled after notify()).
        for yield_before_cancel in (False, True):
            condition = AsyncSync.Condition()
            state = 0

            async def consumer():
                nonlocal state
                async with condition:
                    while True:
                        await condition.wait_for(lambda: state != 0)
                        if state < 0:
                            return
                        state -= 1
                        condition.notify_all()  # for the producer's wait_for

            c = [asyncio.create_task(consumer()) for _ in range(2)]
            await self.until(lambda: condition.get_n_waiting() == 2)
            async with condition:
                state += 1
                condition.notify(1)
                if yield_before_cancel:
                    await asyncio.sleep(0)
                c[0].cancel()
                # Without a lost wake-up, c[1] consumes the item.
                await condition.wait_for(lambda: state == 0)
                state = -1
                condition.notify_all()
            await c[1]
            with self.assertRaises(asyncio.CancelledError):
                await c[0]
            self.assertFalse(condition.locked())

    async def test_timeout_in_the_block_keeps_the_lock_for_async_with(self):
        cond = AsyncSync.Condition()
        async with cond:
            with self.assertRaises(TimeoutError):
                await asyncio.wait_for(cond.wait(), timeout=0.02)
            self.assertTrue(cond.locked())
            with self.assertRaises(TimeoutError):
                async with asyncio.timeout(0.02):
                    await cond.wait()
            self.assertTrue(cond.locked())
            with self.assertRaises(TimeoutError):
                await cond.wait(AsyncSync.Timeout.new(20))
            self.assertTrue(cond.locked())
        self.assertFalse(cond.locked())
        self.assertEqual(cond.get_n_waiting(), 0)

    async def test_async_forms_of_the_gi_names(self):
        cond = AsyncSync.Condition()
        self.assertTrue(await cond.acquire_async())
        waiter = asyncio.create_task(cond.wait_for_async(lambda data: data == "ok", ("ok",)))
        self.assertTrue(await waiter)  # true at once: no wait
        task = asyncio.create_task(cond.wait_async())
        await self.until(lambda: cond.get_n_waiting() == 1)
        await cond.acquire()
        cond.notify()
        cond.release()
        self.assertTrue(await task)
        cond.release()


if __name__ == "__main__":
    main()
