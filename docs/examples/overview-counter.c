/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* overview-counter.c: why single-threaded asynchronous code needs a lock.
 *
 * Each task reads a shared counter, yields to the main loop (as any
 * `await` would), then writes back what it read plus one.  Without a lock
 * the tasks interleave and increments are lost.  Holding an AsyncSyncLock
 * from the read to the write makes the count exact.  Exits 0 if it is.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_TASKS 5

typedef struct
{
  AsyncSyncLock *lock;
  guint          counter;
  guint          n_done;
} Shared;

typedef struct
{
  Shared *shared;
  guint   read_value;
} Task;

static gboolean
write_back (gpointer user_data)
{
  Task *task = user_data;

  task->shared->counter = task->read_value + 1;               /* write */
  async_sync_lock_release (task->shared->lock, NULL);          /* next task */
  task->shared->n_done++;
  g_free (task);

  return G_SOURCE_REMOVE;
}

static void
lock_acquired (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Task *task = user_data;
  g_autoptr(GError) error = NULL;

  /* Runs on this thread's main context, in a later iteration than the
   * acquire_async() call.  Without a cancellable it cannot fail. */
  if (!async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, &error))
    g_error ("%s", error->message);

  task->read_value = task->shared->counter;                   /* read */
  g_idle_add (write_back, task);                               /* yield */
}

int
main (void)
{
  Shared shared = { async_sync_lock_new (), 0, 0 };
  guint i;

  for (i = 0; i < N_TASKS; i++)
    {
      Task *task = g_new0 (Task, 1);

      task->shared = &shared;
      async_sync_lock_acquire_async (shared.lock, NULL, lock_acquired, task);
    }

  while (shared.n_done < N_TASKS)
    g_main_context_iteration (NULL, TRUE);

  g_print ("counter = %u (expected %u)\n", shared.counter, N_TASKS);
  g_object_unref (shared.lock);

  return shared.counter == N_TASKS ? EXIT_SUCCESS : EXIT_FAILURE;
}
