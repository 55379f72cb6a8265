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
    def deliver(loop, function, argument):
        # Already on the loop's thread, outside any asyncio callback.
        function(argument)
        return True


class _Inbox:
    """The outcomes on their way to one loop: the first of a batch wakes the
    loop, which runs them all, in order."""

    def __init__(self, loop):
        self._loop = loop
        self._lock = threading.Lock()
        self._items = []

    def put(self, function, argument):
        if self._loop.is_closed():
            return False
        with self._lock:
            self._items.append((function, argument))
            first = len(self._items) == 1
        if first:
            try:
                self._loop.call_soon_threadsafe(self._run)
            except RuntimeError:  # closed meanwhile
                return False
        return True

    def _run(self):
        with self._lock:
            items, self._items = self._items, []
        for function, argument in items:
            function(argument)


class HelperThreadBridge:
    """A private GMainContext iterated by a daemon thread, for every loop
    that is not a GLib one."""

    def __init__(self):
        self._inboxes = weakref.WeakKeyDictionary()
        self._inboxes_lock = threading.Lock()
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

    def deliver(self, loop, function, argument):
        """Runs function(argument) on @loop; False if the loop is closed
        and nobody will ever see it."""
        with self._inboxes_lock:
            inbox = self._inboxes.get(loop)
            if inbox is None:
                inbox = self._inboxes[loop] = _Inbox(loop)
        return inbox.put(function, argument)


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
