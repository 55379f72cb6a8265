# SPDX-License-Identifier: LGPL-2.1-or-later
# recipe-timeout.py: recipe-timeout.c in PyGObject.
#
# One AsyncSync.Timeout bounds a request of two steps (the connection, a
# Semaphore of 1; then the reply, an Event), as `async with
# asyncio.timeout(...)` would.  Exits 0 if A times out in step 1, B in
# step 2, C gets its reply, and the connection ends free.
import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, Gio, GLib  # noqa: E402

connection = AsyncSync.Semaphore.new(1)
reply = AsyncSync.Event()


def run_request(name, timeout_ms):
    deadline = AsyncSync.Timeout.new(timeout_ms)
    outcome = []

    def end(step, error=None):
        if error is None:
            outcome.append("reply received")
        elif error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT):
            outcome.append(f"timed out in {step}")
        else:
            outcome.append(f"failed in {step}: {error.message}")
        print(f"{name}: {outcome[0]}")

    def got_reply(reply, result):
        try:
            reply.wait_finish(result)
        except GLib.Error as e:
            end("step 2 (the reply)", e)
        else:
            end("step 2 (the reply)")
        finally:
            connection.release()   # taken in step 1: give it back on every path

    def got_connection(connection, result):
        try:
            connection.acquire_finish(result)
        except GLib.Error as e:   # timed out while queued: nothing taken
            end("step 1 (the connection)", e)
            return
        print(f"{name}: has the connection, waits for the reply")
        reply.wait_async(deadline, got_reply)   # the same deadline: the time left

    print(f"{name}: asks, with a deadline in {timeout_ms} ms")
    connection.acquire_async(deadline, got_connection)
    context = GLib.MainContext.default()
    while not outcome:
        context.iteration(True)
    return outcome[0]


def end_transfer():
    print("transfer: gives the connection back")
    connection.release()
    return GLib.SOURCE_REMOVE


def server_replies():
    print("server: replies")
    reply.set()
    return GLib.SOURCE_REMOVE


connection.try_acquire()               # a long transfer holds the connection
a = run_request("A", 30)
end_transfer()

b = run_request("B", 30)               # free connection, silent server

connection.try_acquire()               # a short transfer, then the server answers
GLib.idle_add(end_transfer)
GLib.idle_add(server_replies)
c = run_request("C", 10_000)

ok = (a == "timed out in step 1 (the connection)" and b == "timed out in step 2 (the reply)"
      and c == "reply received" and connection.get_value() == 1)
raise SystemExit(0 if ok else 1)
