# SPDX-License-Identifier: LGPL-2.1-or-later
"""How an AsyncSync.Queue carries Python values that are not GObjects.

An asyncio queue holds any object; the C queue holds GObjects of its item
type.  A queue whose item type is GObject.Object (what AsyncSync.Queue()
makes) gets any other Python value in a PythonValue box: the methods of
the override put it in on the way in and take it out on the way out.
The GI callback API (put_async() with a callback, try_put(), get_finish(),
try_get()) sees the box itself, a GObject whose `value` property holds the
Python value; C and JavaScript see an opaque GObject.
"""

from gi.repository import GObject

__all__ = ["PythonValue", "boxed", "unboxed"]


class PythonValue(GObject.Object):
    """A Python value in a queue of GObjects."""

    value = GObject.Property(type=object, flags=GObject.ParamFlags.READWRITE
                             | GObject.ParamFlags.CONSTRUCT_ONLY)

    def __repr__(self):
        return f"<AsyncSync.PythonValue {self.value!r}>"


# PyGObject registers no GType for the classes of modules under
# gi.overrides (they are meant to wrap existing types): ask explicitly.
GObject.type_register(PythonValue, "AsyncSyncPythonValue")


def boxed(queue, item):
    """@item as @queue can hold it."""
    if isinstance(item, GObject.Object):
        return item
    if queue.get_item_type() != GObject.Object.__gtype__:
        raise TypeError(
            f"this Queue holds {queue.get_item_type().name} items, not "
            f"{type(item).__name__}: only a queue made with item_type "
            f"GObject.Object (the default of AsyncSync.Queue()) holds any "
            f"Python value")
    return PythonValue(value=item)


def unboxed(item):
    """What was put: the Python value of a box, else @item itself."""
    return item.value if isinstance(item, PythonValue) else item
