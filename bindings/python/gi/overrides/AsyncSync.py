# SPDX-License-Identifier: LGPL-2.1-or-later
"""The PyGObject override of AsyncSync: asyncio's names and idioms.

`from gi.repository import AsyncSync` loads it.  Every primitive keeps its
GI API (the `_async`/`_finish` pairs with a callback, `try_*`, `.new()`),
and gains asyncio's:

    lock = AsyncSync.Lock()              sem = AsyncSync.Semaphore(3)
    async with lock: ...                 async with sem: ...
    await event.wait()                   item = await queue.get()

on any asyncio event loop: PyGObject's GLibEventLoop (gi.events) or
asyncio's own, in any number of threads at once.

The rule for the names that GI's blocking API shares with asyncio
(acquire, wait, wait_for, get, put, join, acquire_many, read_acquire,
write_acquire): on a thread that runs an asyncio event loop they return
an awaitable, so `await lock.acquire()` works as in asyncio; on any other
thread (a worker thread, asyncio.to_thread()) they block, as in C.  The
`_async` methods called without a callback return the same awaitables.

The reference manual's "Python and asyncio" chapter has the whole mapping
and what each operation does when a grant and a cancellation meet.
"""

import warnings

from gi.module import get_introspection_module
from gi.overrides import override
from gi.repository import Gio, GLib, GObject

from ._asyncsync import errors
from ._asyncsync.operations import (Call, Done, await_call, may_take_at_once,
                                    on_asyncio_thread)
from ._asyncsync.values import PythonValue, boxed, unboxed

AsyncSync = get_introspection_module("AsyncSync")

__all__ = ["PythonValue"]


# ---- how the methods are made --------------------------------------------

def _named(method, name, doc):
    method.__name__ = name.rsplit(".", 1)[1]
    method.__qualname__ = name
    method.__doc__ = doc.format(method=method.__name__)
    return method


def _shared_name(name, blocking, awaiting):
    """Method @name ("Class.method"), a name that GI's blocking API shares
    with asyncio: on a thread that runs an asyncio event loop it returns an
    awaitable of awaiting(self, ...); on any other thread it is
    blocking(self, ...)."""
    def method(self, *args, **kwargs):
        if on_asyncio_thread():
            return Call(name, awaiting, self, *args, **kwargs)
        return blocking(self, *args, **kwargs)

    return _named(method, name, "On a thread that runs an asyncio event loop: "
                  "`await x.{method}(...)`.  On any other thread, GI's blocking "
                  "call:\n\n" + (blocking.__doc__ or ""))


def _async_name(name, gi_method, awaiting, params=("cancellable",)):
    """Method @name, an `_async` method: with a callback, GI's; without one,
    on a thread that runs an asyncio event loop, an awaitable of
    awaiting(self, *params); elsewhere GI's, whatever this PyGObject does
    then."""
    def method(self, *args, **kwargs):
        callback = kwargs.get("callback", args[len(params)] if len(args) > len(params) else None)
        if callback is None and on_asyncio_thread():
            values = list(args[:len(params)])
            values += [kwargs.get(p) for p in params[len(values):]]
            return Call(name, awaiting, self, *values)
        return gi_method(self, *args, **kwargs)

    return _named(method, name, "Without a callback, on a thread that runs an asyncio "
                  "event loop: `await x.{method}(...)`.  Otherwise GI's:\n\n" +
                  (gi_method.__doc__ or ""))


def _with_asyncio_errors(gi_method, would_block=None):
    """GI's @gi_method, raising its GLib.Error as the subclass that asyncio's
    except clauses catch too."""
    def method(self, *args):
        try:
            return gi_method(self, *args)
        except GLib.Error as error:
            raise errors.flavoured(error, would_block) from None

    method.__name__ = gi_method.__name__
    method.__doc__ = gi_method.__doc__
    return method


def _awaiting_acquire(try_acquire, acquire_async, acquire_finish, release, *n):
    """The awaitable acquisition of a lock, a permit (@n of them for a
    weighted one) or a side of an RWLock: at once when try_acquire() can
    take it, else through acquire_async().  A grant that the task's
    cancellation did not stop is handed on with release()."""
    async def awaiting(self, cancellable=None):
        if may_take_at_once(cancellable) and try_acquire(self, *n):
            return True
        return await await_call(
            lambda c, cb: acquire_async(self, *n, c, cb),
            lambda result: acquire_finish(self, result), cancellable,
            give_back=lambda _: release(self, *n))
    return awaiting


def _repr(obj, *states):
    gi_repr = GObject.Object.__repr__(obj)  # <AsyncSync.Lock object at ... (AsyncSyncLock at ...)>
    return f"{gi_repr[:-1]} [{', '.join(s for s in states if s)}]>"


