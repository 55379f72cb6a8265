# SPDX-License-Identifier: LGPL-2.1-or-later
# Timeouts: asyncio.timeout() works around any wait, and an
# AsyncSync.Timeout passed as the cancellable bounds one operation (or
# several: its deadline is absolute).  Either way a grant that comes first
# wins, and a wait that times out takes nothing.
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync


async def impatient(lock):
    try:
        async with asyncio.timeout(0.05):
            await lock.acquire()
    except TimeoutError:
        print("impatient: timed out, gives up (nothing taken)")


async def patient(lock):
    await lock.acquire(AsyncSync.Timeout.new(10_000))
    print("patient: holds the lock")
    lock.release()


async def main():
    lock = AsyncSync.Lock()
    await lock.acquire()
    print("holder: takes the lock")
    print("impatient: waits at most 50 ms")
    first = asyncio.create_task(impatient(lock))
    print("patient: waits at most 10 s")
    second = asyncio.create_task(patient(lock))
    await first
    print("holder: releases the lock")
    lock.release()  # straight to "patient", still within its deadline
    await second
    # A deadline that has passed fails at once, even on a free lock.
    try:
        await lock.acquire(AsyncSync.Timeout.new_at(0))
    except TimeoutError:
        print(f"late: timed out at once, the lock is {'held' if lock.locked() else 'free'}")


asyncio.run(main())
