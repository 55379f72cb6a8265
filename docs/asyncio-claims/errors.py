#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The exceptions asyncio raises, as the manual's error table lists them:

- RuntimeError: Lock.release() of a free lock; Condition.wait() or
  notify() without its lock;
- ValueError: BoundedSemaphore released above its initial value;
  Queue.task_done() called too often;
  never for a plain Semaphore, whatever its value (even above 2**32 - 1,
  where a GLib semaphore's guint ends);
- BrokenBarrierError: wait() on an aborted Barrier, or a reset() while
  parties wait;
- QueueFull, QueueEmpty: put_nowait() on a full queue, get_nowait() on an
  empty one;
- QueueShutDown (Python 3.13 and later): put() after shutdown(), get() on
  a shut-down queue once it is empty;
- CancelledError for a cancelled wait; asyncio.timeout() raises the
  built-in TimeoutError (asyncio.TimeoutError is the same class).

Backs: porting-from-asyncio.xml#porting-errors
"""

import asyncio

from claims import holds, run, since, spin


def raises(exception, function, *args):
    try:
        function(*args)
    except exception:
        return True
    return False


async def araises(exception, awaitable):
    try:
        await awaitable
    except exception:
        return True
    return False


async def main():
    holds(raises(RuntimeError, asyncio.Lock().release),
          'Lock.release() of a free lock raises RuntimeError')
    cond = asyncio.Condition()
    holds(await araises(RuntimeError, cond.wait()),
          'Condition.wait() without the lock raises RuntimeError')
    holds(raises(RuntimeError, cond.notify), 'Condition.notify() without the lock raises RuntimeError')

    bounded = asyncio.BoundedSemaphore(1)
    holds(raises(ValueError, bounded.release),
          'BoundedSemaphore.release() above the initial value raises ValueError')
    q = asyncio.Queue()
    holds(raises(ValueError, q.task_done), 'Queue.task_done() too often raises ValueError')
    big = asyncio.Semaphore(2**32)
    big.release()
    holds(not raises(ValueError, big.release),
          'a plain Semaphore never raises ValueError, even above 2**32 - 1')

    barrier = asyncio.Barrier(2)
    await barrier.abort()
    holds(await araises(asyncio.BrokenBarrierError, barrier.wait()),
          'wait() on an aborted Barrier raises BrokenBarrierError')
    barrier = asyncio.Barrier(2)
    party = asyncio.create_task(barrier.wait())
    await spin()
    await barrier.reset()
    holds(await araises(asyncio.BrokenBarrierError, party),
          'reset() while a party waits raises BrokenBarrierError in it')

    full = asyncio.Queue(maxsize=1)
    full.put_nowait(1)
    holds(raises(asyncio.QueueFull, full.put_nowait, 2), 'put_nowait() on a full queue: QueueFull')
    holds(raises(asyncio.QueueEmpty, asyncio.Queue().get_nowait),
          'get_nowait() on an empty queue: QueueEmpty')

    holds(hasattr(asyncio, 'QueueShutDown') == since(3, 13),
          'QueueShutDown exists from Python 3.13 on, not before')
    if since(3, 13):
        q = asyncio.Queue()
        q.put_nowait('left')
        q.shutdown()
        holds(await araises(asyncio.QueueShutDown, q.put('more')),
              'put() after shutdown() raises QueueShutDown')
        holds(await q.get() == 'left', 'get() still returns what is left')
        holds(await araises(asyncio.QueueShutDown, q.get()),
              'get() on a shut-down, empty queue raises QueueShutDown')

    waiter = asyncio.create_task(asyncio.Event().wait())
    await spin()
    waiter.cancel()
    holds(await araises(asyncio.CancelledError, waiter), 'a cancelled wait raises CancelledError')
    holds(asyncio.TimeoutError is TimeoutError, 'asyncio.TimeoutError is the built-in TimeoutError')
    holds(await araises(TimeoutError, asyncio.wait_for(asyncio.Event().wait(), 0.001)),
          'wait_for() past its delay raises TimeoutError')


run(main, "asyncio raises the exceptions of the manual's error table")