def _waiters(n):
    return f"waiters:{n}" if n else ""


class _LockLike:
    """asyncio's `async with x:` and `x.locked()`, for what has
    try_acquire(), _acquire_awaited() and release()."""

    def locked(self):
        return self.is_locked()

    async def __aenter__(self):
        # The common case first, without a coroutine of its own.
        if not self.try_acquire():
            await self._acquire_awaited()

    async def __aexit__(self, exc_type, exc, tb):
        self.release()


# ---- Lock ------------------------------------------------------------------

@override
class Lock(_LockLike, AsyncSync.Lock):
    """asyncio.Lock: `async with lock:`, `await lock.acquire()`,
    `lock.release()`, `lock.locked()`."""

    _acquire_awaited = _awaiting_acquire(
        AsyncSync.Lock.try_acquire, AsyncSync.Lock.acquire_async,
        AsyncSync.Lock.acquire_finish, AsyncSync.Lock.release)

    acquire = _shared_name("Lock.acquire", AsyncSync.Lock.acquire, _acquire_awaited)
    acquire_async = _async_name("Lock.acquire_async", AsyncSync.Lock.acquire_async,
                                _acquire_awaited)
    release = _with_asyncio_errors(AsyncSync.Lock.release)

    def __repr__(self):
        return _repr(self, "locked" if self.is_locked() else "unlocked",
                     _waiters(self.get_n_waiting()))


__all__.append("Lock")


# ---- Event -----------------------------------------------------------------

@override
class Event(AsyncSync.Event):
    """asyncio.Event: `await event.wait()`, `set()`, `clear()`, `is_set()`."""

    async def _wait_awaited(self, cancellable=None):
        if may_take_at_once(cancellable) and self.is_set():
            return True
        return await await_call(
            lambda c, cb: AsyncSync.Event.wait_async(self, c, cb),
            self.wait_finish, cancellable)

    wait = _shared_name("Event.wait", AsyncSync.Event.wait, _wait_awaited)
    wait_async = _async_name("Event.wait_async", AsyncSync.Event.wait_async, _wait_awaited)

    def __repr__(self):
        return _repr(self, "set" if self.is_set() else "unset",
                     _waiters(self.get_n_waiting()))


__all__.append("Event")


# ---- Condition -------------------------------------------------------------

def _call_gi_predicate(predicate, predicate_data):
    """A predicate as GI's wait_for_async() calls it: PyGObject passes a
    tuple of predicate_data as the arguments, anything else as the one."""
    if isinstance(predicate_data, tuple):
        return predicate(*predicate_data)
    return predicate(predicate_data)


@override
class Condition(_LockLike, AsyncSync.Condition):
    """asyncio.Condition: `AsyncSync.Condition(lock=None)`,
    `async with cond:`, `await cond.wait()`, `await cond.wait_for(pred)`,
    `cond.notify(n=1)`, `cond.notify_all()`, `cond.locked()`."""

    def __init__(self, lock=None, **kwargs):
        if lock is not None:
            kwargs["lock"] = lock
        super().__init__(**kwargs)

    _acquire_awaited = _awaiting_acquire(
        AsyncSync.Condition.try_acquire, AsyncSync.Condition.acquire_async,
        AsyncSync.Condition.acquire_finish, AsyncSync.Condition.release)

    async def _wait_awaited(self, cancellable=None):
        # Whatever the outcome, the lock is held again when it arrives.  A
        # wake-up that came before the cancellation goes to the next waiter.
        return await await_call(
            lambda c, cb: AsyncSync.Condition.wait_async(self, c, cb),
            self.wait_finish, cancellable,
            give_back=lambda _: AsyncSync.Condition.notify(self, 1),
            abandon=self._abandon_wake_up)

    def _abandon_wake_up(self, _):
        AsyncSync.Condition.notify(self, 1)
        AsyncSync.Condition.release(self)

    async def _wait_for_awaited(self, predicate, cancellable=None):
        # asyncio's own loop: the predicate runs in the task, lock held.
        result = predicate()
        while not result:
            await self._wait_awaited(cancellable)
            result = predicate()
        return result

    acquire = _shared_name("Condition.acquire", AsyncSync.Condition.acquire, _acquire_awaited)
    acquire_async = _async_name("Condition.acquire_async", AsyncSync.Condition.acquire_async,
                                _acquire_awaited)
    wait = _shared_name("Condition.wait", AsyncSync.Condition.wait, _wait_awaited)
    wait_async = _async_name("Condition.wait_async", AsyncSync.Condition.wait_async,
                             _wait_awaited)
    release = _with_asyncio_errors(AsyncSync.Condition.release)
    notify_all = _with_asyncio_errors(AsyncSync.Condition.notify_all)

    def notify(self, n=1):
        return errors.call(AsyncSync.Condition.notify, self, n)

    def wait_for(self, predicate, *args, **kwargs):
        """On a thread that runs an asyncio event loop, asyncio's
        `await cond.wait_for(predicate, cancellable=None)`, the predicate
        taking no argument.  On any other thread, GI's blocking
        wait_for(predicate, predicate_data, cancellable)."""
        if on_asyncio_thread():
            cancellable = kwargs.get("cancellable", args[0] if args else None)
            return Call("Condition.wait_for", Condition._wait_for_awaited, self,
                        predicate, cancellable)
        return AsyncSync.Condition.wait_for(self, predicate, *args, **kwargs)

    def wait_for_async(self, predicate, *args, **kwargs):
        """GI's wait_for_async(predicate, predicate_data, cancellable,
        callback, user_data).  Without a callback, on a thread that runs an
        asyncio event loop, an awaitable; the predicate is called as GI
        calls it, with predicate_data."""
        callback = kwargs.get("callback", args[2] if len(args) > 2 else None)
        if callback is None and on_asyncio_thread():
            data = kwargs.get("predicate_data", args[0] if args else None)
            cancellable = kwargs.get("cancellable", args[1] if len(args) > 1 else None)
            return Call("Condition.wait_for_async", Condition._wait_for_awaited, self,
                        lambda: _call_gi_predicate(predicate, data), cancellable)
        return AsyncSync.Condition.wait_for_async(self, predicate, *args, **kwargs)

    def __repr__(self):
        return _repr(self, "locked" if self.is_locked() else "unlocked",
                     _waiters(self.get_n_waiting()))


