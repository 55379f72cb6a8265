#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.RWLock from asyncio: `async with rw.reader:` and
`async with rw.writer:` (aiorwlock's names), fairness, cancellation."""

import asyncio

from asyncio_testcase import AsyncioTestCase, AsyncSync, main


class RWLockTests(AsyncioTestCase):
    async def test_readers_share_and_a_writer_is_alone(self):
        rw = AsyncSync.RWLock()
        state = {"readers": 0, "writer": False, "max_readers": 0, "overlap": False}

        async def reader():
            async with rw.reader:
                state["readers"] += 1
                state["max_readers"] = max(state["max_readers"], state["readers"])
                state["overlap"] |= state["writer"]
                await asyncio.sleep(0)
                await asyncio.sleep(0)
                state["readers"] -= 1

        async def writer():
            async with rw.writer:
                state["overlap"] |= state["readers"] > 0
                state["writer"] = True
                await asyncio.sleep(0)
                state["writer"] = False

        await asyncio.gather(reader(), reader(), reader(), writer(), reader(), writer())
        self.assertEqual(state["max_readers"], 3)
        self.assertFalse(state["overlap"])
        self.assertEqual((rw.get_n_readers(), rw.is_write_locked()), (0, False))

    async def test_write_preferring_a_later_reader_waits_behind_the_writer(self):
        rw = AsyncSync.RWLock()
        await rw.reader.acquire()
        writer = asyncio.create_task(rw.writer.acquire())
        await asyncio.sleep(0)
        late_reader = asyncio.create_task(rw.read_acquire())
        await asyncio.sleep(0)
        self.assertEqual(rw.get_n_waiting(), 2)
        self.assertTrue(rw.reader.locked())
        rw.reader.release()
        await writer
        self.assertTrue(rw.writer.locked())
        self.assertFalse(late_reader.done())
        rw.write_release()
        await late_reader
        rw.read_release()
        self.assertFalse(rw.reader.locked() or rw.writer.locked())

    async def test_a_writer_granted_then_cancelled_passes_the_lock_on(self):
        rw = AsyncSync.RWLock()
        await rw.write_acquire()
        writer = asyncio.create_task(rw.write_acquire())
        readers = [asyncio.create_task(rw.read_acquire()) for _ in range(2)]
        await asyncio.sleep(0)
        rw.write_release()       # to the waiting writer...
        writer.cancel()          # ...cancelled: the readers must get it
        with self.assertRaises(asyncio.CancelledError):
            await writer
        await asyncio.gather(*readers)
        self.assertEqual(rw.get_n_readers(), 2)
        rw.read_release()
        rw.read_release()
        self.assertFalse(rw.is_write_locked())

    async def test_timeouts(self):
        rw = AsyncSync.RWLock()
        async with rw.writer:
            with self.assertRaises(TimeoutError):
                async with asyncio.timeout(0.02):
                    async with rw.reader:
                        pass
            with self.assertRaises(TimeoutError):
                await rw.read_acquire(AsyncSync.Timeout.new(10))
        self.assertEqual(rw.get_n_waiting(), 0)
        self.assertEqual(rw.get_n_readers(), 0)

    async def test_async_forms_of_the_gi_names(self):
        rw = AsyncSync.RWLock()
        self.assertTrue(await rw.read_acquire_async())
        rw.read_release()
        self.assertTrue(await rw.write_acquire_async(None))
        self.assertIn("writing", repr(rw))
        rw.write_release()
        self.assertIn("unlocked", repr(rw))


if __name__ == "__main__":
    main()
