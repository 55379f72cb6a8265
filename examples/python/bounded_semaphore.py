# SPDX-License-Identifier: LGPL-2.1-or-later
# A BoundedSemaphore refuses to be released more often than acquired.
import gi
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib

sem = AsyncSync.BoundedSemaphore.new(2)
print(f"value {sem.props.value}, bound {sem.get_bound()}")

sem.try_acquire()
print(f"acquired: value {sem.props.value}")
sem.release()
print(f"released: value {sem.props.value}")

try:
    sem.release()  # one release too many
except GLib.Error as e:
    # asyncio raises ValueError; here a GLib.Error of the AsyncSync domain.
    if e.matches(AsyncSync.error_quark(), AsyncSync.Error.VALUE):
        print(f"released again: AsyncSync.Error.VALUE: {e.message}")
print(f"value {sem.props.value}: unchanged")
