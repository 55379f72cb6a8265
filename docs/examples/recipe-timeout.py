# SPDX-License-Identifier: LGPL-2.1-or-later
# recipe-timeout.py: recipe-timeout.c in Python, through the override.
#
# One AsyncSync.Timeout bounds a request of two steps (the connection, a
# Semaphore of 1; then the reply, an Event): passed as the cancellable of
# each wait, it gives each step the time left, and a step still waiting at
# the deadline raises TimeoutError.  (asyncio.timeout() does the same to a
# whole block: recipe-deadline.py.)  Exits 0 if A times out in step 1, B
# in step 2, C gets its reply, and the connection ends free.
import asyncio

import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync  # noqa: E402

connection = AsyncSync.Semaphore(1)
reply = AsyncSync.Event()


async def request(name, timeout_ms):
    deadline = AsyncSync.Timeout.new(timeout_ms)
    print(f"{name}: asks, with a deadline in {timeout_ms} ms")
    step = "step 1 (the connection)"
    try:
        await connection.acquire(deadline)      # timed out while queued: nothing taken
        try:
            print(f"{name}: has the connection, waits for the reply")
            step = "step 2 (the reply)"
            await reply.wait(deadline)          # the same deadline: the time left
        finally:
            connection.release()                # taken in step 1: give it back on every path
        return "reply received"
    except TimeoutError:                        # the GLib.Error of G_IO_ERROR_TIMED_OUT
        return f"timed out in {step}"


def end_transfer():
    print("transfer: gives the connection back")
    connection.release()


def server_replies():
    print("server: replies")
    reply.set()


async def main():
    loop = asyncio.get_running_loop()
    connection.try_acquire()                    # a long transfer holds the connection
    a = await request("A", 30)
    end_transfer()

    b = await request("B", 30)                  # free connection, silent server

    connection.try_acquire()                    # a short transfer, then the server answers
    loop.call_soon(end_transfer)
    loop.call_soon(server_replies)
    c = await request("C", 10_000)
    return a, b, c


a, b, c = asyncio.run(main())
for name, outcome in zip("ABC", (a, b, c)):
    print(f"{name}: {outcome}")
ok = (a == "timed out in step 1 (the connection)" and b == "timed out in step 2 (the reply)"
      and c == "reply received" and connection.get_value() == 1)
raise SystemExit(0 if ok else 1)
