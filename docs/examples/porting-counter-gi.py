# SPDX-License-Identifier: LGPL-2.1-or-later
# porting-counter-gi.py: overview-counter.py ported to PyGObject with
# GIO's callback form, run by a GLib main loop (porting-counter-override.py
# is the asyncio form).
import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib  # noqa: E402

N_TASKS = 5
counter = 0
n_done = 0
loop = GLib.MainLoop()


def task(lock):
    def acquired(lock, result):
        lock.acquire_finish(result)       # raises GLib.Error if cancelled
        value = counter                   # read

        def write_back():
            global counter, n_done
            counter = value + 1           # write
            lock.release()                # the next task goes on
            n_done += 1
            if n_done == N_TASKS:
                loop.quit()
            return GLib.SOURCE_REMOVE

        GLib.idle_add(write_back)         # yield to the main loop

    lock.acquire_async(None, acquired)


lock = AsyncSync.Lock()
for _ in range(N_TASKS):
    task(lock)
loop.run()

print(f"counter = {counter} (expected {N_TASKS})")
raise SystemExit(0 if counter == N_TASKS else 1)
