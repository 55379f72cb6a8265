/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-gather.c: wait for many operations at once, as asyncio.gather()
 * does, with a Semaphore letting two of them run at a time.
 *
 * fetch_all_async() starts one fetch per page and completes once every
 * one has ended, with each page's outcome in order, as
 * asyncio.gather(*fetches, return_exceptions=True) would.  One fetch
 * takes a permit, transfers (a timer here) and gives the permit back.
 * Its cancellable is shared by every fetch, so cancelling it cancels all
 * of them, queued or running, as cancelling a gather() cancels what it
 * still waits for.  Run twice: once to the end (page 3 is missing), once
 * cancelled after the first page.  Exits 0 if the outcomes are those,
 * at most two fetches ran at once, and both permits are back.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_PAGES 5
#define MISSING_PAGE 3

static AsyncSyncSemaphore *slots;   /* two fetches at a time */
static guint n_running, max_running;

/* The stand-in for a GIO transfer of recipe-downloads.c: completes after
 * ms milliseconds, or fails with G_IO_ERROR_CANCELLED when cancelled. */
static gboolean
transfer_ready (GCancellable *cancellable,
                gpointer      user_data)
{
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

/* What a gather waits for: the pages still fetching, and each outcome. */
typedef struct
{
  guint   n_pending;
  GError *errors[N_PAGES];   /* NULL where the fetch succeeded */
} Gather;

static void
gather_free (gpointer data)
{
  Gather *gather = data;

  for (guint i = 0; i < N_PAGES; i++)
    g_clear_error (&gather->errors[i]);
  g_free (gather);
}

typedef struct
{
  GTask *gather_task;   /* holds the Gather as its task data */
  guint  page;
} Fetch;

/* One fetch ended (error: NULL or taken): when it was the last one, the
 * gather completes, with every outcome. */
static void
fetch_ended (Fetch  *fetch,
             GError *error)
{
  Gather *gather = g_task_get_task_data (fetch->gather_task);

  gather->errors[fetch->page] = error;
  if (--gather->n_pending == 0)
    g_task_return_boolean (fetch->gather_task, TRUE);
  g_object_unref (fetch->gather_task);
  g_free (fetch);
}

static void
fetch_transferred (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fetch *fetch = user_data;
  GError *error = NULL;

  n_running--;
  async_sync_semaphore_release (slots, NULL);   /* on every path */
  if (g_task_propagate_boolean (G_TASK (result), &error) && fetch->page == MISSING_PAGE)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "page %u: not found", fetch->page);
  fetch_ended (fetch, error);
}

static void
fetch_got_slot (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fetch *fetch = user_data;
  GError *error = NULL;

  if (!async_sync_semaphore_acquire_finish (slots, result, &error))
    {
      fetch_ended (fetch, error);    /* cancelled while queued: nothing to release */
      return;
    }
  n_running++;
  max_running = MAX (max_running, n_running);
  transfer_async (10, g_task_get_cancellable (fetch->gather_task), fetch_transferred, fetch);
}

/* Fetches every page; completes when all have ended.  Each fetch uses the
 * gather's cancellable, so cancelling it cancels all of them. */
static void
fetch_all_async (GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Gather *gather = g_new0 (Gather, 1);

  /* The gather itself succeeds whatever its fetches did: the outcomes
   * say what happened to each (return_exceptions=True). */
  g_task_set_check_cancellable (task, FALSE);
  gather->n_pending = N_PAGES;
  g_task_set_task_data (task, gather, gather_free);
  for (guint page = 0; page < N_PAGES; page++)
    {
      Fetch *fetch = g_new0 (Fetch, 1);

      fetch->gather_task = g_object_ref (task);
      fetch->page = page;
      async_sync_semaphore_acquire_async (slots, cancellable, fetch_got_slot, fetch);
    }
  g_object_unref (task);
}

/* The outcome of each page, in order: "ok", or the error's code name. */
static char *
fetch_all_finish (GAsyncResult *result)
{
  Gather *gather = g_task_get_task_data (G_TASK (result));
  GString *outcomes = g_string_new (NULL);

  g_task_propagate_boolean (G_TASK (result), NULL);
  for (guint page = 0; page < N_PAGES; page++)
    {
      const GError *error = gather->errors[page];

      g_string_append_printf (outcomes, "%s%s", page ? " " : "",
                              error == NULL ? "ok" :
                              g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled" :
                              g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? "not-found" :
                              "failed");
    }
  return g_string_free (outcomes, FALSE);
}

static void
fetched_all (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  char **outcomes = user_data;

  *outcomes = fetch_all_finish (result);
}

static char *
run_gather (gboolean cancel_after_first)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  char *outcomes = NULL;

  fetch_all_async (cancellable, fetched_all, &outcomes);
  if (cancel_after_first)
    {
      while (n_running == 0)          /* page 0 and 1 take the two permits */
        g_main_context_iteration (NULL, TRUE);
      while (n_running == 2)          /* the first transfers end */
        g_main_context_iteration (NULL, TRUE);
      g_cancellable_cancel (cancellable);
    }
  while (outcomes == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_print ("%s: %s\n", cancel_after_first ? "cancelled" : "to the end", outcomes);
  return outcomes;
}

int
main (void)
{
  g_autofree char *full = NULL;
  g_autofree char *cancelled = NULL;
  gboolean ok;

  slots = async_sync_semaphore_new (2);
  full = run_gather (FALSE);
  cancelled = run_gather (TRUE);
  g_print ("at most %u at once, %u permits free\n",
           max_running, async_sync_semaphore_get_value (slots));

  ok = g_str_equal (full, "ok ok ok not-found ok") &&
       g_str_has_prefix (cancelled, "ok ") &&
       g_str_has_suffix (cancelled, "cancelled cancelled cancelled") &&
       max_running == 2 && async_sync_semaphore_get_value (slots) == 2;
  g_object_unref (slots);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