__all__.append("Condition")


# ---- Semaphore and BoundedSemaphore -----------------------------------------

async def _acquire_many_awaited(self, n, cancellable=None):
    awaiting = _awaiting_acquire(
        AsyncSync.Semaphore.try_acquire_many, AsyncSync.Semaphore.acquire_many_async,
        AsyncSync.Semaphore.acquire_many_finish, AsyncSync.Semaphore.release_many, n)
    return await awaiting(self, cancellable)


def _check_initial_value(value):
    # asyncio's message and class; GObject's own check would raise TypeError
    # or OverflowError, depending on the PyGObject version.
    if isinstance(value, int) and value < 0:
        raise ValueError("Semaphore initial value must be >= 0")


@override
class Semaphore(_LockLike, AsyncSync.Semaphore):
    """asyncio.Semaphore: `AsyncSync.Semaphore(value=1)`, `async with sem:`,
    `await sem.acquire()`, `sem.release()`, `sem.locked()`; beyond asyncio,
    `await sem.acquire_many(n)` and `sem.release_many(n)`."""

    def __init__(self, value=1, **kwargs):
        _check_initial_value(value)
        super().__init__(value=value, **kwargs)

    _acquire_awaited = _awaiting_acquire(
        AsyncSync.Semaphore.try_acquire, AsyncSync.Semaphore.acquire_async,
        AsyncSync.Semaphore.acquire_finish, AsyncSync.Semaphore.release)

    acquire = _shared_name("Semaphore.acquire", AsyncSync.Semaphore.acquire, _acquire_awaited)
    acquire_async = _async_name("Semaphore.acquire_async", AsyncSync.Semaphore.acquire_async,
                                _acquire_awaited)
    acquire_many = _shared_name("Semaphore.acquire_many", AsyncSync.Semaphore.acquire_many,
                                _acquire_many_awaited)
    acquire_many_async = _async_name("Semaphore.acquire_many_async",
                                     AsyncSync.Semaphore.acquire_many_async,
                                     _acquire_many_awaited, params=("n", "cancellable"))
    release = _with_asyncio_errors(AsyncSync.Semaphore.release)
    release_many = _with_asyncio_errors(AsyncSync.Semaphore.release_many)

    def __repr__(self):
        return _repr(self, "locked" if self.is_locked() else "unlocked",
                     f"value:{self.get_value()}", _waiters(self.get_n_waiting()))


__all__.append("Semaphore")


# PyGObject builds the wrapper of a subclass on the overridden wrapper of
# its parent: AsyncSync.BoundedSemaphore, read from here on, derives from
# the Semaphore above and has all its methods.
@override
class BoundedSemaphore(AsyncSync.BoundedSemaphore):
    """asyncio.BoundedSemaphore: as Semaphore, and a release above the
    initial value raises ValueError (a GLib.Error, AsyncSync.Error.VALUE)."""

    def __init__(self, value=1, **kwargs):
        _check_initial_value(value)
        super().__init__(value=value, **kwargs)


