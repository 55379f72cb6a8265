/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The completion dispatcher (asyncsync-glib/async-sync-dispatcher.c), on
 * its own: items run on their dispatcher's context, in order, never inside
 * the push; a long backlog runs in bounded batches that leave every other
 * iteration to the context's other sources.
 */

#include "async-sync-dispatcher-private.h"

/* The bound on one dispatch, quoted by the reference manual's chapter
 * contexts-and-threads. */
#define MAX_ITEMS_PER_DISPATCH 1024

typedef struct
{
  AsyncSyncDispatchItem item;
  guint                 index;
  GArray               *order;    /* indices, in the order the items ran */
  GThread              *thread;   /* where it ran */
  GMainContext         *context;  /* the dispatcher's: must be the one running */
  gboolean              on_context;
} Item;

static void
item_run (AsyncSyncDispatchItem *dispatch_item)
{
  Item *item = (Item *) dispatch_item;

  g_array_append_val (item->order, item->index);
  item->thread = g_thread_self ();
  item->on_context = g_main_context_is_owner (item->context);
}

static Item *
items_new (guint         n,
           GMainContext *context,
           GArray       *order)
{
  Item *items = g_new0 (Item, n);

  for (guint i = 0; i < n; i++)
    {
      items[i].item.link.data = &items[i];
      items[i].item.run = item_run;
      items[i].index = i;
      items[i].order = order;
      items[i].context = context;
    }

  return items;
}

/* A context, its dispatcher, and where items record the order they ran. */
typedef struct
{
  GMainContext        *context;
  AsyncSyncDispatcher *dispatcher;
  GArray              *order;
  Item                *items;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  fixture->dispatcher = async_sync_dispatcher_get_for_context (fixture->context);
  fixture->order = g_array_new (FALSE, FALSE, sizeof (guint));
  fixture->items = NULL;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->items);
  g_array_unref (fixture->order);
  async_sync_dispatcher_unref (fixture->dispatcher);
  g_main_context_unref (fixture->context);
}

/* @n items of the fixture, not pushed yet. */
static Item *
fixture_items (Fixture *fixture,
               guint    n)
{
  g_assert_null (fixture->items);
  fixture->items = items_new (n, fixture->context, fixture->order);

  return fixture->items;
}

static void
assert_in_order (GArray *order,
                 guint   n)
{
  g_assert_cmpuint (order->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (order, guint, i), ==, i);
}

static void
test_fifo_never_inside_push (Fixture       *fixture,
                             gconstpointer  data)
{
  Item *items = fixture_items (fixture, 10);

  for (guint i = 0; i < 10; i++)
    async_sync_dispatcher_push (fixture->dispatcher, &items[i].item);
  g_assert_cmpuint (fixture->order->len, ==, 0);

  while (fixture->order->len < 10)
    g_main_context_iteration (fixture->context, TRUE);
  assert_in_order (fixture->order, 10);
}

static void
test_one_dispatcher_per_context (Fixture       *fixture,
                                 gconstpointer  data)
{
  GMainContext *other = g_main_context_new ();
  AsyncSyncDispatcher *same = async_sync_dispatcher_get_for_context (fixture->context);
  AsyncSyncDispatcher *others = async_sync_dispatcher_get_for_context (other);

  g_assert_true (same == fixture->dispatcher);
  g_assert_true (others != fixture->dispatcher);

  async_sync_dispatcher_unref (same);
  async_sync_dispatcher_unref (others);
  g_main_context_unref (other);
}

typedef struct
{
  AsyncSyncDispatcher *dispatcher;
  Item                *items;
  guint                n;
} Pusher;

static gpointer
push_all (gpointer data)
{
  Pusher *pusher = data;

  for (guint i = 0; i < pusher->n; i++)
    async_sync_dispatcher_push (pusher->dispatcher, &pusher->items[i].item);

  return NULL;
}

/* Pushed from another thread while the home context's thread sleeps in
 * poll(): the push wakes it, and the items run there, in order. */
