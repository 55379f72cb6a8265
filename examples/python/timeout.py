# SPDX-License-Identifier: LGPL-2.1-or-later
# Timeouts, as asyncio.timeout(): an AsyncSync.Timeout is the cancellable of
# an operation, which fails with Gio.IOErrorEnum.TIMED_OUT if its deadline
# passes while it waits.  A grant that comes first wins.
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, Gio, GLib

loop = GLib.MainLoop()
lock = AsyncSync.Lock()


def timed_out(error):
    return error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT)


def impatient_done(lock, result):
    try:
        lock.acquire_finish(result)
    except GLib.Error as e:
        if not timed_out(e):
            raise
        print("impatient: timed out, gives up (nothing taken)")
    print("holder: releases the lock")
    lock.release()  # straight to "patient", still within its deadline


def patient_done(lock, result):
    lock.acquire_finish(result)
    print("patient: holds the lock")
    lock.release()
    # A deadline that has passed fails at once, even on a free lock.
    lock.acquire_async(AsyncSync.Timeout.new_at(0), late_done)


def late_done(lock, result):
    try:
        lock.acquire_finish(result)
    except GLib.Error as e:
        if timed_out(e):
            print(f"late: timed out at once, the lock is {'held' if lock.is_locked() else 'free'}")
    loop.quit()


lock.try_acquire()
print("holder: takes the lock")
print("impatient: waits at most 50 ms")
lock.acquire_async(AsyncSync.Timeout.new(50), impatient_done)
print("patient: waits at most 10 s")
lock.acquire_async(AsyncSync.Timeout.new(10_000), patient_done)
loop.run()
