# SPDX-License-Identifier: LGPL-2.1-or-later
# A Semaphore limiting concurrency: five jobs, at most two at a time.
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib

loop = GLib.MainLoop()
sem = AsyncSync.Semaphore.new(2)
running = []
finished = []


def work_done(name):
    running.remove(name)
    print(f"{name}: done")
    sem.release()  # the permit goes straight to the next job in line
    finished.append(name)
    if len(finished) == 5:
        loop.quit()
    return GLib.SOURCE_REMOVE


def permit_acquired(sem, result, name):
    sem.acquire_finish(result)
    running.append(name)
    print(f"{name}: starts ({len(running)} running)")
    # Stands in for real asynchronous work (a download, a D-Bus call...).
    GLib.idle_add(work_done, name)


for i in range(5):
    sem.acquire_async(None, permit_acquired, f"job {i}")
print(f"{sem.get_n_waiting()} jobs wait for a permit")
loop.run()
