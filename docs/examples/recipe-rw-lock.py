# SPDX-License-Identifier: LGPL-2.1-or-later
# recipe-rw-lock.py: recipe-rw-lock.c in PyGObject.
#
# Lookups share the read side of an RWLock; a reload takes the write side,
# waits for the current lookups, and holds back the lookups that ask after
# it.  Exits 0 if a, b, c ran together on version 1, the reload ran alone
# and d, e saw version 2.
import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib  # noqa: E402

lock = AsyncSync.RWLock()
cache = {"version": 1}       # guarded by the lock
state = {"reading": 0, "max_reading": 0, "writing": False, "overlap": False}
seen = []
n_done = 0


def hold(turns, then):
    """Keeps the lock for a few main-loop turns, as if waiting for I/O."""
    left = [turns]

    def turn():
        left[0] -= 1
        if left[0] > 0:
            return GLib.SOURCE_CONTINUE
        then()
        return GLib.SOURCE_REMOVE

    GLib.idle_add(turn)


def lookup(name):
    def locked(lock, result):
        global n_done
        lock.read_acquire_finish(result)     # raises GLib.Error if cancelled
        state["reading"] += 1
        state["max_reading"] = max(state["max_reading"], state["reading"])
        state["overlap"] |= state["writing"]
        print(f"{name}: reads version {cache['version']} ({lock.get_n_readers()} reading)")

        def done():
            global n_done
            seen.append(f"{name}:{cache['version']}")
            state["reading"] -= 1
            lock.read_release()
            n_done += 1

        hold(2, done)

    lock.read_acquire_async(None, locked)


def reload():
    def locked(lock, result):
        lock.write_acquire_finish(result)
        state["writing"] = True
        state["overlap"] |= state["reading"] > 0
        print(f"reload: writes alone (write-locked: {'yes' if lock.is_write_locked() else 'no'})")

        def done():
            global n_done
            cache["version"] += 1            # the new data is in place
            state["writing"] = False
            print(f"reload: version {cache['version']} is in")
            lock.write_release()             # the readers behind it go on
            n_done += 1

        hold(3, done)

    lock.write_acquire_async(None, locked)


lookup("a")
lookup("b")
lookup("c")
reload()
lookup("d")                                  # asks after the reload: waits behind it
lookup("e")
print(f"{lock.get_n_readers()} reading, {lock.get_n_waiting()} waiting")

context = GLib.MainContext.default()
while n_done < 6:
    context.iteration(True)

print("seen:", " ".join(seen))
ok = (seen == ["a:1", "b:1", "c:1", "d:2", "e:2"] and state["max_reading"] == 3
      and not state["overlap"] and lock.get_n_readers() == 0 and not lock.is_write_locked())
raise SystemExit(0 if ok else 1)
