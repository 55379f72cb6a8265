# SPDX-License-Identifier: LGPL-2.1-or-later
# asyncio's Event example: five waiters, woken together by one set().
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib

loop = GLib.MainLoop()
event = AsyncSync.Event()
received = []


def waiter_woken(event, result, name):
    event.wait_finish(result)
    print(f"{name}: received event")
    received.append(name)
    if len(received) == 5:
        loop.quit()


def signal():
    print("Signalling the event")
    event.set()  # wakes every waiter; their callbacks run after this returns
    print("Event signalled")
    return GLib.SOURCE_REMOVE


for i in range(5):
    print(f"waiter {i}: waiting")
    event.wait_async(None, waiter_woken, f"waiter {i}")
GLib.timeout_add(100, signal)  # "do something", then set the event
loop.run()
