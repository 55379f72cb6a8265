# SPDX-License-Identifier: LGPL-2.1-or-later
# overview-counter.py: the asyncio program that overview-counter.c ports.
import asyncio

N_TASKS = 5
counter = 0


async def task(lock):
    global counter
    async with lock:
        value = counter           # read
        await asyncio.sleep(0)    # yield to the event loop
        counter = value + 1       # write


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(task(lock) for _ in range(N_TASKS)))
    print(f"counter = {counter} (expected {N_TASKS})")
    return counter == N_TASKS


raise SystemExit(0 if asyncio.run(main()) else 1)
