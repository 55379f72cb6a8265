# SPDX-License-Identifier: LGPL-2.1-or-later
# A Barrier: three workers meet after each phase of their work; the party
# that gets the last index reports the phase.  In phase 3 one worker fails
# and aborts the barrier, so the others stop instead of waiting forever.
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib

loop = GLib.MainLoop()
barrier = AsyncSync.Barrier.new(3)
# Main-loop turns each worker's work takes, per phase.
STEPS = {1: [1, 2, 3], 2: [3, 1, 2], 3: [1, 2, 3]}
stopped = []


def work(steps, then):
    """Stands in for real asynchronous work: `steps` main-loop turns."""
    left = [steps]

    def step():
        left[0] -= 1
        if left[0] > 0:
            return GLib.SOURCE_CONTINUE
        then()
        return GLib.SOURCE_REMOVE

    GLib.idle_add(step)


def stop(worker):
    stopped.append(worker)
    if len(stopped) == 3:
        if barrier.is_broken():
            print("the barrier stays broken until reset()")
        loop.quit()


def start_phase(worker, phase):
    work(STEPS[phase][worker], lambda: arrive(worker, phase))


def arrive(worker, phase):
    if phase == 3 and worker == 1:
        print(f"worker {worker}: phase {phase} failed, aborts the barrier")
        barrier.abort()  # the others fail with BROKEN_BARRIER
        stop(worker)
        return
    print(f"worker {worker}: phase {phase} done, waits "
          f"({barrier.get_n_waiting() + 1} of {barrier.get_parties()})")
    barrier.wait_async(None, passed, (worker, phase))


def passed(barrier, result, data):
    worker, phase = data
    try:
        ok, index = barrier.wait_finish(result)
    except GLib.Error as e:
        print(f"worker {worker}: {e.message}")
        stop(worker)
        return
    last = index == barrier.get_parties() - 1
    print(f"worker {worker}: passes with index {index}"
          + (f", reports: phase {phase} complete" if last else ""))
    start_phase(worker, phase + 1)


for worker in range(3):
    start_phase(worker, 1)
loop.run()
