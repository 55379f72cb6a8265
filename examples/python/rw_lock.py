# SPDX-License-Identifier: LGPL-2.1-or-later
# An RWLock guarding a configuration, as tokio's RwLock: readers share it,
# a writer has it alone.  The lock is fair and write-preferring: a reader
# that asks after a waiting writer waits behind it.
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync

config = {"version": 1}


async def work(steps):
    """Stands in for real asynchronous work: `steps` turns of the loop."""
    for _ in range(steps):
        await asyncio.sleep(0)


async def read(lock, name, steps):
    print(f"{name}: asks to read ({lock.get_n_readers()} reading, "
          f"{lock.get_n_waiting()} waiting)")
    async with lock.reader:  # at once if it is free, or only read
        print(f"{name}: reads version {config['version']} ({lock.get_n_readers()} reading)")
        await work(steps)
    print(f"{name}: done")


async def write(lock, name, steps):
    print(f"{name}: asks to write ({lock.get_n_readers()} reading)")
    async with lock.writer:
        config["version"] += 1
        print(f"{name}: writes version {config['version']} "
              f"(write-locked: {'yes' if lock.is_write_locked() else 'no'})")
        await work(steps)
    # Leaving the block lets the readers queued behind it go on together.
    print(f"{name}: done")


async def main():
    lock = AsyncSync.RWLock()
    await asyncio.gather(
        read(lock, "reader 1", 1),
        read(lock, "reader 2", 2),
        write(lock, "writer", 1),
        read(lock, "reader 3", 1),  # behind the writer, although readers hold the lock
    )


asyncio.run(main())
