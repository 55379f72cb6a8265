#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio's Lock.release() with a task waiting marks the lock free and
wakes the first waiter, which takes the lock only when the event loop
runs it, after the callbacks that were ready before.  (Here a release
hands the lock to the first waiter before it returns.)

Backs: fairness-and-cancellation.xml#fairness-handoff
Backs: benchmarks.xml#benchmarks-reading
"""

import asyncio

from claims import holds, run, spin


async def main():
    lock = asyncio.Lock()
    order = []

    async def waiter():
        async with lock:
            order.append('waiter holds the lock')

    await lock.acquire()
    task = asyncio.create_task(waiter())
    await spin()                       # the waiter is queued
    loop = asyncio.get_running_loop()
    loop.call_soon(order.append, 'a callback ready before the release')
    lock.release()
    holds(not lock.locked(), 'Lock.locked() is False right after a release that woke a waiter')
    await task
    holds(order == ['a callback ready before the release', 'waiter holds the lock'],
          'the woken waiter runs through the event loop, after earlier callbacks: %r' % order)


run(main, 'Lock.release() leaves the lock free until the woken waiter runs')
