/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-multi-step.c: a lock held across several asynchronous steps.
 *
 * Each "save" appends a record (header, body, trailer) to one stream in
 * three asynchronous writes and must not interleave with another save, so
 * it holds a Lock from its first write to its last.  Three saves start at
 * once:
 *   - "one" runs to the end;
 *   - "two" is cancelled while it waits for the lock: it never writes and
 *     never holds the lock;
 *   - "three" is cancelled after its first write: its next write fails
 *     with G_IO_ERROR_CANCELLED and it must release the lock on that path.
 * Exits 0 if the stream holds exactly one's record and three's header,
 * and the lock ends free.
 */
#include <asyncsync-glib/asyncsync-glib.h>

typedef struct
{
  const char    *name;
  AsyncSyncLock *lock;
  GOutputStream *stream;
  GCancellable  *cancellable;
  guint          step;            /* the next write: 0, 1 or 2 */
  gboolean       cancel_after_first_write;
  gboolean      *done;
} Save;

static const char *const parts[] = { "header:", "body:", "trailer;" };

static void save_write_next (Save *save);

static void
save_finish (Save        *save,
             const GError *error)
{
  if (error != NULL)
    g_print ("save %s: %s\n", save->name, error->message);
  else
    g_print ("save %s: complete\n", save->name);
  *save->done = TRUE;
}

static void
save_written (GObject      *stream,
              GAsyncResult *result,
              gpointer      user_data)
{
  Save *save = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (stream), result, NULL, &error))
    {
      /* Every exit path after the lock was acquired releases it. */
      async_sync_lock_release (save->lock, NULL);
      save_finish (save, error);
      return;
    }

  if (save->cancel_after_first_write && save->step == 0)
    g_cancellable_cancel (save->cancellable);    /* the user presses Cancel */

  if (++save->step < G_N_ELEMENTS (parts))
    {
      save_write_next (save);                    /* still holding the lock */
      return;
    }

  async_sync_lock_release (save->lock, NULL);
  save_finish (save, NULL);
}

static void
save_write_next (Save *save)
{
  g_autofree char *text = g_strdup_printf ("%s%s", parts[save->step], save->name);

  g_output_stream_write_all_async (save->stream, text, strlen (text), G_PRIORITY_DEFAULT,
                                   save->cancellable, save_written, save);
}

static void
save_locked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Save *save = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, &error))
    {
      /* Cancelled while queued: the lock was never ours, do not release. */
      save_finish (save, error);
      return;
    }

  save_write_next (save);
}

int
main (void)
{
  g_autoptr(AsyncSyncLock) lock = async_sync_lock_new ();
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancel_two = g_cancellable_new ();
  g_autoptr(GCancellable) cancel_three = g_cancellable_new ();
  gboolean done[3] = { FALSE, FALSE, FALSE };
  Save saves[3] = {
    { "one",   lock, stream, NULL,         0, FALSE, &done[0] },
    { "two",   lock, stream, cancel_two,   0, FALSE, &done[1] },
    { "three", lock, stream, cancel_three, 0, TRUE,  &done[2] },
  };
  g_autofree char *contents = NULL;
  gboolean ok;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (saves); i++)
    async_sync_lock_acquire_async (lock, saves[i].cancellable, save_locked, &saves[i]);

  /* "two" is still waiting for "one" to finish: cancel it. */
  g_cancellable_cancel (cancel_two);

  while (!done[0] || !done[1] || !done[2])
    g_main_context_iteration (NULL, TRUE);

  g_output_stream_write_all (stream, "", 1, NULL, NULL, NULL);   /* a NUL */
  g_output_stream_close (stream, NULL, NULL);
  contents = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
  g_print ("stream: %s\nlock: %s\n", contents,
           async_sync_lock_is_locked (lock) ? "locked" : "free");

  ok = g_str_equal (contents, "header:onebody:onetrailer;oneheader:three") &&
       !async_sync_lock_is_locked (lock);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
