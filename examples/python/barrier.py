# SPDX-License-Identifier: LGPL-2.1-or-later
# A Barrier: three workers meet after each phase of their work; the party
# that gets the last index reports the phase.  In phase 3 one worker fails
# and aborts the barrier, so the others stop instead of waiting forever.
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync

# Turns of the loop each worker's work takes, per phase.
STEPS = {1: [1, 2, 3], 2: [3, 1, 2], 3: [1, 3, 2]}


async def work(steps):
    """Stands in for real asynchronous work: `steps` turns of the loop."""
    for _ in range(steps):
        await asyncio.sleep(0)


async def worker(barrier, worker_id):
    for phase in (1, 2, 3):
        await work(STEPS[phase][worker_id])
        if phase == 3 and worker_id == 1:
            print(f"worker {worker_id}: phase {phase} failed, aborts the barrier")
            await barrier.abort()  # the others fail with BrokenBarrierError
            return
        print(f"worker {worker_id}: phase {phase} done, waits "
              f"({barrier.n_waiting + 1} of {barrier.parties})")
        try:
            index = await barrier.wait()
        except asyncio.BrokenBarrierError as e:  # also a GLib.Error
            print(f"worker {worker_id}: {e.message}")
            return
        last = index == barrier.parties - 1
        print(f"worker {worker_id}: passes with index {index}"
              + (f", reports: phase {phase} complete" if last else ""))


async def main():
    barrier = AsyncSync.Barrier(3)
    await asyncio.gather(*(worker(barrier, i) for i in range(3)))
    if barrier.broken:
        print("the barrier stays broken until reset()")


asyncio.run(main())
