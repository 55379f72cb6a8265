/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-queue.c: producer and consumers with a Queue, join and shutdown.
 *
 * A crawler puts the pages it finds (GFile objects) in a Queue of at most
 * three items, waiting while it is full; three fetchers take them out,
 * fetch each (a few main-loop turns) and call task_done().  Once every
 * page is put, the crawler waits with join_async() until every page was
 * fetched, then shuts the queue down: the fetchers' pending gets fail with
 * ASYNC_SYNC_ERROR_SHUT_DOWN and they stop.  Exits 0 if every page was
 * fetched once, taken in the order it was put, the queue never held more
 * than three, the join completed only after the last task_done(), and
 * each fetcher stopped on SHUT_DOWN.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_PAGES    8
#define N_FETCHERS 3
#define MAX_QUEUED 3

typedef struct
{
  AsyncSyncQueue *queue;
  guint           next_page;
  guint           max_length;
  GString        *taken;          /* page numbers, in the order taken */
  guint           n_fetched;
  guint           n_fetched_at_join;
  guint           n_stopped;
} Crawl;

typedef struct
{
  Crawl *crawl;
  char   name;
  GFile *page;                    /* being fetched */
  guint  turns;
} Fetcher;

static void crawler_put_next (Crawl *crawl);
static void fetcher_get_next (Fetcher *fetcher);

static void
crawler_joined (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Crawl *crawl = user_data;

  if (async_sync_queue_join_finish (crawl->queue, result, NULL))
    {
      crawl->n_fetched_at_join = crawl->n_fetched;
      g_print ("crawler: all %u pages fetched, shutting the queue down\n", crawl->n_fetched);
    }
  /* Waiting and later gets fail with ASYNC_SYNC_ERROR_SHUT_DOWN. */
  async_sync_queue_shutdown (crawl->queue, FALSE);
}

static void
crawler_put_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Crawl *crawl = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_queue_put_finish (crawl->queue, result, &error))
    g_error ("crawler: %s", error->message);

  crawl->max_length = MAX (crawl->max_length, async_sync_queue_get_length (crawl->queue));
  crawler_put_next (crawl);
}

static void
crawler_put_next (Crawl *crawl)
{
  g_autoptr(GFile) page = NULL;
  g_autofree char *path = NULL;

  if (crawl->next_page == N_PAGES)
    {
      async_sync_queue_join_async (crawl->queue, NULL, crawler_joined, crawl);
      return;
    }

  path = g_strdup_printf ("/site/page-%u.html", ++crawl->next_page);
  page = g_file_new_for_path (path);
  /* The queue takes its own reference; waits while three are queued. */
  async_sync_queue_put_async (crawl->queue, page, NULL, crawler_put_done, crawl);
}

static gboolean
fetch_done (gpointer user_data)
{
  Fetcher *fetcher = user_data;

  if (--fetcher->turns > 0)
    return G_SOURCE_CONTINUE;

  g_clear_object (&fetcher->page);
  fetcher->crawl->n_fetched++;
  async_sync_queue_task_done (fetcher->crawl->queue, NULL);   /* may end the join */
  fetcher_get_next (fetcher);

  return G_SOURCE_REMOVE;
}

static void
fetcher_got_page (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Fetcher *fetcher = user_data;
  Crawl *crawl = fetcher->crawl;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  fetcher->page = async_sync_queue_get_finish (crawl->queue, result, &error);
  if (fetcher->page == NULL)
    {
      if (g_error_matches (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN))
        crawl->n_stopped++;
      g_print ("fetcher %c: stops (%s)\n", fetcher->name, error->message);
      return;
    }

  name = g_file_get_basename (fetcher->page);
  g_print ("fetcher %c: fetches %s\n", fetcher->name, name);
  g_string_append_printf (crawl->taken, "%s ", name);
  fetcher->turns = 2 + fetcher->name % 3;
  g_idle_add (fetch_done, fetcher);
}

static void
fetcher_get_next (Fetcher *fetcher)
{
  async_sync_queue_get_async (fetcher->crawl->queue, NULL, fetcher_got_page, fetcher);
}

int
main (void)
{
  Crawl crawl = { async_sync_queue_new (G_TYPE_FILE, MAX_QUEUED), 0, 0, g_string_new (NULL), 0, 0, 0 };
  Fetcher fetchers[N_FETCHERS];
  g_autoptr(GString) expected = g_string_new (NULL);
  gboolean ok;
  guint i;

  for (i = 0; i < N_FETCHERS; i++)
    {
      fetchers[i] = (Fetcher) { &crawl, 'A' + i, NULL, 0 };
      fetcher_get_next (&fetchers[i]);
    }
  crawler_put_next (&crawl);

  while (crawl.n_stopped < N_FETCHERS)
    g_main_context_iteration (NULL, TRUE);

  for (i = 1; i <= N_PAGES; i++)
    g_string_append_printf (expected, "page-%u.html ", i);
  ok = g_str_equal (crawl.taken->str, expected->str) &&
       crawl.n_fetched == N_PAGES && crawl.n_fetched_at_join == N_PAGES &&
       crawl.max_length <= MAX_QUEUED && async_sync_queue_is_shut_down (crawl.queue);
  g_print ("taken in order: %s, at most %u queued\n", ok ? "yes" : "no", crawl.max_length);

  g_string_free (crawl.taken, TRUE);
  g_object_unref (crawl.queue);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
