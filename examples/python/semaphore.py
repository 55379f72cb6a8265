# SPDX-License-Identifier: LGPL-2.1-or-later
# A Semaphore limiting concurrency: five jobs, at most two at a time.
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync

running = []
peak = 0


async def job(sem, name):
    global peak
    async with sem:  # when it ends, the permit goes straight to the next job in line
        print(f"{name}: starts")
        running.append(name)
        peak = max(peak, len(running))
        # Stands in for real asynchronous work (a download, a D-Bus call...).
        await asyncio.sleep(0)
        running.remove(name)


async def main():
    sem = AsyncSync.Semaphore(2)
    print(f"5 jobs, {sem.get_value()} permits")
    await asyncio.gather(*(job(sem, f"job {i}") for i in range(5)))
    print(f"every job is done; at most {peak} ran at once")


asyncio.run(main())
