#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio.Queue: an item put while a consumer waits is appended to the
queue (qsize() is 1) and the consumer is only woken, so another task's
get_nowait() can take it first; the woken consumer goes on waiting.
(Here the item goes straight to the first waiting consumer.)

Backs: porting-from-asyncio.xml#porting-differences
"""

import asyncio

from claims import holds, run, spin


async def main():
    q = asyncio.Queue()
    consumer = asyncio.create_task(q.get())
    await spin()
    q.put_nowait('item')
    holds(q.qsize() == 1, 'the item is in the queue, not handed to the waiting consumer')
    holds(q.get_nowait() == 'item', 'another task takes it first with get_nowait()')
    await spin()
    holds(not consumer.done(), 'the woken consumer goes on waiting')
    q.put_nowait('next')
    holds(await consumer == 'next', 'and gets the next item')


run(main, 'asyncio.Queue lets get_nowait() take an item meant for a waiting consumer')
