# SPDX-License-Identifier: LGPL-2.1-or-later
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib


def lock_acquired(lock, result, name):
    lock.acquire_finish(result)  # raises GLib.Error if cancelled while queued
    print(f"{name} holds the lock")
    # ... use the shared resource, across as many async steps as needed ...

    # Hands the lock to the next waiter, whose callback runs later from
    # the main loop, never from inside this call.
    lock.release()
    if name == "second":
        loop.quit()


loop = GLib.MainLoop()
lock = AsyncSync.Lock()
# Both ask at once; "second" waits until "first" releases.
lock.acquire_async(None, lock_acquired, "first")
lock.acquire_async(None, lock_acquired, "second")
loop.run()
