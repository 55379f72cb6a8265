# SPDX-License-Identifier: LGPL-2.1-or-later
"""Awaiting one GIO asynchronous call from an asyncio task.

The task's cancellation (task.cancel(), asyncio.timeout(), wait_for(), a
TaskGroup) cancels a GCancellable that only this call uses; the caller's
own cancellable, if any, still cancels it too.  The C library decides
under its mutex whether the grant or the cancellation came first, and
always completes the call: a grant that came first succeeds even if the
cancellable fires afterwards.  So when the task is cancelled, it waits for
that decision before it goes on, and then:

- the cancellation came first: CancelledError, nothing was taken;
- the grant came first, and what was granted can be handed on (a lock, a
  permit, a Condition wake-up): it is handed on (released), then
  CancelledError, as asyncio does;
- the grant came first and cannot be undone (a Queue item was taken, an
  item was put): the call returns what it got, and the cancellation is
  raised again at the task's next suspension point, unless something that
  handles it (asyncio.timeout()) withdrew it meanwhile.  Nothing is lost,
  nothing is done twice, and the task still ends cancelled.
"""

import asyncio
import warnings

from gi.repository import Gio, GLib
from gi.module import get_introspection_module

from . import errors, loops

AsyncSync = get_introspection_module("AsyncSync")

__all__ = ["Call", "on_asyncio_thread", "may_take_at_once", "await_call", "Done"]

on_asyncio_thread = asyncio._get_running_loop  # the loop, or None: no exception to catch


class Call:
    """What a waiting method returns on a thread that runs an asyncio event
    loop: a coroutine as far as asyncio is concerned (await it, or pass it
    to create_task(), gather(), wait_for() or a TaskGroup), made lazily.

    Never awaited, it warns at once (CPython drops it at once), naming the
    call, as asyncio's own coroutines do; so does the blocking API's idiom
    `if lock.acquire(None):` on such a thread, which never blocks it.  (It
    cannot refuse to be a truth value: asyncio tests its tasks' coroutines
    for truth when it formats them.)
    """

    __slots__ = ("_name", "_function", "_args", "_kwargs", "_coroutine", "_closed")

    def __init__(self, name, function, *args, **kwargs):
        self._name = name
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self._coroutine = None
        self._closed = False

    def _started(self):
        if self._coroutine is None:
            self._coroutine = self._function(*self._args, **self._kwargs)
        return self._coroutine

    def __await__(self):
        return self._started().__await__()

    def send(self, value):
        return self._started().send(value)

    def throw(self, *args):
        return self._started().throw(*args)

    def close(self):
        self._closed = True
        if self._coroutine is not None:
            self._coroutine.close()

    @property
    def __name__(self):  # what asyncio shows for a task running it
        return self._name

    def __repr__(self):
        return f"<AsyncSync {self._name}() awaitable>"

    def __del__(self):
        if self._coroutine is None and not self._closed:
            method = self._name.rsplit(".", 1)[-1]
            warnings.warn(
                f"{self._name}() was never awaited: on a thread that runs an "
                f"asyncio event loop it returns an awaitable (write `await "
                f"x.{method}(...)`); the blocking call is for threads without "
                f"one", RuntimeWarning, stacklevel=2)


class Done:
    """An awaitable that is already complete: what a call that acts at once
    returns where asyncio's counterpart is a coroutine (Barrier.reset())."""

    __slots__ = ()

    def __await__(self):
        return
        yield  # noqa: unreachable -- makes this a generator


def may_take_at_once(cancellable):
    """Whether a call with @cancellable may try its non-waiting variant
    first: not when the cancellable is already cancelled (or its deadline
    passed), which fails the call even where it could succeed at once."""
    if cancellable is None:
        return True
    if cancellable.is_cancelled():
        return False
    return not (isinstance(cancellable, AsyncSync.Timeout) and cancellable.has_expired())


class _Outcome:
    __slots__ = ("value", "error")

    def __init__(self, value=None, error=None):
        self.value = value
        self.error = error


