/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <asyncsync-glib/asyncsync-glib.h>

static GMainLoop *loop;
static guint      n_done;

static void
lock_acquired (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncSyncLock *lock = ASYNC_SYNC_LOCK (source);
  const char *name = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_lock_acquire_finish (lock, result, &error))
    g_error ("%s: %s", name, error->message);  /* cancelled while queued */

  g_print ("%s holds the lock\n", name);
  /* ... use the shared resource, across as many async steps as needed ... */

  /* Hands the lock to the next waiter, whose callback runs later from
   * the main loop, never from inside this call. */
  async_sync_lock_release (lock, NULL);

  if (++n_done == 2)
    g_main_loop_quit (loop);
}

int
main (void)
{
  g_autoptr(AsyncSyncLock) lock = async_sync_lock_new ();

  loop = g_main_loop_new (NULL, FALSE);

  /* Both ask at once; "second" waits until "first" releases. */
  async_sync_lock_acquire_async (lock, NULL, lock_acquired, "first");
  async_sync_lock_acquire_async (lock, NULL, lock_acquired, "second");
  g_main_loop_run (loop);
  g_main_loop_unref (loop);

  return async_sync_lock_is_locked (lock) ? 1 : 0;
}
