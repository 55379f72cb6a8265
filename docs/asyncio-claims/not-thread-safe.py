#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio's primitives are not thread-safe: an Event.set() called from
another thread than the one running the waiter's loop is an error, which
asyncio's debug mode reports as RuntimeError (without debug mode the
waiter may simply not wake up).  (Here every method may be called from
any thread.)

Backs: porting-from-asyncio.xml#porting-differences
Backs: benchmarks.xml#benchmarks-scenarios
"""

import asyncio
import threading

from claims import holds, PYTHON, spin

errors = []


async def main():
    event = asyncio.Event()
    asyncio.create_task(event.wait())
    await spin()

    def other_thread():
        try:
            event.set()
        except RuntimeError as e:
            errors.append(e)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()


# Not asyncio.run(): the waiter's wake-up was lost with the error, so it
# never ends, and asyncio.run() would wait for it.
loop = asyncio.new_event_loop()
loop.set_debug(True)
loop.set_exception_handler(lambda loop, context: None)  # the stuck waiter
loop.run_until_complete(main())
loop.close()
holds(len(errors) == 1, 'Event.set() from another thread raises RuntimeError in debug mode')
print('%s: asyncio.Event.set() from another thread is an error (debug mode says so)' % PYTHON)