__all__.append("BoundedSemaphore")


# ---- Barrier -----------------------------------------------------------------

@override
class Barrier(AsyncSync.Barrier):
    """asyncio.Barrier: `AsyncSync.Barrier(parties)`,
    `index = await barrier.wait()`, `await barrier.reset()`,
    `await barrier.abort()`, `parties`, `n_waiting`, `broken`.  Off an
    event loop, GI's blocking wait() returns (True, index)."""

    def __init__(self, parties=1, **kwargs):
        if parties < 1:
            raise ValueError("parties must be > 0")
        super().__init__(parties=parties, **kwargs)

    async def _wait_awaited(self, cancellable=None):
        ok, index = await await_call(
            lambda c, cb: AsyncSync.Barrier.wait_async(self, c, cb),
            self.wait_finish, cancellable)
        return index

    wait = _shared_name("Barrier.wait", AsyncSync.Barrier.wait, _wait_awaited)
    wait_async = _async_name("Barrier.wait_async", AsyncSync.Barrier.wait_async, _wait_awaited)

    # asyncio's reset() and abort() are coroutines; these act at once and,
    # on an event loop, return something to await all the same.
    def reset(self):
        AsyncSync.Barrier.reset(self)
        return Done() if on_asyncio_thread() else None

    def abort(self):
        AsyncSync.Barrier.abort(self)
        return Done() if on_asyncio_thread() else None

    @property
    def parties(self):
        return self.get_parties()

    @property
    def n_waiting(self):
        return self.get_n_waiting()

    @property
    def broken(self):
        return self.is_broken()

    def __repr__(self):
        return _repr(self, "broken" if self.is_broken() else "filling",
                     f"waiters:{self.get_n_waiting()}/{self.get_parties()}")


__all__.append("Barrier")


# ---- Queue -------------------------------------------------------------------

def _taken_at_once(try_function, *args):
    """try_put() or try_get(): its result, or None when it would have to
    wait; its other errors are raised, flavoured."""
    try:
        return try_function(*args)
    except GLib.Error as error:
        if error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.WOULD_BLOCK):
            return None
        raise errors.flavoured(error) from None


def _drop_item(item):
    warnings.warn(f"AsyncSync.Queue: {unboxed(item)!r} was taken for a task whose "
                  f"event loop is closed, and is lost", RuntimeWarning)


def _blocking_put(self, item, cancellable=None):
    return errors.call(AsyncSync.Queue.put, self, boxed(self, item), cancellable)


def _blocking_get(self, cancellable=None):
    return unboxed(errors.call(AsyncSync.Queue.get, self, cancellable))


_blocking_put.__doc__ = AsyncSync.Queue.put.__doc__
_blocking_get.__doc__ = AsyncSync.Queue.get.__doc__


@override
class Queue(AsyncSync.Queue):
    """asyncio.Queue: `AsyncSync.Queue(maxsize=0)`, `await q.put(item)`,
    `item = await q.get()`, `put_nowait()`, `get_nowait()`, `task_done()`,
    `await q.join()`, `qsize()`, `empty()`, `full()`, `maxsize`,
    `shutdown(immediate=False)`.  With the default item type
    (GObject.Object) it holds any Python value."""

    def __init__(self, maxsize=0, **kwargs):
        super().__init__(maxsize=max(0, maxsize), **kwargs)

    # A put or a get that was granted before the task's cancellation took
    # effect cannot be undone: the call returns, and the cancellation is
    # raised again at the task's next await (operations.await_call()).
    async def _put_awaited(self, item, cancellable=None):
        item = boxed(self, item)
        if may_take_at_once(cancellable) and _taken_at_once(AsyncSync.Queue.try_put, self, item):
            return True
        return await await_call(
            lambda c, cb: AsyncSync.Queue.put_async(self, item, c, cb),
            self.put_finish, cancellable, keep=True)

    async def _get_awaited(self, cancellable=None):
        item = None
        if may_take_at_once(cancellable):
            item = _taken_at_once(AsyncSync.Queue.try_get, self)
        if item is None:
            item = await await_call(
                lambda c, cb: AsyncSync.Queue.get_async(self, c, cb),
                self.get_finish, cancellable, keep=True, abandon=_drop_item)
        return unboxed(item)

    async def _join_awaited(self, cancellable=None):
        return await await_call(
            lambda c, cb: AsyncSync.Queue.join_async(self, c, cb),
            self.join_finish, cancellable)

    put = _shared_name("Queue.put", _blocking_put, _put_awaited)
    get = _shared_name("Queue.get", _blocking_get, _get_awaited)
    join = _shared_name("Queue.join", AsyncSync.Queue.join, _join_awaited)
    put_async = _async_name("Queue.put_async", AsyncSync.Queue.put_async, _put_awaited,
                            params=("item", "cancellable"))
    get_async = _async_name("Queue.get_async", AsyncSync.Queue.get_async, _get_awaited)
    join_async = _async_name("Queue.join_async", AsyncSync.Queue.join_async, _join_awaited)
    task_done = _with_asyncio_errors(AsyncSync.Queue.task_done)

    def put_nowait(self, item):
        errors.call(AsyncSync.Queue.try_put, self, boxed(self, item),
                    would_block=errors.GLibQueueFull)

    def get_nowait(self):
        return unboxed(errors.call(AsyncSync.Queue.try_get, self,
                                   would_block=errors.GLibQueueEmpty))

    def shutdown(self, immediate=False):
        AsyncSync.Queue.shutdown(self, immediate)

    @property
    def maxsize(self):
        return self.get_maxsize()

    def qsize(self):
        return self.get_length()

    def empty(self):
        return self.is_empty()

    def full(self):
        return self.is_full()

    def __repr__(self):
        return _repr(self, f"maxsize={self.get_maxsize()}", f"qsize={self.get_length()}",
                     "shut down" if self.is_shut_down() else "")


