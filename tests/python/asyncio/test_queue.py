#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Queue as asyncio.Queue: the idioms of CPython's
test_queues.py, any Python value as an item, and items that a cancellation
never drops nor duplicates."""

import asyncio
import re
import sys

from asyncio_testcase import AsyncioTestCase, AsyncSync, Gio, GLib, main

REPR = re.compile(r"^<AsyncSync\.Queue object at .*\) \[(?P<extras>[^]]*)\]>$")
SHUT_DOWN = (asyncio.QueueShutDown,) if sys.version_info >= (3, 13) else ()


class QueueTests(AsyncioTestCase):
    def assertShutDown(self, error):
        self.assertGLibError(error, AsyncSync.error_quark(), AsyncSync.Error.SHUT_DOWN)
        if SHUT_DOWN:
            self.assertIsInstance(error, asyncio.QueueShutDown)

    async def test_constructor_and_basic_state(self):
        q = AsyncSync.Queue()
        self.assertEqual(q.maxsize, 0)
        self.assertTrue(q.empty())
        self.assertFalse(q.full())
        q = AsyncSync.Queue(2)
        self.assertEqual(q.maxsize, 2)
        self.assertEqual(AsyncSync.Queue(maxsize=-1).maxsize, 0)  # as asyncio: unbounded
        q.put_nowait(1)
        q.put_nowait(2)
        self.assertTrue(q.full())
        self.assertEqual(q.qsize(), 2)
        self.assertEqual(REPR.match(repr(q))["extras"], "maxsize=2, qsize=2")
        files = AsyncSync.Queue(item_type=Gio.File, maxsize=16)
        self.assertEqual(files.get_item_type(), Gio.File.__gtype__)
        self.assertEqual(AsyncSync.Queue.new(Gio.File, 3).maxsize, 3)

    async def test_any_python_value_in_fifo_order(self):
        q = AsyncSync.Queue()
        values = [1, "two", (3,), {"four": 4}, None, [5], Gio.File.new_for_path("six")]
        for v in values:
            await q.put(v)
        got = [await q.get() for _ in values]
        self.assertEqual(got[:-1], values[:-1])
        self.assertIs(got[-1], values[-1])  # a GObject goes as itself

    async def test_a_typed_queue_refuses_other_values(self):
        q = AsyncSync.Queue(item_type=Gio.File)
        with self.assertRaises(TypeError):
            await q.put("not a file")
        with self.assertRaises(TypeError):
            q.put_nowait(42)
        with self.assertRaises(GLib.Error) as caught:
            await q.put(Gio.Menu())  # a GObject, of another type
        self.assertGLibError(caught.exception, Gio.io_error_quark(),
                             Gio.IOErrorEnum.INVALID_ARGUMENT)

    async def test_nowait_calls_raise_asyncio_exceptions(self):
        q = AsyncSync.Queue(1)
        with self.assertRaises(asyncio.QueueEmpty):
            q.get_nowait()
        q.put_nowait("a")
        with self.assertRaises(asyncio.QueueFull):
            q.put_nowait("b")
        self.assertEqual(q.get_nowait(), "a")

    async def test_blocking_get_waits_for_a_put(self):
        # CPython's test_blocking_get_wait.
        q = AsyncSync.Queue()
        getter = asyncio.create_task(q.get())
        await asyncio.sleep(0)
        self.assertFalse(getter.done())
        q.put_nowait(1)
        self.assertEqual(await getter, 1)
        self.assertEqual(q.qsize(), 0)  # handed straight to the getter

    async def test_get_with_waiting_putters(self):
        q = AsyncSync.Queue(maxsize=1)
        putters = [asyncio.create_task(q.put(x)) for x in "ab"]
        self.assertEqual(await q.get(), "a")
        self.assertEqual(await q.get(), "b")
        await asyncio.gather(*putters)

    async def test_producer_and_consumer_in_a_task_group(self):
        # CPython's test_why_are_getters_waiting.
        q = AsyncSync.Queue(1)
        got = []

        async def consumer(n):
            for _ in range(n):
                got.append(await q.get())

        async def producer(n):
            for i in range(n):
                await q.put(i)

        async with asyncio.TaskGroup() as tg:
            tg.create_task(producer(50))
            tg.create_task(consumer(50))
        self.assertEqual(got, list(range(50)))

    async def test_task_done_and_join(self):
        q = AsyncSync.Queue()
        for i in range(100):
            q.put_nowait(i)
        accumulator = 0

        async def worker():
            nonlocal accumulator
            while True:
                item = await q.get()
                if item is None:
                    q.task_done()
                    return
                accumulator += item
                q.task_done()

        async with asyncio.TaskGroup() as tg:
            for _ in range(2):
                tg.create_task(worker())
            await q.join()
            self.assertEqual(accumulator, sum(range(100)))
            q.put_nowait(None)
            q.put_nowait(None)
        await q.join()
        await q.join()
        with self.assertRaises(ValueError):
            q.task_done()

    async def test_shutdown(self):
        q = AsyncSync.Queue()
        getter = asyncio.create_task(q.get())
        await asyncio.sleep(0)
        q.shutdown()
        with self.assertRaises(Exception) as caught:
            await getter
        self.assertShutDown(caught.exception)
        for attempt in (q.put("data"), q.get()):
            with self.assertRaises(Exception) as caught:
                await attempt
            self.assertShutDown(caught.exception)
        with self.assertRaises(Exception) as caught:
            q.put_nowait("data")
        self.assertShutDown(caught.exception)
        await q.join()

    async def test_shutdown_lets_the_remaining_items_out(self):
        q = AsyncSync.Queue()
        q.put_nowait("a")
        q.shutdown(immediate=False)
        self.assertEqual(await q.get(), "a")
        with self.assertRaises(Exception) as caught:
            q.get_nowait()
        self.assertShutDown(caught.exception)

    # cancellation: nothing lost, nothing duplicated

    async def test_cancelled_getter_takes_nothing(self):
        # CPython's test_get_cancelled_race.
        q = AsyncSync.Queue()
        t1 = asyncio.create_task(q.get())
        t2 = asyncio.create_task(q.get())
        await asyncio.sleep(0)
        t1.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await t1
        await q.put("a")
        self.assertEqual(await t2, "a")

    async def test_a_getter_cancelled_after_it_got_an_item_keeps_it(self):
        # CPython's test_get_cancel_drop_one_pending_reader: 1 went straight
        # to the reader before the cancel; it must not be dropped.
        q = AsyncSync.Queue()
        reader = asyncio.create_task(q.get())
        await asyncio.sleep(0)
        q.put_nowait(1)
        q.put_nowait(2)
        reader.cancel()
        try:
            result = await reader
        except asyncio.CancelledError:
            result = await q.get()
        self.assertEqual(result, 1)
        self.assertEqual(q.get_nowait(), 2)

    async def test_the_cancellation_is_raised_at_the_next_await(self):
        q = AsyncSync.Queue()
        got = []

        async def consumer():
            while True:
                got.append(await q.get())

        task = asyncio.create_task(consumer())
        await asyncio.sleep(0)
        q.put_nowait("item")   # granted to the consumer...
        task.cancel()          # ...then cancelled
        with self.assertRaises(asyncio.CancelledError):
            await task         # the loop ends: the cancellation was not lost
        self.assertEqual(got, ["item"])
        self.assertTrue(q.empty())

    async def test_many_readers_cancelled_drop_nothing(self):
        # CPython's test_get_cancel_drop_many_pending_readers.
        q = AsyncSync.Queue()
        received = []

        async def reader():
            received.append(await q.get())

        readers = [asyncio.create_task(reader()) for _ in range(3)]
        await asyncio.sleep(0)
        q.put_nowait(1)
        q.put_nowait(2)
        readers[0].cancel()
        await asyncio.gather(readers[0], readers[1], return_exceptions=True)
        readers[2].cancel()
        await asyncio.gather(readers[2], return_exceptions=True)
        while not q.empty():
            received.append(q.get_nowait())
        self.assertEqual(sorted(received), [1, 2])

    async def test_a_putter_cancelled_after_its_put_was_accepted_puts_once(self):
        # CPython's test_put_cancel_drop.
        q = AsyncSync.Queue(1)
        q.put_nowait(1)
        writer = asyncio.create_task(q.put(2))
        await asyncio.sleep(0)
        self.assertEqual(q.get_nowait(), 1)  # lets 2 in
        writer.cancel()
        try:
            await writer
        except asyncio.CancelledError:
            await q.put(2)  # not in the queue: the retry is no duplicate
        self.assertEqual(q.get_nowait(), 2)
        self.assertEqual(q.qsize(), 0)

    async def test_a_putter_cancelled_while_waiting_puts_nothing(self):
        # CPython's test_put_cancelled_race.
        q = AsyncSync.Queue(maxsize=1)
        put_a = asyncio.create_task(q.put("a"))
        put_b = asyncio.create_task(q.put("b"))
        put_c = asyncio.create_task(q.put("X"))
        await asyncio.sleep(0)
        self.assertTrue(await put_a)
        put_c.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await put_c
        self.assertEqual(q.get_nowait(), "a")
        await put_b
        self.assertEqual(q.get_nowait(), "b")
        self.assertTrue(q.empty())

    async def test_timeouts_take_nothing(self):
        # CPython's test_cancelled_getters_not_being_held_in_self_getters.
        q = AsyncSync.Queue(maxsize=1)
        with self.assertRaises(TimeoutError):
            await asyncio.wait_for(q.get(), 0.02)
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.02):
                await q.get()
        with self.assertRaises(TimeoutError):
            await q.get(AsyncSync.Timeout.new(10))
        q.put_nowait("a")
        with self.assertRaises(TimeoutError):
            await asyncio.wait_for(q.put("b"), 0.02)
        self.assertEqual(q.qsize(), 1)
        self.assertEqual(q.get_nowait(), "a")
        self.assertTrue(q.empty())

    async def test_a_timeout_that_fires_after_the_grant_returns_the_item(self):
        q = AsyncSync.Queue()
        scopes = []

        async def timed_get():
            async with asyncio.timeout(None) as scope:
                scopes.append(scope)
                return await q.get()

        consumer = asyncio.create_task(timed_get())
        await self.until(lambda: scopes)
        await asyncio.sleep(0)
        q.put_nowait("item")                # granted first...
        scopes[0].reschedule(asyncio.get_running_loop().time() - 1)  # ...then expired
        self.assertEqual(await consumer, "item")
        self.assertTrue(q.empty())

    async def test_async_forms_of_the_gi_names_and_the_callback_form(self):
        q = AsyncSync.Queue()
        await q.put_async("a")
        self.assertEqual(await q.get_async(), "a")
        joiner = asyncio.create_task(q.join_async())
        await asyncio.sleep(0)
        self.assertFalse(joiner.done())
        q.task_done()
        self.assertTrue(await joiner)
        # The GI-only calls see the box of a Python value.
        q.put_nowait("b")
        box = q.try_get()
        self.assertIsInstance(box, AsyncSync.PythonValue)
        self.assertEqual(box.value, "b")

    async def test_blocking_put_and_get_in_a_worker_thread(self):
        q = AsyncSync.Queue(1)
        await q.put("from a task")
        self.assertEqual(await asyncio.to_thread(q.get, None), "from a task")
        self.assertTrue(await asyncio.to_thread(q.put, ("from", "a thread"), None))
        self.assertEqual(await q.get(), ("from", "a thread"))


if __name__ == "__main__":
    main()
