#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""One object shared by asyncio event loops in several threads, and by a
GLib main loop: what asyncio's own primitives cannot do.

Each worker thread runs its own loop (asyncio.Runner) of the module's
kind; where PyGObject has a GLib event loop, a mixed test also runs both
kinds at once.
"""

import asyncio
import random
import threading
import unittest

import asyncio_testcase
from asyncio_testcase import (AsyncioTestCase, AsyncSync, GLib, GLibEventLoop,
                              main, run_in_new_loop)

N_THREADS = 4


def run_threads(targets):
    """Runs each target in a thread, returns their results; re-raises the
    first failure."""
    results = [None] * len(targets)
    errors = []

    def body(i, target):
        try:
            results[i] = target()
        except BaseException as e:  # noqa: BLE001 -- reported by the test
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(asyncio_testcase.GUARD_SECONDS)
        if t.is_alive():
            raise AssertionError("a thread is still running: hung")
    if errors:
        raise errors[0]
    return results


class MutualExclusion:
    """Checks that at most one holder is inside at a time, across threads."""

    def __init__(self):
        self._guard = threading.Lock()
        self.inside = 0
        self.peak = 0
        self.entries = 0

    def enter(self):
        with self._guard:
            self.inside += 1
            self.entries += 1
            self.peak = max(self.peak, self.inside)

    def leave(self):
        with self._guard:
            self.inside -= 1


class SharedAcrossLoopsTests(AsyncioTestCase):
    def kinds(self):
        return [asyncio_testcase.LOOP_KIND] * N_THREADS

    def test_one_lock_shared_by_loops_in_several_threads(self):
        lock = AsyncSync.Lock()
        check = MutualExclusion()
        rounds = 200

        async def worker():
            async def task():
                for _ in range(rounds):
                    async with lock:
                        check.enter()
                        await asyncio.sleep(0)
                        check.leave()
            await asyncio.gather(*(task() for _ in range(5)))

        run_threads([lambda k=k: run_in_new_loop(worker(), k) for k in self.kinds()])
        self.assertEqual(check.peak, 1)
        self.assertEqual(check.entries, len(self.kinds()) * 5 * rounds)
        self.assertFalse(lock.locked())
        self.assertEqual(lock.get_n_waiting(), 0)

    def test_one_semaphore_shared_by_loops_in_several_threads(self):
        sem = AsyncSync.Semaphore(3)
        check = MutualExclusion()

        async def worker():
            async def task():
                for _ in range(100):
                    async with sem:
                        check.enter()
                        await asyncio.sleep(0)
                        check.leave()
            await asyncio.gather(*(task() for _ in range(4)))

        run_threads([lambda k=k: run_in_new_loop(worker(), k) for k in self.kinds()])
        self.assertLessEqual(check.peak, 3)
        self.assertGreater(check.peak, 1)
        self.assertEqual(sem.get_value(), 3)

    def test_one_queue_delivers_each_item_exactly_once_across_threads(self):
        q = AsyncSync.Queue(maxsize=8)
        per_producer = 500
        n_producers = len(self.kinds()) // 2
        n_consumers = len(self.kinds()) - n_producers
        stop = object()

        async def producer(p):
            for i in range(per_producer):
                await q.put((p, i))

        async def consumer(seed):
            # Some gets are cut short by a timeout, at random: an item is
            # then either got or left in the queue, never lost or doubled.
            rng = random.Random(seed)
            got = []
            while True:
                try:
                    async with asyncio.timeout(rng.choice([None, None, 0, 0.0005])):
                        item = await q.get()
                except TimeoutError:
                    continue
                if item is stop:
                    return got
                got.append(item)

        kinds = self.kinds()
        producers = [lambda p=p, k=kinds[p]: run_in_new_loop(producer(p), k)
                     for p in range(n_producers)]
        consumers = [lambda c=c, k=kinds[n_producers + c]: run_in_new_loop(consumer(c), k)
                     for c in range(n_consumers)]

        def producers_then_one_stop_per_consumer():
            run_threads(producers)
            for _ in range(n_consumers):
                q.put(stop, None)  # GI's blocking put: this thread runs no loop

        got = run_threads([producers_then_one_stop_per_consumer] + consumers)[1:]
        items = [item for per_consumer in got for item in per_consumer]
        expected = [(p, i) for p in range(n_producers) for i in range(per_producer)]
        self.assertEqual(sorted(items), expected)  # each once: nothing lost or doubled
        self.assertTrue(q.empty())
        for per_consumer in got:  # and FIFO per producer, seen by each consumer
            for p in range(n_producers):
                mine = [i for (pp, i) in per_consumer if pp == p]
                self.assertEqual(mine, sorted(mine))


@unittest.skipIf(GLibEventLoop is None, "PyGObject < 3.50 has no GLib event loop for asyncio")
class MixedLoopKindsTests(SharedAcrossLoopsTests):
    """The same, with GLib event loops and asyncio's own in the threads."""

    def kinds(self):
        return ["glib", "asyncio"] * (N_THREADS // 2)


class GLibMainLoopTests(AsyncioTestCase):
    def test_a_glib_main_loop_and_an_asyncio_loop_share_one_lock(self):
        # The main thread runs a plain GLib main loop (the global default
        # context, as a GTK application's) and takes the lock with the
        # callback API; a thread runs an asyncio loop with `async with`.
        lock = AsyncSync.Lock()
        check = MutualExclusion()
        rounds = 300
        context = GLib.MainContext.default()
        loop = GLib.MainLoop.new(context, False)
        glib_done = []

        def glib_round(i):
            if i == rounds:
                glib_done.append(True)
                if asyncio_thread_done.is_set():
                    loop.quit()
                return

            def acquired(lock, result):
                lock.acquire_finish(result)
                check.enter()

                def hold():
                    check.leave()
                    lock.release()
                    glib_round(i + 1)
                    return GLib.SOURCE_REMOVE
                GLib.idle_add(hold)  # held across a main-loop iteration
            lock.acquire_async(None, acquired)

        asyncio_thread_done = threading.Event()

        async def asyncio_side():
            for _ in range(rounds):
                async with lock:
                    check.enter()
                    await asyncio.sleep(0)
                    check.leave()

        def asyncio_thread():
            try:
                run_in_new_loop(asyncio_side())
            finally:
                asyncio_thread_done.set()
                context.invoke_full(GLib.PRIORITY_DEFAULT,
                                    lambda *_: loop.quit() if glib_done else None)

        thread = threading.Thread(target=asyncio_thread)
        glib_round(0)
        thread.start()
        guard = GLib.timeout_source_new_seconds(asyncio_testcase.GUARD_SECONDS)
        guard.set_callback(lambda *_: loop.quit())
        guard.attach(context)
        loop.run()
        guard.destroy()
        thread.join(asyncio_testcase.GUARD_SECONDS)
        self.assertTrue(glib_done and asyncio_thread_done.is_set(), "hung")
        self.assertEqual(check.peak, 1)
        self.assertEqual(check.entries, 2 * rounds)
        self.assertFalse(lock.locked())


if __name__ == "__main__":
    main()
