/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-bounded-semaphore.h"

#include "async-sync-semaphore-private.h"

/**
 * SECTION:async-sync-bounded-semaphore
 * @Title: AsyncSyncBoundedSemaphore
 * @Short_description: A semaphore that refuses extra releases
 *
 * #AsyncSyncBoundedSemaphore is asyncio's `BoundedSemaphore`: an
 * #AsyncSyncSemaphore whose value may never exceed its initial value, the
 * bound.  A release that would exceed it fails with
 * %ASYNC_SYNC_ERROR_VALUE and changes nothing, which catches the bug of
 * releasing a permit twice.
 *
 * |[<!-- language="C" -->
 * g_autoptr(AsyncSyncBoundedSemaphore) sem = async_sync_bounded_semaphore_new (1);
 * g_autoptr(GError) error = NULL;
 *
 * async_sync_semaphore_try_acquire (ASYNC_SYNC_SEMAPHORE (sem));
 * async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (sem), NULL);    // value 1 again
 * if (!async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (sem), &error))
 *   g_printerr ("%s\n", error->message);  // ASYNC_SYNC_ERROR_VALUE, value still 1
 * ]|
 *
 * In Python, through the override: `AsyncSync.BoundedSemaphore(3)`, used
 * as a Semaphore (`async with sem:`); the release above the bound raises a
 * `GLib.Error` that is also a `ValueError`, as asyncio's.  In GJS:
 * `AsyncSync.BoundedSemaphore.new(3)`, and the error matches
 * `AsyncSync.Error.VALUE`.
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/**
 * AsyncSyncBoundedSemaphore:
 *
 * An asyncio-style bounded semaphore, an #AsyncSyncSemaphore.  The
 * structure is opaque: use the #AsyncSyncSemaphore functions on it, and
 * the functions below.
 *
 * Since: 1.0
 */
struct _AsyncSyncBoundedSemaphore
{
  AsyncSyncSemaphore parent_instance;
};

G_DEFINE_FINAL_TYPE (AsyncSyncBoundedSemaphore, async_sync_bounded_semaphore,
                     ASYNC_SYNC_TYPE_SEMAPHORE)

static void
async_sync_bounded_semaphore_class_init (AsyncSyncBoundedSemaphoreClass *klass)
{
  /* The initial value is also the most the value may reach. */
  async_sync_semaphore_class_bound_by_initial_value (ASYNC_SYNC_SEMAPHORE_CLASS (klass));
}

static void
async_sync_bounded_semaphore_init (AsyncSyncBoundedSemaphore *self)
{
}

/**
 * async_sync_bounded_semaphore_new:
 * @value: the initial number of permits, which is also the bound
 *
 * Creates a bounded semaphore with @value permits.
 *
 * Returns: (transfer full): a new #AsyncSyncBoundedSemaphore
 *
 * Since: 1.0
 */
AsyncSyncBoundedSemaphore *
async_sync_bounded_semaphore_new (guint value)
{
  return g_object_new (ASYNC_SYNC_TYPE_BOUNDED_SEMAPHORE, "value", value, NULL);
}

/**
 * async_sync_bounded_semaphore_get_bound:
 * @self: an #AsyncSyncBoundedSemaphore
 *
 * Gets the bound: the initial value, which the value may never exceed.
 *
 * Returns: the bound
 *
 * Since: 1.0
 */
guint
async_sync_bounded_semaphore_get_bound (AsyncSyncBoundedSemaphore *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_BOUNDED_SEMAPHORE (self), 0);

  return async_sync_semaphore_get_bound_internal (ASYNC_SYNC_SEMAPHORE (self));
}
