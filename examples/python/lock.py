# SPDX-License-Identifier: LGPL-2.1-or-later
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync


async def use_resource(lock, name):
    async with lock:  # waits its turn; CancelledError if cancelled while queued
        print(f"{name} holds the lock")
        # ... use the shared resource, across as many awaits as needed ...
        await asyncio.sleep(0)
    # Leaving the block hands the lock to the next waiter.


async def main():
    lock = AsyncSync.Lock()
    # Both ask at once; "second" waits until "first" releases.
    await asyncio.gather(use_resource(lock, "first"), use_resource(lock, "second"))


asyncio.run(main())
