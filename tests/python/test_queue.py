#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""AsyncSync.Queue from Python: every method, the `item-type`, `maxsize` and
`length` properties, real GObject items (Gio actions and a Python GObject
subclass) with wrong-type rejection, FIFO producers and consumers,
cancellation and timeouts that never lose or insert an item, task_done and
join, shutdown (normal and immediate), and blocking calls from threads."""

import gc

from asyncsync_testcase import (AsyncSync, ContextTestCase, Gio, GLib,
                                GObject, Results, main)


class Job(GObject.Object):
    """A Python-defined GObject type carried by a queue."""

    name = GObject.Property(type=str, default="")


class UrgentJob(Job):
    pass


def action(name):
    return Gio.SimpleAction.new(name, None)


class QueueTests(ContextTestCase):
    def test_new_and_properties(self):
        for queue in (AsyncSync.Queue.new(Gio.SimpleAction, 2),
                      AsyncSync.Queue(item_type=Gio.SimpleAction, maxsize=2)):
            self.assertEqual(queue.get_item_type(), Gio.SimpleAction.__gtype__)
            self.assertEqual(queue.props.item_type, Gio.SimpleAction.__gtype__)
            self.assertEqual(queue.get_maxsize(), 2)
            self.assertEqual(queue.props.maxsize, 2)
            self.assertEqual(queue.get_length(), 0)
            self.assertEqual(queue.props.length, 0)
            self.assertTrue(queue.is_empty())
            self.assertFalse(queue.is_full())
            self.assertFalse(queue.is_shut_down())
        unbounded = AsyncSync.Queue()  # GObject items, no limit
        self.assertEqual(unbounded.props.item_type, GObject.Object.__gtype__)
        self.assertEqual(unbounded.props.maxsize, 0)
        for i in range(100):
            self.assertTrue(unbounded.try_put(action(f"a{i}")))
        self.assertFalse(unbounded.is_full())
        self.assertEqual(unbounded.get_length(), 100)

    def test_try_put_and_try_get_keep_the_objects(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 2)
        first, second = action("first"), action("second")
        self.assertTrue(queue.try_put(first))
        self.assertTrue(queue.try_put(second))
        self.assertTrue(queue.is_full())
        with self.assertRaises(GLib.Error) as caught:
            queue.try_put(action("third"))  # asyncio's QueueFull
        self.assertWouldBlock(caught.exception)
        self.assertIs(queue.try_get(), first)  # the same Python wrapper
        self.assertIs(queue.try_get(), second)
        with self.assertRaises(GLib.Error) as caught:
            queue.try_get()  # asyncio's QueueEmpty
        self.assertWouldBlock(caught.exception)

    def test_items_of_the_wrong_type_are_rejected(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        with self.assertRaises(GLib.Error) as caught:
            queue.try_put(Gio.Menu())
        self.assertInvalidArgument(caught.exception)
        self.assertIn("GSimpleAction", caught.exception.message)
        results = Results("put_finish")
        queue.put_async(Gio.Menu(), None, results.callback("menu"))
        self.iterate_until(lambda: len(results) == 1)
        self.assertInvalidArgument(results.values()[0])
        with self.assertRaises(GLib.Error) as caught:
            queue.put(Gio.Menu(), None)
        self.assertInvalidArgument(caught.exception)
        with self.assertRaises(TypeError):  # not a GObject at all: PyGObject says so
            queue.try_put("a string")
        self.assertTrue(queue.is_empty())

    def test_an_interface_item_type_accepts_its_implementations(self):
        queue = AsyncSync.Queue.new(Gio.Action, 0)
        simple = action("simple")
        prop = Gio.PropertyAction.new("prop", Job(), "name")
        self.assertTrue(queue.try_put(simple))
        self.assertTrue(queue.try_put(prop))
        with self.assertRaises(GLib.Error) as caught:
            queue.try_put(Gio.Menu())
        self.assertInvalidArgument(caught.exception)
        self.assertEqual([queue.try_get(), queue.try_get()], [simple, prop])

    def test_a_python_gobject_subclass_as_item_type(self):
        queue = AsyncSync.Queue.new(Job, 0)
        self.assertEqual(queue.props.item_type, Job.__gtype__)
        job, urgent = Job(name="write"), UrgentJob(name="flush")
        self.assertTrue(queue.try_put(job))
        self.assertTrue(queue.try_put(urgent))  # a subclass is a Job
        with self.assertRaises(GLib.Error) as caught:
            queue.try_put(GObject.Object())
        self.assertInvalidArgument(caught.exception)
        got = queue.try_get()
        self.assertIs(got, job)
        self.assertEqual(got.props.name, "write")
        self.assertIsInstance(queue.try_get(), UrgentJob)

    def test_the_queue_holds_a_reference_on_its_items(self):
        queue = AsyncSync.Queue.new(Job, 0)
        job = Job(name="kept")
        job.note = "python state"
        finalized = []
        job.weak_ref(lambda: finalized.append(True))
        queue.try_put(job)
        del job
        gc.collect()
        self.assertEqual(finalized, [])
        got = queue.try_get()
        # What comes out is the object put in, with its properties and its
        # Python attributes.  (Whether it is the same Python wrapper is
        # PyGObject's business: 3.42 keeps it alive, 3.58 makes a new one
        # that finds the attributes on the GObject.)
        self.assertEqual(got.props.name, "kept")
        self.assertEqual(got.note, "python state")
        del got
        gc.collect()
        self.assertEqual(finalized, [True])

    def test_waiting_consumers_are_served_fifo_by_direct_hand_off(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 1)
        results = Results("get_finish")
        for i in range(3):
            queue.get_async(None, results.callback(i))
        self.drain()
        self.assertEqual(len(results), 0)
        items = [action(f"item{i}") for i in range(3)]
        for item in items:
            self.assertTrue(queue.try_put(item))  # straight to a consumer
            self.assertEqual(queue.get_length(), 0)
        self.iterate_until(lambda: len(results) == 3)
        self.assertEqual(results.tags(), [0, 1, 2])
        self.assertEqual(results.values(), items)

    def test_waiting_producers_are_served_fifo_when_there_is_room(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 1)
        puts = Results("put_finish")
        items = [action(f"item{i}") for i in range(4)]
        for i, item in enumerate(items):
            queue.put_async(item, None, puts.callback(i))
        self.assertEqual(queue.get_length(), 1)
        self.assertTrue(queue.is_full())
        with self.assertRaises(GLib.Error) as caught:
            queue.try_put(action("barging"))  # producers are waiting
        self.assertWouldBlock(caught.exception)
        self.iterate_until(lambda: len(puts) == 1)
        gets = Results("get_finish")
        for i in range(4):
            queue.get_async(None, gets.callback(i))
            self.iterate_until(lambda: len(gets) == i + 1)
            self.assertEqual(queue.get_length(), 1 if i < 3 else 0)
        got = gets.values()
        self.iterate_until(lambda: len(puts) == 4)
        self.assertEqual(puts.tags(), [0, 1, 2, 3])
        self.assertEqual(puts.values(), [True] * 4)
        self.assertEqual(got, items)

    def test_a_cancelled_get_never_loses_an_item(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        results = Results("get_finish")
        cancellable = Gio.Cancellable()
        queue.get_async(cancellable, results.callback("cancelled"))
        queue.get_async(None, results.callback("next"))
        cancellable.cancel()
        item = action("item")
        queue.try_put(item)
        self.iterate_until(lambda: len(results) == 2)
        self.assertEqual(results.tags(), ["cancelled", "next"])
        self.assertCancelled(results.values()[0])
        self.assertIs(results.values()[1], item)

    def test_a_get_granted_before_its_cancellation_keeps_the_item(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        results = Results("get_finish")
        cancellable = Gio.Cancellable()
        queue.get_async(cancellable, results.callback("a"))
        item = action("item")
        queue.try_put(item)  # handed over...
        cancellable.cancel()  # ...before the callback ran
        self.iterate_until(lambda: len(results) == 1)
        self.assertIs(results.values()[0], item)
        self.assertTrue(queue.is_empty())

    def test_a_cancelled_put_never_inserts_its_item(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 1)
        first = action("first")
        queue.try_put(first)
        results = Results("put_finish")
        cancellable = Gio.Cancellable()
        queue.put_async(action("cancelled"), cancellable, results.callback("put"))
        cancellable.cancel()
        self.iterate_until(lambda: len(results) == 1)
        self.assertCancelled(results.values()[0])
        self.assertIs(queue.try_get(), first)
        self.assertTrue(queue.is_empty())
        with self.assertRaises(GLib.Error):
            queue.try_get()

    def test_pre_cancelled_calls_take_and_insert_nothing(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        queue.try_put(action("there"))
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        gets, puts, joins = Results("get_finish"), Results("put_finish"), Results("join_finish")
        queue.get_async(cancellable, gets.callback("get"))
        queue.put_async(action("never"), cancellable, puts.callback("put"))
        queue.join_async(cancellable, joins.callback("join"))
        self.iterate_until(lambda: len(gets) + len(puts) + len(joins) == 3)
        for error in gets.values() + puts.values() + joins.values():
            self.assertCancelled(error)
        self.assertEqual(queue.get_length(), 1)

    def test_timeouts_on_get_and_put(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 1)
        gets, puts = Results("get_finish"), Results("put_finish")
        queue.get_async(AsyncSync.Timeout.new(10), gets.callback("empty"))
        self.iterate_until(lambda: len(gets) == 1, "the get to time out")
        self.assertTimedOut(gets.values()[0])

        queue.try_put(action("first"))
        queue.put_async(action("late"), AsyncSync.Timeout.new(10), puts.callback("full"))
        self.iterate_until(lambda: len(puts) == 1, "the put to time out")
        self.assertTimedOut(puts.values()[0])
        self.assertEqual(queue.get_length(), 1)
        self.assertEqual(queue.try_get().get_name(), "first")

        with self.assertRaises(GLib.Error) as caught:
            queue.get(AsyncSync.Timeout.new(10))  # blocking, on this thread
        self.assertTimedOut(caught.exception)

    def test_task_done_and_join(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        joins = Results("join_finish")
        queue.join_async(None, joins.callback("idle"))  # nothing unfinished
        self.iterate_until(lambda: len(joins) == 1)
        self.assertEqual(joins.values(), [True])

        for i in range(2):
            queue.try_put(action(f"work{i}"))
        queue.join_async(None, joins.callback("a"))
        queue.join_async(None, joins.callback("b"))
        queue.try_get()
        queue.try_get()
        self.assertTrue(queue.task_done())
        self.drain()
        self.assertEqual(len(joins), 1)  # one put still unfinished
        self.assertTrue(queue.task_done())
        self.iterate_until(lambda: len(joins) == 3)
        self.assertEqual(joins.items[1:], [("a", True), ("b", True)])
        self.assertTrue(queue.join(None))  # returns at once now

        with self.assertRaises(GLib.Error) as caught:
            queue.task_done()  # asyncio's ValueError
        self.assertValueError(caught.exception)

    def test_a_cancelled_join_fails_and_the_count_is_kept(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        queue.try_put(action("work"))
        joins = Results("join_finish")
        cancellable = Gio.Cancellable()
        queue.join_async(cancellable, joins.callback("cancelled"))
        queue.join_async(AsyncSync.Timeout.new(10), joins.callback("timed out"))
        cancellable.cancel()
        self.iterate_until(lambda: len(joins) == 2, "the timeout")
        self.assertCancelled(joins.values()[0])
        self.assertTimedOut(joins.values()[1])
        queue.try_get()
        self.assertTrue(queue.task_done())

    def test_shutdown_fails_puts_and_drains_gets(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 1)
        first = action("first")
        queue.try_put(first)
        puts = Results("put_finish")
        queue.put_async(action("waiting"), None, puts.callback("waiting"))
        queue.shutdown(False)
        self.assertTrue(queue.is_shut_down())
        self.iterate_until(lambda: len(puts) == 1)
        self.assertShutDown(puts.values()[0])
        with self.assertRaises(GLib.Error) as caught:
            queue.try_put(action("later"))
        self.assertShutDown(caught.exception)
        with self.assertRaises(GLib.Error) as caught:
            queue.put(action("later"), None)
        self.assertShutDown(caught.exception)

        gets = Results("get_finish")
        queue.get_async(None, gets.callback("drain"))  # the remaining item
        queue.get_async(None, gets.callback("empty"))
        self.iterate_until(lambda: len(gets) == 2)
        self.assertIs(gets.values()[0], first)
        self.assertShutDown(gets.values()[1])
        with self.assertRaises(GLib.Error) as caught:
            queue.try_get()
        self.assertShutDown(caught.exception)

    def test_shutdown_fails_the_waiting_consumers_of_an_empty_queue(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        gets = Results("get_finish")
        queue.get_async(None, gets.callback("a"))
        queue.get_async(None, gets.callback("b"))
        queue.shutdown(False)
        self.iterate_until(lambda: len(gets) == 2)
        for error in gets.values():
            self.assertShutDown(error)

    def test_immediate_shutdown_drops_the_items_and_ends_joins(self):
        queue = AsyncSync.Queue.new(Job, 0)
        finalized = []
        for i in range(3):
            job = Job(name=f"job{i}")
            job.weak_ref(lambda: finalized.append(True))
            queue.try_put(job)
        del job
        gc.collect()
        joins = Results("join_finish")
        queue.join_async(None, joins.callback("join"))
        queue.shutdown(True)
        self.assertTrue(queue.is_empty())
        # Let go of from the loop, never inside the call.
        self.assertEqual(len(finalized), 0)
        self.iterate_until(lambda: len(joins) == 1 and len(finalized) == 3)
        self.assertEqual(joins.values(), [True])
        with self.assertRaises(GLib.Error) as caught:
            queue.try_get()
        self.assertShutDown(caught.exception)

    def test_notify_length_from_the_loop_coalesced(self):
        queue = AsyncSync.Queue.new(Gio.SimpleAction, 0)
        seen = self.record_notify(queue, "length")
        queue.try_put(action("a"))
        self.assertEqual(seen, [])
        self.drain()
        queue.try_put(action("b"))
        queue.try_put(action("c"))
        self.drain()
        queue.try_get()
        queue.try_put(action("d"))  # back to 3: coalesced away
        self.drain()
        queue.shutdown(True)
        self.drain()
        self.assertEqual([v for v, _ in seen], [1, 3, 0])
        self.assertTrue(all(t == self.main_thread for _, t in seen))

    def test_blocking_put_get_and_join_in_threads(self):
        queue = AsyncSync.Queue.new(Job, 2)
        jobs = [Job(name=f"job{i}") for i in range(6)]

        def produce():
            for job in jobs:
                queue.put(job, None)  # blocks while the queue is full
            return queue.join(None)   # until every job was done

        def consume():
            got = []
            for _ in jobs:
                got.append(queue.get(None))
                queue.task_done()
            return got

        producer = self.run_in_thread(produce)
        consumer = self.run_in_thread(consume)
        for thread, _ in (producer, consumer):
            thread.join(20)
            self.assertFalse(thread.is_alive())
        self.assertEqual(producer[1], [True])
        self.assertEqual(consumer[1], [jobs])
        self.assertTrue(queue.is_empty())

    def test_blocking_get_in_a_thread_ends_on_shutdown(self):
        queue = AsyncSync.Queue.new(Job, 0)
        thread, outcome = self.run_in_thread(queue.get, None)
        # Whether the thread's get is queued yet or not, it gets this job.
        job = Job(name="handed")
        queue.try_put(job)
        thread.join(20)
        self.assertEqual(outcome, [job])
        thread, outcome = self.run_in_thread(queue.get, None)
        queue.shutdown(False)  # fails the get, queued or not yet
        thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertShutDown(outcome[0])


if __name__ == "__main__":
    main()
