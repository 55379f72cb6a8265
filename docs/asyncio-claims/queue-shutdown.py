#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Queue.shutdown() is new in Python 3.13 (absent before): puts waiting
and later fail with QueueShutDown, gets return the items left and then
fail likewise; shutdown(immediate=True) drops the items left, counting
each as done for join(), and fails the waiting gets.

Backs: porting-from-asyncio.xml#porting-queue
Backs: porting-from-asyncio.xml#porting-differences
Backs: overview.xml#overview-classes
"""

import asyncio

from claims import holds, run, since, spin, PYTHON


async def main():
    if not since(3, 13):
        holds(not hasattr(asyncio.Queue, 'shutdown'), 'Queue.shutdown() is not in %s' % PYTHON)
        return

    q = asyncio.Queue(maxsize=1)
    q.put_nowait('left')
    blocked_put = asyncio.create_task(q.put('waiting'))
    await spin()
    q.shutdown()
    await spin()
    holds(isinstance(blocked_put.exception(), asyncio.QueueShutDown),
          'a waiting put fails with QueueShutDown')
    holds(await q.get() == 'left', 'a get returns an item left')
    try:
        await q.get()
        holds(False, 'a get on a shut-down, empty queue fails')
    except asyncio.QueueShutDown:
        pass

    q = asyncio.Queue()
    q.put_nowait('dropped')
    joiner = asyncio.create_task(q.join())
    q2 = asyncio.Queue()
    getter = asyncio.create_task(q2.get())
    await spin()
    q.shutdown(immediate=True)
    q2.shutdown(immediate=True)
    await spin()
    holds(q.qsize() == 0 and joiner.done(),
          'immediate drops the items left and counts them as done for join()')
    holds(isinstance(getter.exception(), asyncio.QueueShutDown),
          'immediate fails the waiting gets')


run(main, 'Queue.shutdown() semantics (Python 3.13), or its absence before')
