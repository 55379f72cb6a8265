#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio.timeout() bounds a whole block: its deadline is fixed when the
block starts, and when it passes, whatever the task awaits is cancelled
(a lock, or any other await: a sleep standing for a download), and the
block raises TimeoutError.  Two steps that each fit in the delay, but not
together, time out in the second.  Its deadline can be moved with
reschedule().  (Here an AsyncSyncTimeout bounds only the operations it is
passed to, while they are queued, and is immutable.)

Backs: porting-from-asyncio.xml#porting-timeouts
Backs: porting-from-asyncio.xml#porting-differences-timeout
Backs: recipes.xml#recipe-deadline
"""

import asyncio

from claims import holds, run

DELAY = 1.0      # seconds; each step takes 0.6 of it: one fits, two do not
STEP = 0.6 * DELAY


async def main():
    lock = asyncio.Lock()
    steps_done = []
    try:
        async with asyncio.timeout(DELAY) as cm:
            deadline = cm.when()
            async with lock:
                await asyncio.sleep(STEP)          # step 1: "download"
                steps_done.append(1)
            await asyncio.sleep(STEP)              # step 2: no lock involved
            steps_done.append(2)
        timed_out = False
    except TimeoutError:
        timed_out = True
    holds(timed_out, 'the block raises TimeoutError')
    holds(steps_done == [1], 'the deadline spans the steps: the second step is cut (%r)'
          % steps_done)
    holds(not lock.locked(), 'async with released the lock on the way out')
    holds(deadline is not None and deadline <= asyncio.get_running_loop().time(),
          'cm.when() was the fixed deadline')

    # The deadline can be moved while the block runs.
    async with asyncio.timeout(0.01) as cm:
        cm.reschedule(None)                        # no deadline any more
        await asyncio.sleep(0.02)
    holds(not cm.expired(), 'reschedule(None) lifted the deadline')


run(main, 'asyncio.timeout() cancels any await of its block at one deadline')
