# SPDX-License-Identifier: LGPL-2.1-or-later
# recipe-rw-lock.py: recipe-rw-lock.c in Python, through the override:
# `async with lock.reader:` and `async with lock.writer:`, as aiorwlock
# spells them.
#
# Lookups share the read side of an RWLock; a reload takes the write side,
# waits for the current lookups, and holds back the lookups that ask after
# it.  Exits 0 if a, b, c ran together on version 1, the reload ran alone
# and d, e saw version 2.
import asyncio

import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync  # noqa: E402

lock = AsyncSync.RWLock()
cache = {"version": 1}       # guarded by the lock
state = {"reading": 0, "max_reading": 0, "writing": False, "overlap": False}
seen = []


async def wait_for_io(turns):
    """Keeps the lock for a few event-loop turns, as if waiting for I/O."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def lookup(name):
    async with lock.reader:                  # together with the other readers
        state["reading"] += 1
        state["max_reading"] = max(state["max_reading"], state["reading"])
        state["overlap"] |= state["writing"]
        print(f"{name}: reads version {cache['version']} ({lock.get_n_readers()} reading)")
        await wait_for_io(2)
        seen.append(f"{name}:{cache['version']}")
        state["reading"] -= 1


async def reload():
    async with lock.writer:                  # alone, once the readers before it are done
        state["writing"] = True
        state["overlap"] |= state["reading"] > 0
        print(f"reload: writes alone (write-locked: {'yes' if lock.is_write_locked() else 'no'})")
        await wait_for_io(3)
        cache["version"] += 1                # the new data is in place
        state["writing"] = False
        print(f"reload: version {cache['version']} is in")
    # The readers queued behind it go on, together.


async def main():
    await asyncio.gather(lookup("a"), lookup("b"), lookup("c"), reload(),
                         lookup("d"), lookup("e"))   # d and e ask after the reload


asyncio.run(main())
print("seen:", " ".join(seen))
ok = (seen == ["a:1", "b:1", "c:1", "d:2", "e:2"] and state["max_reading"] == 3
      and not state["overlap"] and lock.get_n_readers() == 0 and not lock.is_write_locked())
raise SystemExit(0 if ok else 1)
