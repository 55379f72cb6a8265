/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "asyncsync-glib.h"

/**
 * SECTION:async-sync-error
 * @Title: Errors
 * @Short_description: The library's error domain
 *
 * The primitives report misuse that asyncio reports with an exception
 * (`RuntimeError`, `ValueError`, `BrokenBarrierError`) as a #GError in the
 * %ASYNC_SYNC_ERROR domain.  Bindings turn it into an exception: in Python
 * a `GLib.Error` whose `domain` is `"async-sync-error-quark"` and whose
 * `code` is an #AsyncSyncError value; in GJS a `GLib.Error` for which
 * `e.matches(AsyncSync.Error, AsyncSync.Error.NOT_LOCKED)` is true.
 *
 * Cancellation is not in this domain: a cancelled operation fails with
 * %G_IO_ERROR_CANCELLED, and one whose #AsyncSyncTimeout expired with
 * %G_IO_ERROR_TIMED_OUT, so that code handling GIO's cancellation needs
 * nothing new.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 *
 * if (!async_sync_lock_release (lock, &error))
 *   {
 *     // a bug: asyncio would raise RuntimeError here
 *     g_assert (g_error_matches (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED));
 *     g_critical ("released a lock twice: %s", error->message);
 *   }
 * ]|
 */

/**
 * async_sync_error_quark:
 *
 * The quark of the %ASYNC_SYNC_ERROR domain.
 *
 * Returns: the error domain's quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (async-sync-error-quark, async_sync_error)
