# SPDX-License-Identifier: LGPL-2.1-or-later
# recipe-deadline.py: recipe-deadline.c in Python, through the override.
# A request reads like
#     async with asyncio.timeout(0.03):
#         async with connection:
#             reply = await transfer()
#             async with cache_lock: store(reply)
# with one AsyncSync.Timeout for the library's steps, and a
# Gio.Cancellable cancelled at the same deadline, t.get_deadline(), for
# the transfer: an expired Timeout does not cancel itself, so a GIO call
# given it would run on.
#
# A waits for a busy connection and times out in step 1; B gets the
# connection, but its transfer is cut at the deadline in step 2; C gets
# everything in time and stores its reply.  Exits 0 if so, and the
# connection and the lock end free.
import asyncio

import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, Gio, GLib  # noqa: E402

connection = AsyncSync.Semaphore(1)     # one connection to the server
cache_lock = AsyncSync.Lock()
cache = {}


async def transfer(ms, cancellable):
    """The stand-in for a GIO transfer of recipe-downloads.py: ends after
    ms milliseconds, or raises GLib.Error G_IO_ERROR_CANCELLED as soon as
    the cancellable is cancelled."""
    loop = asyncio.get_running_loop()
    cancelled = loop.create_future()
    # g_cancellable_connect(): runs at once if already cancelled, else in
    # the thread that cancels.
    handler = cancellable.connect(lambda *_: loop.call_soon_threadsafe(
        lambda: cancelled.done() or cancelled.set_result(None)))
    try:
        await asyncio.wait([cancelled], timeout=ms / 1000)
    finally:
        cancellable.disconnect(handler)
    cancellable.set_error_if_cancelled()
    return f"reply after {ms} ms"


def cancelled_at(deadline):
    """A Gio.Cancellable for the GIO calls of the request, cancelled when
    the AsyncSync.Timeout expires (get_deadline() is a
    GLib.get_monotonic_time() instant, in microseconds), and a function
    that stops the timer: call it when the request ends first."""
    cancellable = Gio.Cancellable()
    loop = asyncio.get_running_loop()
    timer = None

    def at_deadline():
        nonlocal timer
        left_us = deadline.get_deadline() - GLib.get_monotonic_time()
        if left_us > 0:     # a loop's timer may run a little early: not yet
            timer = loop.call_later(left_us / 1_000_000, at_deadline)
        else:
            cancellable.cancel()

    at_deadline()
    return cancellable, lambda: timer and timer.cancel()


async def request(name, deadline_ms, transfer_ms):
    deadline = AsyncSync.Timeout.new(deadline_ms)
    print(f"{name}: asks, with a deadline in {deadline_ms} ms")
    step = "step 1 (the connection)"
    try:
        await connection.acquire(deadline)          # timed out here: nothing taken
        transfer_cancellable, stop_timer = cancelled_at(deadline)
        try:
            step = "step 2 (the transfer)"
            reply = await transfer(transfer_ms, transfer_cancellable)
            step = "step 3 (the cache lock)"
            await cache_lock.acquire(deadline)      # the same deadline: the time left
            try:
                cache[name] = reply
            finally:
                cache_lock.release()
        finally:
            stop_timer()
            connection.release()                    # taken in step 1: give it back
        return "stored"
    except TimeoutError:                            # G_IO_ERROR_TIMED_OUT, from the Timeout
        return f"timed out in {step}"
    except GLib.Error as e:                         # the transfer's cancellable, at the deadline
        if e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED) and deadline.has_expired():
            return f"timed out in {step}"
        raise


async def main():
    outcomes = []
    connection.try_acquire()                        # a long transfer holds it
    outcomes.append(await request("A", 30, 10))
    connection.release()
    outcomes.append(await request("B", 30, 10_000))   # a transfer far too slow
    outcomes.append(await request("C", 10_000, 10))
    for name, outcome in zip("ABC", outcomes):
        print(f"{name}: {outcome}")
    return outcomes


outcomes = asyncio.run(main())
ok = (outcomes == ["timed out in step 1 (the connection)", "timed out in step 2 (the transfer)",
                   "stored"]
      and list(cache) == ["C"] and connection.get_value() == 1 and not cache_lock.locked())
raise SystemExit(0 if ok else 1)
