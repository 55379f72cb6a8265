# SPDX-License-Identifier: LGPL-2.1-or-later
"""Where the completion of a GIO call started by an asyncio task runs.

A GTask completes on the GMainContext that was thread-default in the
thread that started it, when that context is iterated.  An asyncio task
needs its outcome on its own event loop.  Two kinds of loop:

- PyGObject's GLibEventLoop (gi.events, PyGObject 3.50 and later): the
  asyncio loop is a GLib main loop over loop._context.  The call is made
  with that context pushed as thread-default, and the completion runs on
  the loop's thread, between two asyncio callbacks: the outcome is handed
  over directly.

- Any other loop (asyncio's own, uvloop, ...): nothing iterates a
  GMainContext in that thread.  One helper thread per process owns a
  private context and iterates it.  GLib lets only the thread that owns a
  context push it as thread-default, so the call itself is made on the
  helper thread while the task's thread waits for it: by the time the
  awaiting method suspends, the operation is queued (or granted) exactly
  as on a GLib loop, and first-in, first-out holds between tasks.  The
  completion runs on the helper thread, which hands the outcomes to the
  task's loop in batches, with call_soon_threadsafe().
"""

import threading
import weakref

from gi.repository import GLib

try:
    from gi.events import GLibEventLoop
except ImportError:  # PyGObject < 3.50: no GLib event loop for asyncio
    GLibEventLoop = None

__all__ = ["bridge_for", "GLibEventLoop"]


class GLibLoopBridge:
    """Calls and completions on the context of a GLibEventLoop."""

    @staticmethod
    def start(loop, begin):
        # PyGObject's private attribute, which gi.events itself relies on;
        # 3.58 also pushes it as thread-default while the loop runs.
        context = getattr(loop, "_context", None) or GLib.MainContext.ref_thread_default()
        context.push_thread_default()
        try:
            begin()
        finally:
            context.pop_thread_default()

    @staticmethod
    def deliver(loop, function, argument, abandon):
        # Already on the loop's thread, outside any asyncio callback.
        function(argument)


class _Inbox:
    """The outcomes on their way to one loop, which runs them in order.  The
    helper thread adds them as their completions run, and sends them once
    every completion it had ready has run: what was granted together
    (Event.set(), a Barrier cycle, notify_all()) arrives together."""

    def __init__(self, loop):
        self._loop = loop
        self._lock = threading.Lock()
        self._items = []

    def add(self, function, argument, abandon):
        """Adds one; returns whether it is the first of a batch to send."""
        with self._lock:
            self._items.append((function, argument, abandon))
            return len(self._items) == 1

    def send(self):
        try:
            self._loop.call_soon_threadsafe(self._run)
        except RuntimeError:  # the loop is closed: nobody will ever see them
            for _, argument, abandon in self._take():
                abandon(argument)

    def _take(self):
        with self._lock:
            items, self._items = self._items, []
        return items

    def _run(self):
        for function, argument, _ in self._take():
            function(argument)


class HelperThreadBridge:
    """A private GMainContext iterated by a daemon thread, for every loop
    that is not a GLib one."""

    def __init__(self):
        self._inboxes = weakref.WeakKeyDictionary()
        self._inboxes_lock = threading.Lock()
        self._unsent = []  # inboxes with a batch to send; helper thread only
        self._context = GLib.MainContext.new()
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,),
                                        name="AsyncSync completions", daemon=True)
        self._thread.start()
        started.wait()

    def _run(self, started):
        self._context.push_thread_default()
        started.set()
        while True:
            self._context.iteration(True)

    def start(self, loop, begin):
        if threading.current_thread() is self._thread:
            begin()
            return

        made = threading.Lock()
        made.acquire()
        raised = []

        def make_the_call(*_):
            try:
                begin()
            except BaseException as e:  # noqa: BLE001 -- re-raised in the caller
                raised.append(e)
            finally:
                made.release()
            return GLib.SOURCE_REMOVE

        self._context.invoke_full(GLib.PRIORITY_DEFAULT, make_the_call)
        made.acquire()
        if raised:
            raise raised[0]

    def deliver(self, loop, function, argument, abandon):
        """Runs function(argument) on @loop, or abandon(argument) if the
        loop is closed and nobody will ever see it.  Called on the helper
        thread, where the completions run."""
        if loop.is_closed():
            abandon(argument)
            return
        with self._inboxes_lock:
            inbox = self._inboxes.get(loop)
            if inbox is None:
                inbox = self._inboxes[loop] = _Inbox(loop)
        if inbox.add(function, argument, abandon):
            self._unsent.append(inbox)
            if len(self._unsent) == 1:
                # Ready from the next iteration: after the completions that
                # this one's dispatch has still to run.
                source = GLib.idle_source_new()
                source.set_priority(GLib.PRIORITY_DEFAULT)
                source.set_callback(self._send_batches)
                source.attach(self._context)

    def _send_batches(self, *_):
        unsent, self._unsent = self._unsent, []
        for inbox in unsent:
            inbox.send()
        return GLib.SOURCE_REMOVE


_glib_loop_bridge = GLibLoopBridge()
_helper_thread_bridge = None
_helper_thread_lock = threading.Lock()


def bridge_for(loop):
    """The bridge that starts calls for tasks of @loop and delivers their
    completions to it."""
    global _helper_thread_bridge

    if GLibEventLoop is not None and isinstance(loop, GLibEventLoop):
        return _glib_loop_bridge
    if _helper_thread_bridge is None:
        with _helper_thread_lock:
            if _helper_thread_bridge is None:
                _helper_thread_bridge = HelperThreadBridge()
    return _helper_thread_bridge
