# SPDX-License-Identifier: LGPL-2.1-or-later
# An RWLock guarding a configuration, as tokio's RwLock: readers share it,
# a writer has it alone.  The lock is fair and write-preferring: a reader
# that asks after a waiting writer waits behind it.
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib

loop = GLib.MainLoop()
lock = AsyncSync.RWLock()
config = {"version": 1}
finished = []


def work(steps, then):
    """Stands in for real asynchronous work: `steps` main-loop turns."""
    left = [steps]

    def step():
        left[0] -= 1
        if left[0] > 0:
            return GLib.SOURCE_CONTINUE
        then()
        return GLib.SOURCE_REMOVE

    GLib.idle_add(step)


def finish(name):
    print(f"{name}: done")
    finished.append(name)
    if len(finished) == 4:
        loop.quit()


def read(name, steps):
    print(f"{name}: asks to read ({lock.get_n_readers()} reading, "
          f"{lock.get_n_waiting()} waiting)")
    lock.read_acquire_async(None, reading, name, steps)


def reading(lock, result, name, steps):
    lock.read_acquire_finish(result)  # raises GLib.Error if cancelled while queued
    print(f"{name}: reads version {config['version']} ({lock.get_n_readers()} reading)")

    def done():
        lock.read_release()
        finish(name)

    work(steps, done)


def write(name, steps):
    print(f"{name}: asks to write ({lock.get_n_readers()} reading)")
    lock.write_acquire_async(None, writing, name, steps)


def writing(lock, result, name, steps):
    lock.write_acquire_finish(result)
    config["version"] += 1
    print(f"{name}: writes version {config['version']} "
          f"(write-locked: {'yes' if lock.is_write_locked() else 'no'})")

    def done():
        lock.write_release()  # the readers queued behind it go on together
        finish(name)

    work(steps, done)


read("reader 1", 1)
read("reader 2", 2)
write("writer", 1)
read("reader 3", 1)  # behind the writer, although readers hold the lock
loop.run()
