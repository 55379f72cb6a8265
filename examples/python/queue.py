# SPDX-License-Identifier: LGPL-2.1-or-later
# A Queue: one producer, two consumers, at most two items waiting.  The
# producer waits for the work with join(), then shuts the queue down,
# which stops the consumers.  AsyncSync.Queue() holds any Python value
# (here file names); a queue of GObjects of one type is
# AsyncSync.Queue(maxsize, item_type=Gio.File).
import asyncio

import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib

FILES = [f"report-{i}.txt" for i in range(1, 6)]


async def produce(queue):
    for name in FILES:
        await queue.put(name)  # waits while two are queued
        print(f"producer: put {name}")
    await queue.join()
    print("producer: every file was processed, shutting the queue down")
    queue.shutdown()  # waiting and later gets fail


async def consume(queue, processed):
    while True:
        try:
            name = await queue.get()
        except GLib.Error as e:  # asyncio.QueueShutDown too, from Python 3.13
            if not e.matches(AsyncSync.error_quark(), AsyncSync.Error.SHUT_DOWN):
                raise
            return
        await asyncio.sleep(0)  # stands in for the processing
        processed.append(name)
        queue.task_done()


async def main():
    queue = AsyncSync.Queue(2)
    processed = []
    await asyncio.gather(produce(queue), consume(queue, processed), consume(queue, processed))
    print("the consumers stopped: the queue is shut down")
    print(f"processed, each once: {', '.join(sorted(processed))}")


asyncio.run(main())
