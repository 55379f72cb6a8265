/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-downloads.c: at most three downloads at a time, with a Semaphore.
 *
 * Eight downloads are started at once; each takes a permit before it
 * starts and gives it back when it ends, so no more than three run at any
 * moment.  The user cancels the last one while it is still queued: it
 * never starts and takes no permit.  A "download" is a timer here.
 * Exits 0 if at most three ran at once and seven completed.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_DOWNLOADS 8
#define MAX_PARALLEL 3

typedef struct
{
  AsyncSyncSemaphore *slots;
  guint               n_active;
  guint               max_active;
  guint               n_completed;
  guint               n_cancelled;
} Downloader;

typedef struct
{
  Downloader   *downloader;
  guint         index;
  GCancellable *cancellable;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->cancellable);
  g_free (download);
}

/* Stands for the end of a real transfer (a GIO callback). */
static gboolean
download_done (gpointer user_data)
{
  Download *download = user_data;
  Downloader *downloader = download->downloader;

  g_print ("download %u: done\n", download->index);
  downloader->n_active--;
  downloader->n_completed++;
  async_sync_semaphore_release (downloader->slots, NULL);   /* the next one starts */
  download_free (download);

  return G_SOURCE_REMOVE;
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
      g_print ("download %u: %s\n", download->index, error->message);
      downloader->n_cancelled++;
      download_free (download);
      return;
    }

  downloader->n_active++;
  downloader->max_active = MAX (downloader->max_active, downloader->n_active);
  g_print ("download %u: started (%u running)\n", download->index, downloader->n_active);
  g_timeout_add (5 + 7 * download->index % 11, download_done, download);
}

int
main (void)
{
  Downloader downloader = { async_sync_semaphore_new (MAX_PARALLEL), 0, 0, 0, 0 };
  GCancellable *last = NULL;
  guint i;

  for (i = 0; i < N_DOWNLOADS; i++)
    {
      Download *download = g_new0 (Download, 1);

      download->downloader = &downloader;
      download->index = i;
      download->cancellable = g_cancellable_new ();
      last = download->cancellable;
      async_sync_semaphore_acquire_async (downloader.slots, download->cancellable,
                                          got_slot, download);
    }

  /* The user gives up on the last download while it waits for a slot. */
  g_cancellable_cancel (last);

  while (downloader.n_completed + downloader.n_cancelled < N_DOWNLOADS)
    g_main_context_iteration (NULL, TRUE);

  g_print ("completed %u, cancelled %u, at most %u at once, %u permits free\n",
           downloader.n_completed, downloader.n_cancelled, downloader.max_active,
           async_sync_semaphore_get_value (downloader.slots));

  if (downloader.max_active != MAX_PARALLEL ||
      downloader.n_completed != N_DOWNLOADS - 1 ||
      async_sync_semaphore_get_value (downloader.slots) != MAX_PARALLEL)
    return EXIT_FAILURE;

  g_object_unref (downloader.slots);

  return EXIT_SUCCESS;
}
