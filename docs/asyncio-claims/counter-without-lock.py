#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The overview's counter program without its lock loses updates: every
task reads the counter before any writes it back, so five increments
leave counter = 1.  (With the lock, docs/examples/overview-counter.py,
the counter is 5.)

Backs: overview.xml#overview-why
"""

import asyncio

from claims import holds, run

N_TASKS = 5
counter = 0


async def task():
    global counter
    value = counter           # read
    await asyncio.sleep(0)    # yield to the event loop
    counter = value + 1       # write


async def main():
    await asyncio.gather(*(task() for _ in range(N_TASKS)))
    holds(counter == 1, 'without the lock, counter = 1 (it is %d)' % counter)


run(main, 'the counter without a lock ends at 1, not 5')
