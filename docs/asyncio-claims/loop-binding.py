#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""An asyncio primitive binds itself to an event loop only the first time a
caller has to wait on it.  Used without contention, one Lock serves two
asyncio.run() calls and raises nothing; once a task waited on it in one
loop, a task that has to wait on it in another loop gets RuntimeError.
(Here no object is bound to a main context: the caller's context is used
for each call.)

Backs: contexts-and-threads.xml#contexts-and-threads
Backs: porting-from-asyncio.xml#porting-differences
"""

import asyncio

from claims import holds, PYTHON

lock = asyncio.Lock()


async def uncontended():
    async with lock:
        await asyncio.sleep(0)


async def contended():
    async def waiter():
        async with lock:
            pass

    async with lock:
        task = asyncio.create_task(waiter())
        await asyncio.sleep(0)         # the waiter waits: the lock binds here
    await task


asyncio.run(uncontended())
asyncio.run(uncontended())             # another loop: no error
asyncio.run(contended())               # binds the lock to this third loop
try:
    asyncio.run(contended())           # a fourth loop has to wait on it
    raised = False
except RuntimeError:
    raised = True
holds(raised, 'waiting on a primitive bound to another loop raises RuntimeError')
print('%s: an asyncio Lock binds to a loop on the first wait, not on first use' % PYTHON)
