# SPDX-License-Identifier: LGPL-2.1-or-later
# asyncio's Condition example: five waiters in wait(), woken by notify_all().
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib

loop = GLib.MainLoop()
cond = AsyncSync.Condition()  # with a lock of its own
finished = []


def woken(cond, result, name):
    cond.wait_finish(result)  # the lock is held again here
    print(f"{name}: condition successful")
    cond.release()
    finished.append(name)
    if len(finished) == 5:
        loop.quit()


def waiter_locked(cond, result, name):
    cond.acquire_finish(result)
    print(f"{name}: waiting")
    cond.wait_async(None, woken, name)  # releases the lock while it waits


def signal_locked(cond, result):
    cond.acquire_finish(result)
    print("Notifying the waiters")
    cond.notify_all()
    cond.release()


def signal():
    cond.acquire_async(None, signal_locked)
    return GLib.SOURCE_REMOVE


for i in range(5):
    cond.acquire_async(None, waiter_locked, f"waiter {i}")
GLib.timeout_add(100, signal)
loop.run()