class _CallFuture(asyncio.Future):
    """The future a task awaits for a call.  task.cancel() cancels it, and
    so, at once, the call's GCancellable: a grant made right after the
    cancellation, in the same callback, goes to the next waiter, as with
    asyncio's own primitives (rather than to this one, to be handed on)."""

    def __init__(self, loop, cancellable):
        super().__init__(loop=loop)
        self._cancellable = cancellable

    def cancel(self, msg=None):
        if not self.done():
            self._cancellable.cancel()
        return super().cancel(msg=msg)


class _Pending:
    """The outcome of one call, and the future the task waits on for it."""

    __slots__ = ("outcome", "future")

    def __init__(self, future):
        self.outcome = None
        self.future = future

    def resolve(self, outcome):
        self.outcome = outcome
        if not self.future.done():
            self.future.set_result(None)

    async def settled(self, loop):
        """Waits for the outcome whatever happens: the call always completes,
        soon after its cancellable was cancelled."""
        while self.outcome is None:
            self.future = loop.create_future()
            try:
                await self.future
            except asyncio.CancelledError:
                pass  # already on its way out: one CancelledError will do


def _private_cancellable(cancellable):
    """A cancellable that only this call uses, so that cancelling the task
    cancels this call and nothing else, following the caller's @cancellable
    (cancelled with it, and with the same deadline if it is an
    AsyncSync.Timeout).  Returns it and what to disconnect afterwards."""
    if cancellable is None:
        return Gio.Cancellable(), None
    if isinstance(cancellable, AsyncSync.Timeout):
        private = AsyncSync.Timeout.new_at(cancellable.get_deadline())
    else:
        private = Gio.Cancellable()
    # Runs at once if the caller's cancellable is already cancelled.
    handler = cancellable.connect(private.cancel)
    return private, (cancellable, handler)


def _cancel_again_later(loop, cancelled):
    """Raises the cancellation that a task caught inside a call that
    succeeded again, at the task's next suspension point (the next loop
    iteration), unless something withdrew it meanwhile (asyncio.timeout()
    calls uncancel() when it turns it into TimeoutError)."""
    task = asyncio.current_task(loop)
    if task is None:
        return
    requested = task.cancelling()
    message = cancelled.args[0] if cancelled.args else None

    def cancel_again():
        if requested and not task.done() and task.cancelling() >= requested:
            task.uncancel()
            task.cancel(message)

    loop.call_soon(cancel_again)


async def await_call(begin, finish, cancellable=None, *, give_back=None,
                     keep=False, abandon=None):
    """Starts a GIO call with begin(cancellable, callback) and returns what
    finish(result) returns, raising its GLib.Error flavoured.

    When the task is cancelled but the call was granted first, either
    give_back(value) hands on what was granted before CancelledError is
    raised, or (keep=True) the value is returned and the cancellation is
    raised again at the next suspension point.  abandon(value) undoes a
    grant that can no longer reach the task because its loop is closed
    (default: give_back).
    """
    loop = asyncio.get_running_loop()
    bridge = loops.bridge_for(loop)
    private, link = _private_cancellable(cancellable)
    pending = _Pending(_CallFuture(loop, private))
    abandon = abandon or give_back

    def on_ready(source, result, *user_data):
        try:
            outcome = _Outcome(value=finish(result))
        except GLib.Error as error:
            outcome = _Outcome(error=error)
        bridge.deliver(loop, pending.resolve, outcome, undo_if_granted)

    def undo_if_granted(outcome):
        if outcome.error is None and abandon is not None:
            abandon(outcome.value)

    try:
        bridge.start(loop, lambda: begin(private, on_ready))
        try:
            await pending.future
        except asyncio.CancelledError as cancelled:
            if pending.outcome is None:
                private.cancel()
                await pending.settled(loop)
            if pending.outcome.error is not None:
                raise
            if keep:
                _cancel_again_later(loop, cancelled)
                return pending.outcome.value
            if give_back is not None:
                give_back(pending.outcome.value)
            raise
    finally:
        if link is not None:
            link[0].disconnect(link[1])

    if pending.outcome.error is not None:
        raise errors.flavoured(pending.outcome.error)
    return pending.outcome.value
