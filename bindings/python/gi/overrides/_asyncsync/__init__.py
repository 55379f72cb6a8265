# SPDX-License-Identifier: LGPL-2.1-or-later
"""The machinery behind the AsyncSync override (gi/overrides/AsyncSync.py).

loops       where the completion of a call started by an asyncio task runs,
            on PyGObject's GLib event loop and on any other asyncio loop
operations  awaiting one GIO call from a task: cancellation mapped onto its
            GCancellable, and what happens when a grant and a cancellation
            meet
errors      GLib.Error subclasses that asyncio's except clauses also catch
values      how a Queue carries Python values that are not GObjects
"""
