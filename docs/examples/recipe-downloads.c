/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-downloads.c: at most three downloads at a time, with a Semaphore,
 * and both ways to cancel one.
 *
 * Six downloads are started at once; each takes a permit before its
 * transfer starts and gives it back when the transfer ends, so no more
 * than three run at any moment.  The user cancels download 5 while it is
 * still queued: it never starts and takes no permit.  Then the user
 * cancels download 1 while it runs: it got its permit, so it must give it
 * back, and download 3 starts in its place.  A transfer is a timer here.
 * Exits 0 if at most three ran at once, four completed, one was cancelled
 * in each state, and the three permits are back.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_DOWNLOADS 6
#define MAX_PARALLEL 3

typedef struct
{
  AsyncSyncSemaphore *slots;
  guint               n_running;
  guint               max_running;
  guint               n_completed;
  guint               n_cancelled_queued;
  guint               n_cancelled_running;
} Downloader;

typedef struct
{
  Downloader   *downloader;
  guint         index;
  gboolean      running;
  GCancellable *cancellable;   /* the user's Cancel button */
} Download;

/* A stand-in for a GIO transfer (g_input_stream_read_all_async(), ...):
 * completes after ms milliseconds, or fails with G_IO_ERROR_CANCELLED as
 * soon as the cancellable fires.  A GCancellable source dispatches on
 * cancellation, and at its ready time. */
static gboolean
transfer_ready (GCancellable *cancellable,
                gpointer      user_data)
{
  /* With check-cancellable (the default), a task whose cancellable
   * fired returns G_IO_ERROR_CANCELLED instead. */
  g_task_return_boolean (G_TASK (user_data), TRUE);
  return G_SOURCE_REMOVE;
}

static void
transfer_async (guint                ms,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSource) source = g_cancellable_source_new (cancellable);

  g_source_set_ready_time (source, g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND);
  g_task_attach_source (task, source, G_SOURCE_FUNC (transfer_ready));
}

static void
transfer_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Download *download = user_data;
  Downloader *downloader = download->downloader;
  g_autoptr(GError) error = NULL;

  download->running = FALSE;
  downloader->n_running--;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_print ("download %u: done\n", download->index);
      downloader->n_completed++;
    }
  else
    {
      g_print ("download %u: cancelled while running: %s\n", download->index, error->message);
      downloader->n_cancelled_running++;
    }

  /* On every path that ends a download that got its permit: the next
   * queued download starts. */
  async_sync_semaphore_release (downloader->slots, NULL);
}

static void
got_slot (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Download *download = user_data;
  Downloader *downloader = download->downloader;
  g_autoptr(GError) error = NULL;

  if (!async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, &error))
    {
      /* Cancelled while queued: no permit was taken, nothing to give back. */
      g_print ("download %u: cancelled while queued: %s\n", download->index, error->message);
      downloader->n_cancelled_queued++;
      return;
    }

  /* We own a permit, even if the user cancelled since it was handed over:
   * the transfer then fails at once, and transfer_done() gives it back. */
  download->running = TRUE;
  downloader->n_running++;
  downloader->max_running = MAX (downloader->max_running, downloader->n_running);
  g_print ("download %u: started (%u running)\n", download->index, downloader->n_running);
  transfer_async (20 + 10 * download->index, download->cancellable, transfer_done, download);
}

int
main (void)
{
  Downloader downloader = { async_sync_semaphore_new (MAX_PARALLEL), 0, 0, 0, 0, 0 };
  Download downloads[N_DOWNLOADS];
  guint i;

  for (i = 0; i < N_DOWNLOADS; i++)
    {
      downloads[i] = (Download) { &downloader, i, FALSE, g_cancellable_new () };
      async_sync_semaphore_acquire_async (downloader.slots, downloads[i].cancellable,
                                          got_slot, &downloads[i]);
    }

  /* The user gives up on download 5 while it waits for a slot... */
  g_cancellable_cancel (downloads[5].cancellable);

  /* ... and on download 1 once it runs. */
  while (!downloads[1].running)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (downloads[1].cancellable);

  while (downloader.n_completed + downloader.n_cancelled_queued +
         downloader.n_cancelled_running < N_DOWNLOADS)
    g_main_context_iteration (NULL, TRUE);

  g_print ("completed %u, cancelled %u queued and %u running, at most %u at once, "
           "%u permits free\n",
           downloader.n_completed, downloader.n_cancelled_queued,
           downloader.n_cancelled_running, downloader.max_running,
           async_sync_semaphore_get_value (downloader.slots));

  if (downloader.max_running != MAX_PARALLEL ||
      downloader.n_completed != N_DOWNLOADS - 2 ||
      downloader.n_cancelled_queued != 1 ||
      downloader.n_cancelled_running != 1 ||
      async_sync_semaphore_get_value (downloader.slots) != MAX_PARALLEL)
    return EXIT_FAILURE;

  for (i = 0; i < N_DOWNLOADS; i++)
    g_object_unref (downloads[i].cancellable);
  g_object_unref (downloader.slots);

  return EXIT_SUCCESS;
}
