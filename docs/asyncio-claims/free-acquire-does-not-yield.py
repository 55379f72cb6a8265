#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio does not yield on a free Lock, a free Semaphore, a set Event, a
queue that has room or an item: the await returns before any other ready
callback runs.  (Here every _async call completes from a later main-loop
iteration, and try_acquire is the call that does not yield.)

Backs: porting-from-asyncio.xml#porting-lock
Backs: porting-from-asyncio.xml#porting-differences
Backs: benchmarks.xml#benchmarks-reading
Backs: benchmarks.xml#benchmarks-scenarios
"""

import asyncio

from claims import holds, run


async def main():
    others_ran = []
    loop = asyncio.get_running_loop()

    async def returns_at_once(name, awaitable):
        loop.call_soon(others_ran.append, name)   # ready before the await
        await awaitable
        holds(not others_ran, '%s returns without yielding to the event loop' % name)
        await asyncio.sleep(0)
        others_ran.clear()

    lock = asyncio.Lock()
    await returns_at_once('await lock.acquire() on a free Lock', lock.acquire())
    lock.release()
    async with lock:      # 'async with lock: pass' (B2), the same path
        holds(not others_ran, 'async with on a free Lock does not yield')
    sem = asyncio.Semaphore(1)
    await returns_at_once('await sem.acquire() on a free Semaphore', sem.acquire())
    event = asyncio.Event()
    event.set()
    await returns_at_once('await event.wait() on a set Event', event.wait())
    q = asyncio.Queue(maxsize=1)
    await returns_at_once('await q.put() on a queue with room', q.put(1))
    await returns_at_once('await q.get() on a queue with an item', q.get())


run(main, 'a free Lock or Semaphore, a set Event and a ready Queue do not yield')