__all__.append("Queue")


# ---- RWLock ------------------------------------------------------------------

class _RWLockSide:
    """One side of an RWLock, as aiorwlock's `reader` and `writer`:
    `async with rw.reader:`, `await rw.writer.acquire()`, `release()`,
    `locked()` (the side is held)."""

    __slots__ = ("_lock", "_read")

    def __init__(self, lock, read):
        self._lock = lock
        self._read = read

    def acquire(self, cancellable=None):
        return (self._lock.read_acquire if self._read else self._lock.write_acquire)(cancellable)

    def release(self):
        return (self._lock.read_release if self._read else self._lock.write_release)()

    def locked(self):
        if self._read:
            return self._lock.get_n_readers() > 0
        return self._lock.is_write_locked()

    async def __aenter__(self):
        if self._read:
            await self._lock._read_acquire_awaited()
        else:
            await self._lock._write_acquire_awaited()

    async def __aexit__(self, exc_type, exc, tb):
        self.release()

    def __repr__(self):
        return f"<{'reader' if self._read else 'writer'} of {self._lock!r}>"


@override
class RWLock(AsyncSync.RWLock):
    """A fair, write-preferring read-write lock: `async with rw.reader:`,
    `async with rw.writer:`, `await rw.read_acquire()`,
    `rw.read_release()`, `await rw.write_acquire()`, `rw.write_release()`."""

    _read_acquire_awaited = _awaiting_acquire(
        AsyncSync.RWLock.try_read_acquire, AsyncSync.RWLock.read_acquire_async,
        AsyncSync.RWLock.read_acquire_finish, AsyncSync.RWLock.read_release)
    _write_acquire_awaited = _awaiting_acquire(
        AsyncSync.RWLock.try_write_acquire, AsyncSync.RWLock.write_acquire_async,
        AsyncSync.RWLock.write_acquire_finish, AsyncSync.RWLock.write_release)

    read_acquire = _shared_name("RWLock.read_acquire", AsyncSync.RWLock.read_acquire,
                                _read_acquire_awaited)
    write_acquire = _shared_name("RWLock.write_acquire", AsyncSync.RWLock.write_acquire,
                                 _write_acquire_awaited)
    read_acquire_async = _async_name("RWLock.read_acquire_async",
                                     AsyncSync.RWLock.read_acquire_async, _read_acquire_awaited)
    write_acquire_async = _async_name("RWLock.write_acquire_async",
                                      AsyncSync.RWLock.write_acquire_async,
                                      _write_acquire_awaited)
    read_release = _with_asyncio_errors(AsyncSync.RWLock.read_release)
    write_release = _with_asyncio_errors(AsyncSync.RWLock.write_release)

    @property
    def reader(self):
        return _RWLockSide(self, True)

    @property
    def writer(self):
        return _RWLockSide(self, False)

    def __repr__(self):
        if self.is_write_locked():
            state = "writing"
        elif self.get_n_readers():
            state = f"reading:{self.get_n_readers()}"
        else:
            state = "unlocked"
        return _repr(self, state, _waiters(self.get_n_waiting()))


__all__.append("RWLock")
