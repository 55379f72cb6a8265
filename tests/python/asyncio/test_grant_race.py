#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A cancellation that meets a grant, thousands of times: a lock or a
permit is never leaked nor held twice, a Queue item is never lost nor
delivered twice, a put is never done twice, and the cancelled task always
ends cancelled.

Each round makes a waiting task's grant and its cancellation meet in one
of these ways, chosen by a seeded random generator (ASYNCSYNC_SEED to
replay a run, ASYNCSYNC_GRANT_RACE_ROUNDS to change the count):

  grant, cancel      the grant, then task.cancel(), in one callback
  cancel, grant      task.cancel(), then the grant, in one callback
  grant, k, cancel   the grant, then the cancellation k loop iterations
                     later (0 to 3): while the completion is on its way,
                     once it has arrived, or after the task resumed
  threads            the grant in another thread at the moment the loop's
                     thread cancels
"""

import asyncio
import collections
import os
import random
import threading

from asyncio_testcase import GUARD_SECONDS, LOOP_KIND, AsyncioTestCase, AsyncSync, main

ROUNDS = int(os.environ.get("ASYNCSYNC_GRANT_RACE_ROUNDS", "3000"))
SEED = int(os.environ.get("ASYNCSYNC_SEED", random.randrange(1 << 32)))
WAYS = ("grant, cancel", "cancel, grant", "grant, k, cancel", "threads")


class OtherThread:
    """A thread that runs one action at the moment the loop's thread
    reaches the same barrier."""

    def __init__(self):
        self._barrier = threading.Barrier(2)
        self._done = threading.Semaphore(0)
        self._action = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            self._barrier.wait()
            action, self._action = self._action, None
            if action is None:
                return
            try:
                action()
            finally:
                self._done.release()

    def at_the_same_time(self, action, own_action):
        """Runs action() in the other thread and own_action() in this one,
        released together; returns once both are done."""
        self._action = action
        self._barrier.wait()
        own_action()
        self._done.acquire()

    def stop(self):
        self._barrier.wait()
        self._thread.join()


class GrantRaceTests(AsyncioTestCase):
    # Thousands of rounds take as long as the machine makes them: each
    # round is guarded instead (settled()), not the whole test.
    guard_seconds = None

    @classmethod
    def setUpClass(cls):
        print(f"\n{ROUNDS} rounds per test, ASYNCSYNC_SEED={SEED}, loop {LOOP_KIND}")

    def setUp(self):
        self.rng = random.Random(f"{SEED}-{self.id()}")
        self.outcomes = collections.Counter()

    def tearDown(self):
        super().tearDown()
        print(f"\n  {self.id().rsplit('.', 1)[-1]}: " +
              ", ".join(f"{k}: {v}" for k, v in sorted(self.outcomes.items())))

    @staticmethod
    async def settled(*tasks):
        """The outcomes of @tasks; a round still running after the guard
        has hung."""
        async with asyncio.timeout(GUARD_SECONDS):
            return await asyncio.gather(*tasks, return_exceptions=True)

    async def race(self, grant, task, other):
        """Makes @grant and task.cancel() meet in a random way."""
        way = self.rng.choice(WAYS)
        if way == "grant, cancel":
            grant()
            task.cancel()
        elif way == "cancel, grant":
            task.cancel()
            grant()
        elif way == "grant, k, cancel":
            grant()
            for _ in range(self.rng.randrange(4)):
                await asyncio.sleep(0)
            task.cancel()
        else:
            other.at_the_same_time(grant, task.cancel)
        return way

    async def _exclusive_rounds(self, primitive):
        """Lock or Semaphore(1): the test holds it; a victim and a backup
        wait; the release (the grant to the victim) meets the victim's
        cancellation.  The backup must always get it next."""
        inside = 0
        peak = 0

        async def hold_once():
            nonlocal inside, peak
            async with primitive:
                inside += 1
                peak = max(peak, inside)
                try:
                    await asyncio.sleep(0)
                finally:
                    inside -= 1

        other = OtherThread()
        try:
            for _ in range(ROUNDS):
                await primitive.acquire()
                victim = asyncio.create_task(hold_once())
                backup = asyncio.create_task(hold_once())
                await asyncio.sleep(0)
                self.assertEqual(primitive.get_n_waiting(), 2)
                way = await self.race(primitive.release, victim, other)
                victim_result, backup_result = await self.settled(victim, backup)
                self.assertIsNone(backup_result)  # got it, passed on or not
                if isinstance(victim_result, asyncio.CancelledError):
                    self.outcomes["victim cancelled"] += 1
                else:
                    self.assertIsNone(victim_result)  # cancelled after it finished
                    self.outcomes["victim finished first"] += 1
                if way == "grant, cancel":
                    self.assertIsInstance(victim_result, asyncio.CancelledError)
                    self.outcomes["granted, then handed on"] += 1
                self.assertFalse(primitive.locked())
                self.assertEqual(primitive.get_n_waiting(), 0)
                self.assertEqual(peak, 1)
        finally:
            other.stop()

    async def test_lock_is_never_leaked_nor_held_twice(self):
        lock = AsyncSync.Lock()
        await self._exclusive_rounds(lock)
        self.assertFalse(lock.locked())

    async def test_semaphore_permit_is_never_leaked_nor_doubled(self):
        sem = AsyncSync.Semaphore(1)
        await self._exclusive_rounds(sem)
        self.assertEqual(sem.get_value(), 1)

    async def test_queue_item_is_never_lost_nor_delivered_twice(self):
        q = AsyncSync.Queue()
        other = OtherThread()
        try:
            for r in range(ROUNDS):
                received = []

                async def consumer(who):
                    received.append((who, await q.get()))
                    await asyncio.sleep(0)  # a cancellation caught in get() lands here

                victim = asyncio.create_task(consumer("victim"))
                backup = asyncio.create_task(consumer("backup"))
                await asyncio.sleep(0)
                first, second = (r, "first"), (r, "second")
                way = await self.race(lambda: q.put_nowait(first), victim, other)
                q.put_nowait(second)
                victim_result, backup_result = await self.settled(victim, backup)
                self.assertIsNone(backup_result)
                while not q.empty():
                    received.append(("left in the queue", q.get_nowait()))
                self.assertEqual(sorted(item for _, item in received), [first, second])
                victim_got = [item for who, item in received if who == "victim"]
                if way in ("grant, cancel", "cancel, grant"):
                    # Cancelled before it could finish: it ends cancelled,
                    # whether or not it got the item first.
                    self.assertIsInstance(victim_result, asyncio.CancelledError)
                if way == "grant, cancel":
                    self.assertEqual(victim_got, [first])
                if way == "cancel, grant":
                    self.assertEqual(victim_got, [])
                if isinstance(victim_result, asyncio.CancelledError):
                    self.outcomes["cancelled with the item" if victim_got else
                                  "cancelled without an item"] += 1
                else:
                    self.outcomes["finished first"] += 1
        finally:
            other.stop()

    async def test_queue_put_is_never_lost_nor_done_twice(self):
        q = AsyncSync.Queue(maxsize=1)
        other = OtherThread()
        try:
            for r in range(ROUNDS):
                q.put_nowait("filler")
                accepted = []
                item = (r, "item")

                async def producer():
                    await q.put(item)
                    accepted.append(item)
                    await asyncio.sleep(0)

                victim = asyncio.create_task(producer())
                await asyncio.sleep(0)
                self.assertFalse(victim.done())
                taken = []
                await self.race(lambda: taken.append(q.get_nowait()), victim, other)
                victim_result, = await self.settled(victim)
                self.assertEqual(taken, ["filler"])
                remaining = []
                while not q.empty():
                    remaining.append(q.get_nowait())
                # In the queue exactly when put() said so.
                self.assertEqual(remaining, accepted)
                if isinstance(victim_result, asyncio.CancelledError):
                    self.outcomes["cancelled, put accepted" if accepted else
                                  "cancelled, nothing put"] += 1
                else:
                    self.outcomes["finished first"] += 1
        finally:
            other.stop()


if __name__ == "__main__":
    main()
