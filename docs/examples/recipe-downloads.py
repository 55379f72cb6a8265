# SPDX-License-Identifier: LGPL-2.1-or-later
# recipe-downloads.py: recipe-downloads.c in Python, through the override:
# each download is
#     async with slots:           # AsyncSync.Semaphore(3)
#         await transfer(...)
# and it can be cancelled both ways: task.cancel(), asyncio's, or the
# Gio.Cancellable of its Cancel button, GIO's, given to its transfer.
#
# Six downloads start at once.  Download 5 is cancelled with task.cancel()
# while it waits for a permit: it raises CancelledError and took nothing.
# Download 1 is cancelled through its Gio.Cancellable while it runs: its
# transfer raises GLib.Error CANCELLED, the `async with` gives the permit
# back, and download 3 starts in its place.  Exits 0 if at most three ran
# at once, four completed, one was cancelled in each state, and the three
# permits are back.
import asyncio

import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, Gio, GLib  # noqa: E402

MAX_PARALLEL = 3
slots = AsyncSync.Semaphore(MAX_PARALLEL)
running = 0
max_running = 0


async def transfer(ms, cancellable):
    """A stand-in for a GIO transfer given the cancellable: ends after ms
    milliseconds, or raises GLib.Error G_IO_ERROR_CANCELLED as soon as the
    cancellable fires (and CancelledError if its task is cancelled, as any
    await)."""
    loop = asyncio.get_running_loop()
    fired = loop.create_future()
    # Gio.Cancellable.connect() is g_cancellable_connect(): it calls back at
    # once if already cancelled, and from the thread that cancels.
    handler = cancellable.connect(
        lambda *_: loop.call_soon_threadsafe(lambda: fired.done() or fired.set_result(None)))
    try:
        await asyncio.wait([fired], timeout=ms / 1000)
    finally:
        cancellable.disconnect(handler)
    cancellable.set_error_if_cancelled()     # raises GLib.Error if it fired


async def download(index, cancellable, started):
    global running, max_running
    try:
        async with slots:                    # waits for a permit
            running += 1
            max_running = max(max_running, running)
            print(f"download {index}: started ({running} running)")
            started.set()
            try:
                await transfer(20 + 10 * index, cancellable)
            except GLib.Error as e:
                if not e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED):
                    raise
                print(f"download {index}: cancelled while running")
                return "cancelled while running"
            finally:
                running -= 1
            # Leaving the block, on every path, gives the permit back: the
            # next queued download starts.
        print(f"download {index}: done")
        return "done"
    except asyncio.CancelledError:
        # task.cancel() while queued: no permit was taken.  (Cancelled after
        # the permit was handed over, the override gives it back first.)
        print(f"download {index}: cancelled while queued")
        raise


async def main():
    cancellables = [Gio.Cancellable() for _ in range(6)]   # the Cancel buttons
    started = [asyncio.Event() for _ in range(6)]
    tasks = [asyncio.create_task(download(i, c, s))
             for i, (c, s) in enumerate(zip(cancellables, started))]

    await started[2].wait()       # downloads 0, 1, 2 run; 3, 4, 5 wait for a permit
    queued = slots.get_n_waiting()
    tasks[5].cancel()             # asyncio's way, while queued
    cancellables[1].cancel()      # GIO's way, while running

    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    return queued, ["cancelled while queued" if isinstance(o, asyncio.CancelledError) else o
                    for o in outcomes]


queued, outcomes = asyncio.run(main())
print(f"{', '.join(outcomes)}; at most {max_running} at once, {slots.get_value()} permits free")
ok = (queued == 3
      and outcomes == ["done", "cancelled while running", "done", "done", "done",
                       "cancelled while queued"]
      and max_running == MAX_PARALLEL and slots.get_value() == MAX_PARALLEL)
raise SystemExit(0 if ok else 1)
