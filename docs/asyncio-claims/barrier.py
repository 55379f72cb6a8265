#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio.Barrier (Python 3.11 and later):

- a party gets its index when it arrives (the number of parties already
  waiting), and the last arrival, index parties - 1, releases the cycle;
- a party cancelled while waiting leaves the count, so a later arrival can
  get an index that another waiting party already holds;
- a released cycle drains: n_waiting reads 0 until every party of the cycle
  has resumed, and parties arriving meanwhile wait for the next cycle;
- reset() and abort() are coroutines.

(Here indices are given when the cycle is released, so they are always
0 .. parties - 1, and reset and abort are plain calls.)

Backs: porting-from-asyncio.xml#porting-barrier
Backs: porting-from-asyncio.xml#porting-differences-barrier
Backs: fairness-and-cancellation.xml#fairness-cancellation
"""

import asyncio
import inspect

from claims import holds, run, spin


async def main():
    holds(inspect.iscoroutinefunction(asyncio.Barrier.reset) and
          inspect.iscoroutinefunction(asyncio.Barrier.abort),
          'Barrier.reset() and Barrier.abort() are coroutines')

    barrier = asyncio.Barrier(3)
    a = asyncio.create_task(barrier.wait())
    await spin()
    b = asyncio.create_task(barrier.wait())
    await spin()
    holds(barrier.n_waiting == 2, 'two parties wait')
    a.cancel()
    await spin()
    holds(barrier.n_waiting == 1, 'a cancelled party leaves the count')
    c = asyncio.create_task(barrier.wait())
    await spin()
    d = asyncio.create_task(barrier.wait())     # the last of three: releases
    indices = await asyncio.gather(b, c, d)
    holds(indices == [1, 1, 2],
          'indices are given on arrival: b and c both get 1, the last gets 2 (%r)' % (indices,))

    barrier = asyncio.Barrier(2)
    late = []

    async def first():
        return await barrier.wait()

    async def second_then_late():
        index = await barrier.wait()            # releases the cycle
        drained = barrier.n_waiting
        late.append(asyncio.create_task(barrier.wait()))   # arrives while draining
        await spin()
        return index, drained

    r1 = asyncio.create_task(first())
    await spin()
    index, drained = await second_then_late()
    await r1
    holds(index == 1 and drained == 0, 'n_waiting reads 0 while the cycle drains')
    await spin()
    holds(not late[0].done() and barrier.n_waiting == 1,
          'a party arriving while the cycle drains waits for the next cycle')
    last = await barrier.wait()
    holds(await late[0] == 0 and last == 1, 'the next cycle starts at index 0')


run(main, 'asyncio.Barrier gives indices on arrival, drains cycles, awaits reset/abort')
