#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The override itself: that `from gi.repository import AsyncSync` loads
it, the rule for the names that the blocking API shares with asyncio, the
awaitables asyncio's functions accept, errors that both GI's and asyncio's
except clauses catch, and Python values in a Queue."""

import asyncio
import gc
import threading
import time
import unittest
import warnings

import asyncio_testcase
from asyncio_testcase import AsyncioTestCase, AsyncSync, Gio, GLib, GObject, main


class LoaderTests(AsyncioTestCase):
    def test_the_namespace_is_the_override(self):
        for name in ("Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore",
                     "Barrier", "Queue", "RWLock"):
            cls = getattr(AsyncSync, name)
            self.assertEqual(cls.__module__, "gi.overrides.AsyncSync", name)
        self.assertTrue(issubclass(AsyncSync.BoundedSemaphore, AsyncSync.Semaphore))
        # Objects made in C come wrapped in the override's classes.
        self.assertIsInstance(AsyncSync.Condition().get_lock(), AsyncSync.Lock)
        self.assertIsInstance(AsyncSync.Lock.new(), AsyncSync.Lock)


class BlockingNamesTests(AsyncioTestCase):
    def test_off_an_event_loop_the_shared_names_block_as_in_c(self):
        lock, event, q = AsyncSync.Lock(), AsyncSync.Event(), AsyncSync.Queue()
        self.assertIs(lock.acquire(None), True)
        with self.assertRaises(GLib.Error):  # blocks until the deadline
            lock.acquire(AsyncSync.Timeout.new(10))
        lock.release()
        event.set()
        self.assertIs(event.wait(None), True)
        self.assertIs(q.put("x", None), True)
        self.assertEqual(q.get(None), "x")
        self.assertEqual(AsyncSync.Barrier(1).wait(None), (True, 0))
        results = []
        thread = threading.Thread(target=lambda: results.append(lock.acquire(None)))
        thread.start()
        thread.join()
        self.assertEqual(results, [True])
        lock.release()

    async def test_on_an_event_loop_they_return_coroutines_for_asyncio(self):
        lock = AsyncSync.Lock()
        call = lock.acquire()
        self.assertTrue(asyncio.iscoroutine(call))
        self.assertTrue(await asyncio.create_task(call))
        lock.release()
        self.assertEqual(await asyncio.gather(lock.acquire()), [True])
        lock.release()
        self.assertTrue(await asyncio.wait_for(lock.acquire(), 10))
        lock.release()
        call = lock.acquire_async()  # ours, not PyGObject's awaitable, on any version
        self.assertTrue(asyncio.iscoroutine(call))
        call.close()  # never started: no warning

    async def test_an_awaitable_cannot_be_awaited_twice(self):
        lock = AsyncSync.Lock()
        call = lock.acquire()
        await call
        with self.assertRaises(RuntimeError):
            await call
        lock.release()

    async def test_a_task_running_one_shows_its_name(self):
        # asyncio formats a task (debug mode's slow-callback report does) by
        # testing its coroutine for truth, started or not.
        lock = AsyncSync.Lock()
        lock.try_acquire()
        task = asyncio.create_task(lock.acquire())
        self.assertIn("Lock.acquire", repr(task))
        await asyncio.sleep(0)
        self.assertIn("Lock.acquire", repr(task))
        lock.release()
        self.assertTrue(await task)
        lock.release()

    async def test_used_as_a_truth_value_it_warns_naming_the_call(self):
        for call, name in ((AsyncSync.Lock().acquire, "Lock.acquire"),
                           (AsyncSync.Event().wait, "Event.wait"),
                           (AsyncSync.Queue().get, "Queue.get"),
                           (AsyncSync.Semaphore(0).acquire, "Semaphore.acquire")):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                self.assertTrue(call(None))
            ours = [w for w in caught if issubclass(w.category, RuntimeWarning)]
            self.assertEqual(len(ours), 1, [str(w.message) for w in caught])
            self.assertIn(f"{name}() was never awaited", str(ours[0].message))

    async def test_never_awaited_it_warns_with_the_name_of_the_call(self):
        q = AsyncSync.Queue()
        gc.collect()        # earlier tests' garbage warns now, not below
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            q.put("lost")
            gc.collect()
        # Only ours: Python 3.14's gi.events adds DeprecationWarnings of its own.
        ours = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        self.assertEqual(len(ours), 1, [str(w.message) for w in caught])
        self.assertIn("Queue.put() was never awaited", str(ours[0].message))
        self.assertTrue(q.empty())

    async def test_the_callback_form_stays_gi(self):
        lock = AsyncSync.Lock()
        context = GLib.MainContext.new()
        context.push_thread_default()
        try:
            results = []
            self.assertIsNone(lock.acquire_async(None, lambda l, r: results.append(
                l.acquire_finish(r))))
            while not results:
                context.iteration(True)
        finally:
            context.pop_thread_default()
        self.assertEqual(results, [True])
        lock.release()


class ClosedLoopTests(AsyncioTestCase):
    def test_a_lock_granted_to_a_task_whose_loop_closed_is_released(self):
        if asyncio_testcase.LOOP_KIND != "asyncio":
            raise unittest.SkipTest("only asyncio's own loop gets completions from another "
                                    "thread; a GLib loop's wait on its closed context")
        lock = AsyncSync.Lock()
        lock.try_acquire()
        loop = asyncio.new_event_loop()

        async def take():  # lock.acquire() here, off the loop, would block
            await lock.acquire()

        task = loop.create_task(take())
        task._log_destroy_pending = False  # abandoned on purpose
        loop.run_until_complete(asyncio.sleep(0))  # the task queues
        self.assertEqual(lock.get_n_waiting(), 1)
        loop.close()
        lock.release()  # granted to a task that can never run again...
        deadline = time.monotonic() + asyncio_testcase.GUARD_SECONDS
        while lock.locked() and time.monotonic() < deadline:
            threading.Event().wait(0.001)
        self.assertFalse(lock.locked())  # ...so the override released it


class ErrorTests(AsyncioTestCase):
    async def test_errors_are_glib_errors_and_asyncio_exceptions(self):
        cases = [
            (lambda: AsyncSync.BoundedSemaphore(1).release(), ValueError,
             AsyncSync.error_quark(), AsyncSync.Error.VALUE),
            (lambda: AsyncSync.Lock().release(), RuntimeError,
             AsyncSync.error_quark(), AsyncSync.Error.NOT_LOCKED),
            (lambda: AsyncSync.Queue().get_nowait(), asyncio.QueueEmpty,
             Gio.io_error_quark(), Gio.IOErrorEnum.WOULD_BLOCK),
            (lambda: AsyncSync.Queue().task_done(), ValueError,
             AsyncSync.error_quark(), AsyncSync.Error.VALUE),
        ]
        full = AsyncSync.Queue(1)
        full.put_nowait(1)
        cases.append((lambda: full.put_nowait(2), asyncio.QueueFull,
                      Gio.io_error_quark(), Gio.IOErrorEnum.WOULD_BLOCK))
        for call, asyncio_class, domain, code in cases:
            with self.assertRaises(asyncio_class) as caught:
                call()
            self.assertGLibError(caught.exception, domain, code)

    async def test_awaited_errors_too(self):
        barrier = AsyncSync.Barrier(2)
        barrier.abort()
        with self.assertRaises(asyncio.BrokenBarrierError) as caught:
            await barrier.wait()
        self.assertGLibError(caught.exception, AsyncSync.error_quark(),
                             AsyncSync.Error.BROKEN_BARRIER)
        with self.assertRaises(TimeoutError) as caught:
            await AsyncSync.Event().wait(AsyncSync.Timeout.new(1))
        self.assertTimedOut(caught.exception)
        self.assertIsNone(caught.exception.errno)


class PythonValueTests(AsyncioTestCase):
    async def test_a_value_outlives_its_python_references_and_crosses_threads(self):
        q = AsyncSync.Queue()
        await q.put({"key": [1, 2, 3]})
        gc.collect()
        self.assertEqual(await asyncio.to_thread(q.get, None), {"key": [1, 2, 3]})

    async def test_the_box_is_a_gobject_for_other_languages(self):
        q = AsyncSync.Queue()
        q.put_nowait(42)
        box = q.try_get()
        self.assertIsInstance(box, GObject.Object)
        self.assertEqual(box.get_property("value"), 42)
        self.assertEqual(GObject.type_name(box.__gtype__), "AsyncSyncPythonValue")
        self.assertIn("42", repr(box))


if __name__ == "__main__":
    main()
