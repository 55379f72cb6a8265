/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-producer-consumer.c: a bounded hand-over with a Condition.
 *
 * A producer puts N_ITEMS numbered items in a queue, one per timer tick,
 * each time under the condition's lock and with a notify (1).  Two
 * consumers take them out: each holds the lock, waits with wait_for_async()
 * until the queue has an item (or the producer is done), takes it and
 * releases the lock.  Exits 0 if every item was consumed exactly once, in
 * the order produced.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_ITEMS     6
#define N_CONSUMERS 2

typedef struct
{
  AsyncSyncCondition *cond;
  GQueue              items;       /* guarded by the condition's lock */
  gboolean            closed;      /* guarded by the condition's lock */
  guint               next_item;
  GString            *consumed;
  guint               n_consumers_done;
} Shop;

typedef struct
{
  Shop *shop;
  char  name;
} Consumer;

static void consumer_start (Consumer *consumer);

/* The predicate: runs with the lock held, on the consumer's main context. */
static gboolean
has_item_or_closed (gpointer user_data)
{
  Shop *shop = user_data;

  return !g_queue_is_empty (&shop->items) || shop->closed;
}

static void
consumer_woken (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Consumer *consumer = user_data;
  Shop *shop = consumer->shop;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  guint item = 0;

  ok = async_sync_condition_wait_for_finish (shop->cond, result, &error);
  /* The lock is held again here, whatever the result. */
  if (ok && !g_queue_is_empty (&shop->items))
    item = GPOINTER_TO_UINT (g_queue_pop_head (&shop->items));
  async_sync_condition_release (shop->cond, NULL);

  if (!ok)
    g_error ("consumer %c: %s", consumer->name, error->message);

  if (item == 0)
    {
      g_print ("consumer %c: the producer is done\n", consumer->name);
      shop->n_consumers_done++;
      return;
    }

  g_print ("consumer %c: item %u\n", consumer->name, item);
  g_string_append_printf (shop->consumed, "%u ", item);
  consumer_start (consumer);    /* the next item */
}

static void
consumer_locked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Consumer *consumer = user_data;

  if (!async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (source), result, NULL))
    g_error ("consumer %c: acquire failed", consumer->name);

  async_sync_condition_wait_for_async (consumer->shop->cond,
                                       has_item_or_closed, consumer->shop, NULL,
                                       NULL, consumer_woken, consumer);
}

static void
consumer_start (Consumer *consumer)
{
  async_sync_condition_acquire_async (consumer->shop->cond, NULL,
                                      consumer_locked, consumer);
}

static void
producer_locked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Shop *shop = user_data;

  if (!async_sync_condition_acquire_finish (shop->cond, result, NULL))
    g_error ("producer: acquire failed");

  if (shop->next_item <= N_ITEMS)
    {
      g_queue_push_tail (&shop->items, GUINT_TO_POINTER (shop->next_item++));
      async_sync_condition_notify (shop->cond, 1, NULL);    /* one consumer */
    }
  else
    {
      shop->closed = TRUE;
      async_sync_condition_notify_all (shop->cond, NULL);   /* everybody */
    }
  async_sync_condition_release (shop->cond, NULL);
}

static gboolean
producer_tick (gpointer user_data)
{
  Shop *shop = user_data;

  async_sync_condition_acquire_async (shop->cond, NULL, producer_locked, shop);

  return shop->next_item <= N_ITEMS ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

int
main (void)
{
  Shop shop = { async_sync_condition_new (NULL), G_QUEUE_INIT, FALSE, 1,
                g_string_new (NULL), 0 };
  Consumer consumers[N_CONSUMERS] = { { &shop, 'A' }, { &shop, 'B' } };
  gboolean ok;
  guint i;

  for (i = 0; i < N_CONSUMERS; i++)
    consumer_start (&consumers[i]);
  g_timeout_add (3, producer_tick, &shop);

  while (shop.n_consumers_done < N_CONSUMERS)
    g_main_context_iteration (NULL, TRUE);

  g_print ("consumed: %s\n", shop.consumed->str);
  ok = g_str_equal (shop.consumed->str, "1 2 3 4 5 6 ") && g_queue_is_empty (&shop.items);

  g_string_free (shop.consumed, TRUE);
  g_object_unref (shop.cond);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