static void
test_runs_on_home_context (Fixture       *fixture,
                           gconstpointer  data)
{
  Pusher pusher = { fixture->dispatcher, fixture_items (fixture, 100), 100 };
  GThread *thread;

  g_main_context_push_thread_default (fixture->context);
  thread = g_thread_new ("pusher", push_all, &pusher);
  while (fixture->order->len < pusher.n)
    g_main_context_iteration (fixture->context, TRUE);
  g_thread_join (thread);
  g_main_context_pop_thread_default (fixture->context);

  assert_in_order (fixture->order, pusher.n);
  for (guint i = 0; i < pusher.n; i++)
    {
      g_assert_true (pusher.items[i].thread == g_thread_self ());
      g_assert_true (pusher.items[i].on_context);
    }
}

/* An item made in the current iteration (not_before = its time) waits for
 * the next one, and holds back those behind it: strict FIFO. */
static void
test_not_before_holds_the_queue (Fixture       *fixture,
                                 gconstpointer  data)
{
  AsyncSyncDispatcher *dispatcher = fixture->dispatcher;
  GMainContext *context = fixture->context;
  GArray *order = fixture->order;
  Item *items = fixture_items (fixture, 2);

  items[0].item.not_before = G_MAXINT64 - 1;  /* never, for this test */
  async_sync_dispatcher_push (dispatcher, &items[0].item);
  async_sync_dispatcher_push (dispatcher, &items[1].item);
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (context, FALSE);
  g_assert_cmpuint (order->len, ==, 0);

  g_assert_true (async_sync_dispatcher_remove (dispatcher, &items[0].item));
  while (order->len < 1)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (g_array_index (order, guint, 0), ==, 1);
  g_assert_false (async_sync_dispatcher_remove (dispatcher, &items[1].item));
}

typedef struct
{
  GArray *order;
  GArray *items_run_when_idle_ran;
} Competitor;

static gboolean
competitor_cb (gpointer data)
{
  Competitor *competitor = data;

  g_array_append_val (competitor->items_run_when_idle_ran, competitor->order->len);
  return G_SOURCE_CONTINUE;
}

/* A backlog of 5 batches beside an idle that is always ready, at a lower
 * priority: no dispatch runs more than one batch, the idle runs between
 * batches, and no iteration reads as idle while items are left (the one
 * given away included). */
static void
test_batches_yield_to_other_sources (Fixture       *fixture,
                                     gconstpointer  data)
{
  const guint n = 5 * MAX_ITEMS_PER_DISPATCH;
  GMainContext *context = fixture->context;
  GArray *order = fixture->order;
  Item *items = fixture_items (fixture, n);
  Competitor competitor = { order, g_array_new (FALSE, FALSE, sizeof (guint)) };
  GSource *idle = g_idle_source_new ();
  guint before, yields = 0;

  g_source_set_priority (idle, G_PRIORITY_LOW);
  g_source_set_callback (idle, competitor_cb, &competitor, NULL);
  g_source_attach (idle, context);

  for (guint i = 0; i < n; i++)
    async_sync_dispatcher_push (fixture->dispatcher, &items[i].item);

  while (order->len < n)
    {
      before = order->len;
      g_assert_true (g_main_context_iteration (context, FALSE));
      g_assert_cmpuint (order->len - before, <=, MAX_ITEMS_PER_DISPATCH);
    }
  assert_in_order (order, n);

  /* The idle ran while items were still waiting, at least once between
   * every two batches. */
  for (guint i = 0; i < competitor.items_run_when_idle_ran->len; i++)
    {
      guint seen = g_array_index (competitor.items_run_when_idle_ran, guint, i);

      if (seen > 0 && seen < n)
        yields++;
    }
  g_assert_cmpuint (yields, >=, n / MAX_ITEMS_PER_DISPATCH - 1);

  g_source_destroy (idle);
  g_source_unref (idle);
  g_array_unref (competitor.items_run_when_idle_ran);
}

/* Every test runs with a fresh Fixture. */
#define add_test(path, func) \
  g_test_add ("/AsyncSync/Core/Dispatcher/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The completion dispatcher: FIFO on the home context, bounded batches");

  add_test ("fifo-never-inside-push", test_fifo_never_inside_push);
  add_test ("one-per-context", test_one_dispatcher_per_context);
  add_test ("runs-on-home-context", test_runs_on_home_context);
  add_test ("not-before-holds-the-queue", test_not_before_holds_the_queue);
  add_test ("batches-yield-to-other-sources", test_batches_yield_to_other_sources);

  return g_test_run ();
}
