# SPDX-License-Identifier: LGPL-2.1-or-later
# porting-counter-override.py: overview-counter.py ported to AsyncSync
# through the Python override: the asyncio code, with AsyncSync.Lock.
import asyncio

import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync  # noqa: E402

N_TASKS = 5
counter = 0


async def task(lock):
    global counter
    async with lock:
        value = counter           # read
        await asyncio.sleep(0)    # yield to the event loop
        counter = value + 1       # write


async def main():
    lock = AsyncSync.Lock()
    await asyncio.gather(*(task(lock) for _ in range(N_TASKS)))
    print(f"counter = {counter} (expected {N_TASKS})")
    return counter == N_TASKS


raise SystemExit(0 if asyncio.run(main()) else 1)
