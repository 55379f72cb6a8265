# SPDX-License-Identifier: LGPL-2.1-or-later
"""GLib.Error subclasses that asyncio's except clauses also catch.

The override raises the GLib.Error that the C library reports, so
`e.matches(domain, code)` keeps working, but as an instance of a subclass
that also derives from the exception asyncio raises in that case:
`except ValueError`, `except asyncio.BrokenBarrierError`,
`except TimeoutError`, `except asyncio.QueueEmpty` ... work as after an
asyncio call.  GLib.Error already derives from RuntimeError, which is what
asyncio raises for a lock that is not held.
"""

import asyncio

from gi.repository import Gio, GLib
from gi.module import get_introspection_module

AsyncSync = get_introspection_module("AsyncSync")

__all__ = ["flavoured", "call", "GLibQueueEmpty", "GLibQueueFull"]

_ASYNC_SYNC = GLib.quark_to_string(AsyncSync.error_quark())
_IO = GLib.quark_to_string(Gio.io_error_quark())


def _subclass(name, asyncio_class):
    return type(name, (GLib.Error, asyncio_class), {"__module__": __name__})


class GLibTimeoutError(GLib.Error, TimeoutError):
    """G_IO_ERROR_TIMED_OUT: an AsyncSync.Timeout passed before the grant."""

    def __init__(self, message, domain, code):
        super().__init__(message, domain, code)
        # OSError's constructor took the three arguments for errno,
        # strerror and filename.
        self.errno, self.strerror, self.filename = None, message, None


GLibValueError = _subclass("GLibValueError", ValueError)
GLibBrokenBarrierError = _subclass("GLibBrokenBarrierError", asyncio.BrokenBarrierError)
GLibQueueEmpty = _subclass("GLibQueueEmpty", asyncio.QueueEmpty)
GLibQueueFull = _subclass("GLibQueueFull", asyncio.QueueFull)
# asyncio.QueueShutDown is new in Python 3.13.
GLibQueueShutDown = _subclass("GLibQueueShutDown", getattr(asyncio, "QueueShutDown", Exception))

_FLAVOURS = {
    (_ASYNC_SYNC, int(AsyncSync.Error.VALUE)): GLibValueError,
    (_ASYNC_SYNC, int(AsyncSync.Error.BROKEN_BARRIER)): GLibBrokenBarrierError,
    (_ASYNC_SYNC, int(AsyncSync.Error.SHUT_DOWN)): GLibQueueShutDown,
    (_IO, int(Gio.IOErrorEnum.TIMED_OUT)): GLibTimeoutError,
}


def flavoured(error, would_block=None):
    """@error as the subclass that asyncio's except clauses catch, or as
    it is when asyncio has no counterpart; @would_block is the class for
    G_IO_ERROR_WOULD_BLOCK (GLibQueueEmpty or GLibQueueFull, depending
    on the call)."""
    key = (error.domain, error.code)
    cls = _FLAVOURS.get(key)
    if cls is None and would_block is not None and key == (_IO, int(Gio.IOErrorEnum.WOULD_BLOCK)):
        cls = would_block
    if cls is None or isinstance(error, cls):
        return error
    return cls(error.message, error.domain, error.code)


def call(function, *args, would_block=None):
    """function(*args), raising its GLib.Error flavoured."""
    try:
        return function(*args)
    except GLib.Error as error:
        raise flavoured(error, would_block) from None
