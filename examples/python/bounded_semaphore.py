# SPDX-License-Identifier: LGPL-2.1-or-later
# A BoundedSemaphore refuses to be released more often than acquired.
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync


async def main():
    sem = AsyncSync.BoundedSemaphore(2)
    print(f"value {sem.get_value()}, bound {sem.get_bound()}")
    await sem.acquire()
    print(f"acquired: value {sem.get_value()}")
    sem.release()
    print(f"released: value {sem.get_value()}")
    try:
        sem.release()  # one release too many
    except ValueError as e:
        # As asyncio's; also a GLib.Error of the AsyncSync domain.
        if e.matches(AsyncSync.error_quark(), AsyncSync.Error.VALUE):
            print(f"released again: AsyncSync.Error.VALUE: {e.message}")
    print(f"value {sem.get_value()}: unchanged")


asyncio.run(main())
