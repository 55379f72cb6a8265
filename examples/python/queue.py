# SPDX-License-Identifier: LGPL-2.1-or-later
# A Queue of GObjects (here Gio.File): one producer, two consumers, at most
# two files waiting.  The producer waits for the work with join(), then
# shuts the queue down, which stops the consumers.
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, Gio, GLib

loop = GLib.MainLoop()
queue = AsyncSync.Queue.new(Gio.File, 2)  # items must be Gio.File
files = [Gio.File.new_for_path(f"report-{i}.txt") for i in range(1, 6)]
stopped = []


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


# The producer: put every file (waiting while two are queued), then join.
def produce(i=0):
    if i == len(files):
        queue.join_async(None, all_done)
        return
    queue.put_async(files[i], None, put_done, i)


def put_done(queue, result, i):
    queue.put_finish(result)
    print(f"producer: put {files[i].get_basename()} ({queue.get_length()} queued)")
    produce(i + 1)


def all_done(queue, result):
    queue.join_finish(result)
    print("producer: every file was processed, shutting the queue down")
    queue.shutdown(False)  # waiting and later gets fail with SHUT_DOWN


# A consumer: get a file, process it, mark it done, repeat.
def consume(name):
    queue.get_async(None, got_file, name)


def got_file(queue, result, name):
    try:
        file = queue.get_finish(result)
    except GLib.Error as e:
        if not e.matches(AsyncSync.error_quark(), AsyncSync.Error.SHUT_DOWN):
            raise
        print(f"{name}: the queue is shut down, stops")
        stopped.append(name)
        if len(stopped) == 2:
            loop.quit()
        return
    print(f"{name}: processes {file.get_basename()}")

    def processed():
        queue.task_done()
        consume(name)

    work(3, processed)


consume("consumer A")
consume("consumer B")
produce()
loop.run()
