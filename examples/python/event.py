# SPDX-License-Identifier: LGPL-2.1-or-later
# asyncio's Event example: five waiters, woken together by one set().
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync


async def waiter(event, name):
    print(f"{name}: waiting")
    await event.wait()
    print(f"{name}: received event")


async def signal(event):
    await asyncio.sleep(0.1)  # "do something", then set the event
    print("Signalling the event")
    event.set()  # wakes every waiter; they resume after this returns
    print("Event signalled")


async def main():
    event = AsyncSync.Event()
    waiters = [asyncio.create_task(waiter(event, f"waiter {i}")) for i in range(5)]
    await signal(event)
    await asyncio.gather(*waiters)


asyncio.run(main())
