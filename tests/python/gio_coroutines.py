# SPDX-License-Identifier: LGPL-2.1-or-later
"""Awaiting GIO _async/_finish pairs in Python coroutines, over a GLib main
context, for PyGObject 3.42 (which, unlike 3.50, has no awaitable GIO calls):

    async def writer(lock):
        await gio_await(lock.acquire_async, None)   # finish: acquire_finish
        try:
            ...
        finally:
            lock.release()

    run(writer(lock))                 # iterates the thread-default context
    spawn(writer(lock))               # starts a task, awaitable later
"""

from gi.repository import GLib

__all__ = ["Future", "gio_await", "spawn", "run", "gather"]


class Future:
    """A result that arrives later; awaiting it suspends the task."""

    def __init__(self):
        self._done = False
        self._value = None
        self._error = None
        self._on_done = []

    def done(self):
        return self._done

    def result(self):
        if self._error is not None:
            raise self._error
        return self._value

    def _resolve(self, value=None, error=None):
        self._done, self._value, self._error = True, value, error
        callbacks, self._on_done = self._on_done, []
        for callback in callbacks:
            callback()

    def __await__(self):
        if not self._done:
            yield self
        return self.result()


def gio_await(async_method, *args, **kwargs):
    """Calls async_method(*args, **kwargs, callback=...) and returns a
    Future for what the matching _finish method returns (or raises)."""
    finish_name = async_method.__name__[:-len("_async")] + "_finish"
    future = Future()

    def on_ready(source, result, *_user_data):
        try:
            future._resolve(getattr(source, finish_name)(result))
        except GLib.Error as e:
            future._resolve(error=e)

    async_method(*args, callback=on_ready, **kwargs)
    return future


class _Task(Future):
    def __init__(self, coroutine):
        super().__init__()
        self._coroutine = coroutine
        self._step()

    def _step(self):
        try:
            awaited = self._coroutine.send(None)
        except StopIteration as stop:
            self._resolve(stop.value)
        except Exception as e:  # noqa: BLE001 -- handed to whoever awaits
            self._resolve(error=e)
        else:
            awaited._on_done.append(self._step)


def spawn(coroutine):
    """Runs coroutine until its first await; returns an awaitable task."""
    return _Task(coroutine)


async def gather(*awaitables):
    return [await awaitable for awaitable in awaitables]


def run(coroutine, context=None):
    """Runs coroutine to its end, iterating context (by default the
    thread-default main context) while it waits."""
    context = context or GLib.MainContext.ref_thread_default()
    task = _Task(coroutine)
    while not task.done():
        context.iteration(True)
    return task.result()
