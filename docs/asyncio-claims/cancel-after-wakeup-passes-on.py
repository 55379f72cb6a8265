#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A Lock or Semaphore waiter that release() woke, cancelled before it
ran, raises CancelledError and the lock or permit passes to the next
waiter; a Queue getter woken by a put and cancelled leaves the item to the
next getter.  (Here a waiter granted before the cancellation succeeds and
must release.)

Backs: fairness-and-cancellation.xml#fairness-cancellation
Backs: porting-from-asyncio.xml#porting-differences
Backs: recipes.xml#recipe-libdex
"""

import asyncio

from claims import holds, run, spin


async def woken_then_cancelled(name, make, take, give):
    """Two waiters queue; a give() wakes the first, which is cancelled
    before it runs: it must raise CancelledError and the second must get
    what was given."""
    obj = await make()
    got = []

    async def waiter(tag):
        got.append((tag, await take(obj)))

    first = asyncio.create_task(waiter('first'))
    second = asyncio.create_task(waiter('second'))
    await spin()
    give(obj)
    first.cancel()                     # woken, has not run yet
    await spin()
    holds(first.cancelled(), '%s: the woken, cancelled waiter raises CancelledError' % name)
    holds([tag for tag, _ in got] == ['second'],
          '%s: the wake-up passes to the next waiter (got %r)' % (name, got))
    second.cancel()


async def main():
    async def acquire(obj):
        return await obj.acquire()

    async def held_lock():
        lock = asyncio.Lock()
        await lock.acquire()           # free: does not yield
        return lock

    async def empty_semaphore():
        return asyncio.Semaphore(0)

    async def empty_queue():
        return asyncio.Queue()

    await woken_then_cancelled('Lock', held_lock, acquire, lambda lock: lock.release())
    await woken_then_cancelled('Semaphore', empty_semaphore, acquire,
                               lambda sem: sem.release())
    await woken_then_cancelled('Queue', empty_queue, lambda q: q.get(),
                               lambda q: q.put_nowait('item'))


run(main, 'Lock, Semaphore and Queue pass a wake-up on when the woken task is cancelled')
