# SPDX-License-Identifier: LGPL-2.1-or-later
# asyncio's Condition example: five waiters in wait(), woken by notify_all().
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync


async def waiter(cond, name):
    async with cond:
        print(f"{name}: waiting")
        await cond.wait()  # releases the lock while it waits
        print(f"{name}: condition successful")  # the lock is held again here


async def signal(cond):
    await asyncio.sleep(0.1)
    async with cond:
        print("Notifying the waiters")
        cond.notify_all()


async def main():
    cond = AsyncSync.Condition()  # with a lock of its own
    waiters = [asyncio.create_task(waiter(cond, f"waiter {i}")) for i in range(5)]
    await signal(cond)
    await asyncio.gather(*waiters)


asyncio.run(main())
