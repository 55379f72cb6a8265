/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_PRODUCERS      3
#define N_CONSUMERS      3
#define N_PER_PRODUCER   2000
#define MPMC_MAXSIZE     8

/* The items: GObjects carrying a number. */
#define TEST_TYPE_ITEM (test_item_get_type ())
G_DECLARE_FINAL_TYPE (TestItem, test_item, TEST, ITEM, GObject)

struct _TestItem
{
  GObject parent_instance;
  guint   id;
};

G_DEFINE_FINAL_TYPE (TestItem, test_item, G_TYPE_OBJECT)

static void
test_item_class_init (TestItemClass *klass)
{
}

static void
test_item_init (TestItem *self)
{
}

static TestItem *
test_item_new (guint id)
{
  TestItem *item = g_object_new (TEST_TYPE_ITEM, NULL);

  item->id = id;
  return item;
}

/* Finish functions: put and join report a boolean; get keeps the item it
 * returned (transfer full) in op->data. */
static gboolean
queue_put_finish (GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  return async_sync_queue_put_finish (ASYNC_SYNC_QUEUE (source), result, error);
}

static gboolean
queue_get_finish (GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  TestOp *op = g_async_result_get_user_data (result);

  g_assert_null (op->data);
  op->data = async_sync_queue_get_finish (ASYNC_SYNC_QUEUE (source), result, error);

  return op->data != NULL;
}

static gboolean
queue_join_finish (GObject       *source,
                   GAsyncResult  *result,
                   GError       **error)
{
  return async_sync_queue_join_finish (ASYNC_SYNC_QUEUE (source), result, error);
}

static void
start_put (AsyncSyncQueue *queue,
           TestOp         *op,
           gpointer        item)
{
  op->finish = queue_put_finish;
  async_sync_queue_put_async (queue, item, op->cancellable, test_op_callback, test_op_start (op));
}

static void
start_get (AsyncSyncQueue *queue,
           TestOp         *op)
{
  op->finish = queue_get_finish;
  async_sync_queue_get_async (queue, op->cancellable, test_op_callback, test_op_start (op));
}

static void
start_join (AsyncSyncQueue *queue,
            TestOp         *op)
{
  op->finish = queue_join_finish;
  async_sync_queue_join_async (queue, op->cancellable, test_op_callback, test_op_start (op));
}

/* The item a get completed with; the op keeps it. */
static TestItem *
op_item (TestOp *op)
{
  test_op_assert_ok (op);
  g_assert_true (TEST_IS_ITEM (op->data));

  return op->data;
}

static void
clear_items (TestRun *run)
{
  guint i;

  for (i = 0; i < run->n_ops; i++)
    if (test_run_op (run, i)->finish == queue_get_finish)
      g_clear_object (&test_run_op (run, i)->data);
}

/* Takes an item with try_get and checks its id. */
static void
assert_try_get (AsyncSyncQueue *queue,
                guint           id)
{
  g_autoptr(GError) error = NULL;
  TestItem *item = async_sync_queue_try_get (queue, &error);

  g_assert_no_error (error);
  g_assert_true (TEST_IS_ITEM (item));
  g_assert_cmpuint (item->id, ==, id);
  g_object_unref (item);
}

static void
assert_try_get_fails (AsyncSyncQueue *queue,
                      GQuark          domain,
                      gint            code)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (async_sync_queue_try_get (queue, &error));
  g_assert_error (error, domain, code);
}

/* Puts a new item with try_put; the queue keeps the only reference. */
static void
assert_try_put (AsyncSyncQueue *queue,
                guint           id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestItem) item = test_item_new (id);

  g_assert_true (async_sync_queue_try_put (queue, item, &error));
  g_assert_no_error (error);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *n_notified = user_data;

  (*n_notified)++;
}

static void
test_queue_properties (void)
{
  TestRun *run = test_run_new (0, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 2);
  GParamSpec *pspec;
  GType item_type = G_TYPE_INVALID;
  guint maxsize = 0, length = 42;

  g_test_summary ("Getters and the item-type, maxsize and length properties "
                  "agree; is_empty/is_full/is_shut_down follow puts, gets "
                  "and shutdown; maxsize 0 is never full.");

  g_assert_true (ASYNC_SYNC_IS_QUEUE (queue));
  g_assert_true (async_sync_queue_get_item_type (queue) == TEST_TYPE_ITEM);
  g_assert_cmpuint (async_sync_queue_get_maxsize (queue), ==, 2);
  g_object_get (queue, "item-type", &item_type, "maxsize", &maxsize, "length", &length, NULL);
  g_assert_true (item_type == TEST_TYPE_ITEM);
  g_assert_cmpuint (maxsize, ==, 2);
  g_assert_cmpuint (length, ==, 0);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 0);
  g_assert_true (async_sync_queue_is_empty (queue));
  g_assert_false (async_sync_queue_is_full (queue));
  g_assert_false (async_sync_queue_is_shut_down (queue));

  assert_try_put (queue, 0);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);
  g_assert_false (async_sync_queue_is_empty (queue));
  g_assert_false (async_sync_queue_is_full (queue));
  assert_try_put (queue, 1);
  g_object_get (queue, "length", &length, NULL);
  g_assert_cmpuint (length, ==, 2);
  g_assert_true (async_sync_queue_is_full (queue));
  assert_try_get (queue, 0);
  g_assert_false (async_sync_queue_is_full (queue));
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);

  async_sync_queue_shutdown (queue, FALSE);
  g_assert_true (async_sync_queue_is_shut_down (queue));
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (queue), "item-type");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_GTYPE);
  g_assert_true ((pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (queue), "maxsize");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT);
  g_assert_true ((pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (queue), "length");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT);
  g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
  g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);

  test_run_unref_and_assert_finalized (run, queue);

  /* Unbounded: never full; the default item type is GObject. */
  queue = g_object_new (ASYNC_SYNC_TYPE_QUEUE, NULL);
  g_assert_true (async_sync_queue_get_item_type (queue) == G_TYPE_OBJECT);
  g_assert_cmpuint (async_sync_queue_get_maxsize (queue), ==, 0);
  for (length = 0; length < 100; length++)
    {
      assert_try_put (queue, length);
      g_assert_false (async_sync_queue_is_full (queue));
    }
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 100);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_fifo_items (void)
{
  TestRun *run = test_run_new (6, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  guint i;

  g_test_summary ("Items come out in the order they were put, whether put "
                  "and got through the async calls or the try_ ones; a put "
                  "with room completes from a later iteration.");

  for (i = 0; i < 3; i++)
    {
      g_autoptr(TestItem) item = test_item_new (i);

      run->in_api = TRUE;
      start_put (queue, test_run_op (run, i), item);
      run->in_api = FALSE;
      g_assert_cmpuint (async_sync_queue_get_length (queue), ==, i + 1);
    }
  assert_try_put (queue, 3);
  g_assert_cmpuint (run->n_done, ==, 0);
  test_run_until_n_done (run, 3);
  for (i = 0; i < 3; i++)
    test_op_assert_ok (test_run_op (run, i));

  assert_try_get (queue, 0);
  for (i = 3; i < 6; i++)
    start_get (queue, test_run_op (run, i));
  g_assert_true (async_sync_queue_is_empty (queue));
  test_run_until_n_done (run, 6);
  test_run_assert_order_range (run, 0, 5);
  for (i = 3; i < 6; i++)
    g_assert_cmpuint (op_item (test_run_op (run, i))->id, ==, i - 2);
  assert_try_get_fails (queue, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);

  clear_items (run);
  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_fifo_getters (void)
{
  TestRun *run = test_run_new (4, queue_get_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  gpointer weak[3];
  guint n_length_notified = 0;
  guint i;

  g_test_summary ("Waiting getters are served in the order they called; an "
                  "item put while a getter waits goes straight to it: the "
                  "queue never holds it (length stays 0, no notify::length, "
                  "try_get finds nothing) and the getter gets that very "
                  "object.");

  g_signal_connect (queue, "notify::length", G_CALLBACK (count_notify_cb), &n_length_notified);

  for (i = 0; i < 3; i++)
    start_get (queue, test_run_op (run, i));
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);

  for (i = 0; i < 3; i++)
    {
      TestItem *item = test_item_new (i);

      weak[i] = item;
      g_object_add_weak_pointer (G_OBJECT (item), &weak[i]);
      run->in_api = TRUE;
      g_assert_true (async_sync_queue_try_put (queue, item, NULL));
      run->in_api = FALSE;
      g_object_unref (item);
      g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 0);
      assert_try_get_fails (queue, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
    }

  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  for (i = 0; i < 3; i++)
    g_assert_true (op_item (test_run_op (run, i)) == weak[i]);
  test_run_drain (run);
  g_assert_cmpuint (n_length_notified, ==, 0);

  /* The item is the getter's alone: dropping it frees it. */
  clear_items (run);
  for (i = 0; i < 3; i++)
    g_assert_null (weak[i]);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_fifo_putters (void)
{
  TestRun *run = test_run_new (4, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TestItem) extra = test_item_new (99);
  guint i;

  g_test_summary ("A full queue makes puts wait, in order, and try_put "
                  "fail with WOULD_BLOCK; each get lets the first waiting "
                  "put in; items still come out in put order.");

  assert_try_put (queue, 0);
  g_assert_true (async_sync_queue_is_full (queue));
  for (i = 1; i < 4; i++)
    {
      g_autoptr(TestItem) item = test_item_new (i);

      start_put (queue, test_run_op (run, i), item);
    }
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);

  g_assert_false (async_sync_queue_try_put (queue, extra, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  for (i = 0; i < 3; i++)
    {
      run->in_api = TRUE;
      assert_try_get (queue, i);
      run->in_api = FALSE;
      /* The next put went in at once: the queue is full again. */
      g_assert_true (async_sync_queue_is_full (queue));
      test_run_until_n_done (run, i + 1);
      test_op_assert_ok (test_run_op (run, i + 1));
      if (i + 2 < 4)
        g_assert_false (test_run_op (run, i + 2)->done);
    }
  test_run_assert_order (run, 3, 1, 2, 3);
  assert_try_get (queue, 3);
  g_assert_true (async_sync_queue_is_empty (queue));

  /* Room again: try_put works. */
  g_assert_true (async_sync_queue_try_put (queue, extra, &error));
  g_assert_no_error (error);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_cancel_get (void)
{
  TestRun *run = test_run_new (5, queue_get_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);
  TestOp *d = test_run_op (run, 3);
  TestOp *e = test_run_op (run, 4);

  g_test_summary ("A cancelled get never loses an item: cancelled while "
                  "waiting it fails with CANCELLED and the next put goes to "
                  "the next getter (or stays queued for a later one); "
                  "cancelled after an item was handed to it, it succeeds "
                  "with that item.");

  test_op_cancellable (a);
  start_get (queue, a);
  start_get (queue, b);
  run->in_api = TRUE;
  g_cancellable_cancel (a->cancellable);
  run->in_api = FALSE;
  assert_try_put (queue, 0);
  test_run_until_n_done (run, 2);
  test_run_assert_order (run, 2, 0, 1);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (a->data);
  g_assert_cmpuint (op_item (b)->id, ==, 0);

  /* The only getter cancelled: the item waits in the queue. */
  test_op_cancellable (c);
  start_get (queue, c);
  g_cancellable_cancel (c->cancellable);
  assert_try_put (queue, 1);
  test_run_until_done (run, c);
  test_op_assert_error (c, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);
  start_get (queue, d);
  test_run_until_done (run, d);
  g_assert_cmpuint (op_item (d)->id, ==, 1);

  /* Handed the item first, cancelled afterwards: keeps it. */
  test_op_cancellable (e);
  start_get (queue, e);
  assert_try_put (queue, 2);
  g_cancellable_cancel (e->cancellable);
  test_run_until_done (run, e);
  g_assert_cmpuint (op_item (e)->id, ==, 2);
  g_assert_true (async_sync_queue_is_empty (queue));

  clear_items (run);
  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_cancel_put (void)
{
  TestRun *run = test_run_new (4, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 1);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);
  TestItem *item = test_item_new (1);
  gpointer weak = item;

  g_test_summary ("A cancelled put never inserts its item: cancelled while "
                  "waiting it fails with CANCELLED, the queue drops its "
                  "reference, and the put behind it gets the room; "
                  "cancelled after it was let in, it succeeds.");

  g_object_add_weak_pointer (G_OBJECT (item), &weak);
  assert_try_put (queue, 0);
  test_op_cancellable (a);
  start_put (queue, a, item);
  g_clear_object (&item);
  {
    g_autoptr(TestItem) second = test_item_new (2);

    start_put (queue, b, second);
  }
  g_cancellable_cancel (a->cancellable);
  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  test_run_drain (run);
  g_assert_null (weak);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);

  assert_try_get (queue, 0);
  test_run_until_done (run, b);
  test_op_assert_ok (b);
  assert_try_get (queue, 2);
  g_assert_true (async_sync_queue_is_empty (queue));

  /* Let in by a get, then cancelled: the item is in the queue. */
  assert_try_put (queue, 3);
  {
    g_autoptr(TestItem) fourth = test_item_new (4);

    test_op_cancellable (c);
    start_put (queue, c, fourth);
  }
  assert_try_get (queue, 3);
  g_cancellable_cancel (c->cancellable);
  test_run_until_done (run, c);
  test_op_assert_ok (c);
  assert_try_get (queue, 4);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_wrong_item_type (void)
{
  TestRun *run = test_run_new (2, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 1);
  g_autoptr(GObject) wrong = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GCancellable) also_wrong = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AsyncSyncQueue *objects;

  g_test_summary ("Putting an item that is not of the queue's item type "
                  "fails with G_IO_ERROR_INVALID_ARGUMENT (put_async, "
                  "try_put, blocking put) and inserts nothing; a subtype "
                  "is accepted.");

  start_put (queue, test_run_op (run, 0), wrong);
  test_run_until_done (run, test_run_op (run, 0));
  test_op_assert_error (test_run_op (run, 0), G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_assert_false (async_sync_queue_try_put (queue, also_wrong, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (async_sync_queue_put (queue, wrong, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (async_sync_queue_is_empty (queue));

  /* Wrong type on a full queue: fails at once rather than waiting. */
  assert_try_put (queue, 0);
  start_put (queue, test_run_op (run, 1), wrong);
  test_run_until_done (run, test_run_op (run, 1));
  test_op_assert_error (test_run_op (run, 1), G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);
  assert_try_get (queue, 0);

  objects = async_sync_queue_new (G_TYPE_OBJECT, 0);
  assert_try_put (objects, 5);
  g_assert_true (async_sync_queue_try_put (objects, wrong, NULL));
  assert_try_get (objects, 5);

  test_run_unref_and_assert_finalized (run, objects);
  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_join (void)
{
  TestRun *run = test_run_new (4, queue_join_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  g_autoptr(GError) error = NULL;
  TestOp *early = test_run_op (run, 0);
  guint i;

  g_test_summary ("join completes at once (from a later iteration) with no "
                  "unfinished work, else only when task_done() brought the "
                  "count of puts to 0, for every joiner, never inside "
                  "task_done(); one task_done() too many fails with "
                  "ASYNC_SYNC_ERROR_VALUE.");

  run->in_api = TRUE;
  start_join (queue, early);
  run->in_api = FALSE;
  g_assert_false (early->done);
  test_run_until_done (run, early);
  test_op_assert_ok (early);

  assert_try_put (queue, 0);
  assert_try_put (queue, 1);
  start_join (queue, test_run_op (run, 1));
  start_join (queue, test_run_op (run, 2));
  assert_try_get (queue, 0);
  assert_try_get (queue, 1);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 1);

  g_assert_true (async_sync_queue_task_done (queue, &error));
  g_assert_no_error (error);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 1);

  run->in_api = TRUE;
  g_assert_true (async_sync_queue_task_done (queue, &error));
  run->in_api = FALSE;
  g_assert_no_error (error);
  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  for (i = 1; i < 3; i++)
    test_op_assert_ok (test_run_op (run, i));

  g_assert_false (async_sync_queue_task_done (queue, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);

  /* The failed task_done left the count at 0, not below. */
  assert_try_put (queue, 2);
  start_join (queue, test_run_op (run, 3));
  assert_try_get (queue, 2);
  test_run_drain (run);
  g_assert_false (test_run_op (run, 3)->done);
  g_assert_true (async_sync_queue_task_done (queue, NULL));
  test_run_until_n_done (run, 4);
  test_op_assert_ok (test_run_op (run, 3));

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_shutdown_graceful (void)
{
  TestRun *run = test_run_new (6, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 2);
  g_autoptr(TestItem) late = test_item_new (9);
  g_autoptr(GError) error = NULL;
  TestOp *waiting_put = test_run_op (run, 0);
  TestOp *later_put = test_run_op (run, 1);
  TestOp *get = test_run_op (run, 2);
  TestOp *getter = test_run_op (run, 3);
  TestOp *drained_get = test_run_op (run, 4);
  TestOp *join = test_run_op (run, 5);
  AsyncSyncQueue *empty;

  g_test_summary ("shutdown(FALSE): waiting puts and later puts fail with "
                  "SHUT_DOWN and insert nothing; gets return the remaining "
                  "items in order, then fail with SHUT_DOWN; getters waiting "
                  "on an empty queue fail at once; join still counts; a "
                  "later shutdown(TRUE) drops what is left.");

  assert_try_put (queue, 0);
  assert_try_put (queue, 1);
  start_put (queue, waiting_put, late);
  start_join (queue, join);

  run->in_api = TRUE;
  async_sync_queue_shutdown (queue, FALSE);
  run->in_api = FALSE;
  g_assert_true (async_sync_queue_is_shut_down (queue));
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 2);
  test_run_until_done (run, waiting_put);
  test_op_assert_error (waiting_put, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);

  start_put (queue, later_put, late);
  test_run_until_done (run, later_put);
  test_op_assert_error (later_put, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  g_assert_false (async_sync_queue_try_put (queue, late, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  g_clear_error (&error);
  g_assert_false (async_sync_queue_put (queue, late, NULL, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  g_clear_error (&error);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 2);

  start_get (queue, get);
  test_run_until_done (run, get);
  g_assert_cmpuint (op_item (get)->id, ==, 0);
  assert_try_get (queue, 1);
  assert_try_get_fails (queue, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  start_get (queue, drained_get);
  test_run_until_done (run, drained_get);
  test_op_assert_error (drained_get, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  g_assert_null (async_sync_queue_get (queue, NULL, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  g_clear_error (&error);

  /* The two items taken still count for join. */
  g_assert_false (join->done);
  g_assert_true (async_sync_queue_task_done (queue, NULL));
  g_assert_true (async_sync_queue_task_done (queue, NULL));
  test_run_until_done (run, join);
  test_op_assert_ok (join);

  /* A graceful shutdown can be made immediate later: the rest is dropped. */
  assert_try_put (empty = async_sync_queue_new (TEST_TYPE_ITEM, 0), 3);
  async_sync_queue_shutdown (empty, FALSE);
  g_assert_cmpuint (async_sync_queue_get_length (empty), ==, 1);
  async_sync_queue_shutdown (empty, TRUE);
  g_assert_true (async_sync_queue_is_empty (empty));
  assert_try_get_fails (empty, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  g_assert_false (async_sync_queue_task_done (empty, NULL));
  test_run_unref_and_assert_finalized (run, empty);

  /* A getter waiting on an empty queue. */
  empty = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  start_get (empty, getter);
  test_run_drain (run);
  g_assert_false (getter->done);
  async_sync_queue_shutdown (empty, FALSE);
  test_run_until_done (run, getter);
  test_op_assert_error (getter, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);

  clear_items (run);
  test_run_unref_and_assert_finalized (run, empty);
  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_shutdown_immediate (void)
{
  TestRun *run = test_run_new (5, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 2);
  AsyncSyncQueue *empty = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  g_autoptr(TestItem) waiting_item = test_item_new (2);
  TestOp *put = test_run_op (run, 0);
  TestOp *join = test_run_op (run, 1);
  TestOp *get_a = test_run_op (run, 2);
  TestOp *get_b = test_run_op (run, 3);
  TestOp *join_empty = test_run_op (run, 4);
  gpointer weak[2];
  guint n_length_notified = 0;
  guint i;

  g_test_summary ("shutdown(TRUE) drops the remaining items (they are "
                  "freed from the loop), fails waiting puts and getters with "
                  "SHUT_DOWN, and completes joins, the dropped items no "
                  "longer counting; notify::length reports the drop.");

  g_signal_connect (queue, "notify::length", G_CALLBACK (count_notify_cb), &n_length_notified);
  for (i = 0; i < 2; i++)
    {
      TestItem *item = test_item_new (i);

      weak[i] = item;
      g_object_add_weak_pointer (G_OBJECT (item), &weak[i]);
      g_assert_true (async_sync_queue_try_put (queue, item, NULL));
      g_object_unref (item);
    }
  test_run_drain (run);
  g_assert_cmpuint (n_length_notified, ==, 1);
  start_put (queue, put, waiting_item);
  start_join (queue, join);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);

  run->in_api = TRUE;
  async_sync_queue_shutdown (queue, TRUE);
  run->in_api = FALSE;
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 0);
  g_assert_true (async_sync_queue_is_empty (queue));

  test_run_until_n_done (run, 2);
  test_run_drain (run);
  g_assert_null (weak[0]);
  g_assert_null (weak[1]);
  test_op_assert_error (put, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  test_op_assert_ok (join);
  test_run_drain (run);
  g_assert_cmpuint (n_length_notified, ==, 2);
  assert_try_get_fails (queue, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  g_assert_false (async_sync_queue_task_done (queue, NULL));

  /* Waiting getters fail; a join with nothing put completes. */
  start_get (empty, get_a);
  start_get (empty, get_b);
  test_run_drain (run);
  async_sync_queue_shutdown (empty, TRUE);
  test_run_until_n_done (run, 4);
  g_assert_cmpuint (g_array_index (run->order, guint, 2), ==, 2);
  g_assert_cmpuint (g_array_index (run->order, guint, 3), ==, 3);
  test_op_assert_error (get_a, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  test_op_assert_error (get_b, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
  start_join (empty, join_empty);
  test_run_until_done (run, join_empty);
  test_op_assert_ok (join_empty);

  test_run_unref_and_assert_finalized (run, empty);
  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

/* Where an item was finalized. */
typedef struct
{
  TestRun      *run;
  guint         n_finalized;
  guint         n_inside_api;
  GMainContext *context;     /* the context of the dispatch it was finalized in */
} Finalizations;

static void
record_finalization (gpointer  data,
                     GObject  *where_the_object_was)
{
  Finalizations *finalizations = data;
  GSource *source = g_main_current_source ();

  finalizations->n_finalized++;
  if (finalizations->run != NULL && finalizations->run->in_api)
    finalizations->n_inside_api++;
  finalizations->context = source != NULL ? g_source_get_context (source) : NULL;
}

static void
put_watched_items (AsyncSyncQueue *queue,
                   guint           n,
                   Finalizations  *finalizations)
{
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autoptr(TestItem) item = test_item_new (i);

      g_object_weak_ref (G_OBJECT (item), record_finalization, finalizations);
      g_assert_true (async_sync_queue_try_put (queue, item, NULL));
    }
}

static void
test_queue_shutdown_immediate_finalizes_outside (void)
{
  TestRun *run = test_run_new (0, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  Finalizations finalizations = { run, 0, 0, NULL };

  g_test_summary ("No user code inside an API call: the items that "
                  "shutdown(TRUE) drops are finalized from a later "
                  "iteration of the caller's context, not inside the call.");

  put_watched_items (queue, 3, &finalizations);

  run->in_api = TRUE;
  async_sync_queue_shutdown (queue, TRUE);
  run->in_api = FALSE;
  g_assert_cmpuint (finalizations.n_finalized, ==, 0);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 0);

  test_run_drain (run);
  g_assert_cmpuint (finalizations.n_finalized, ==, 3);
  g_assert_cmpuint (finalizations.n_inside_api, ==, 0);
  g_assert_true (finalizations.context == run->context);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static gpointer
shutdown_under_temporary_context (gpointer data)
{
  AsyncSyncQueue *queue = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  async_sync_queue_shutdown (queue, TRUE);
  g_main_context_pop_thread_default (context);
  /* Never iterated: the release goes with it. */
  g_main_context_unref (context);

  return NULL;
}

static void
test_queue_shutdown_immediate_context_destroyed (void)
{
  TestRun *run = test_run_new (0, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  Finalizations finalizations = { NULL, 0, 0, NULL };

  g_test_summary ("Items dropped by shutdown(TRUE) from a thread whose "
                  "context is destroyed without running again are "
                  "finalized with that context, not leaked.");

  put_watched_items (queue, 2, &finalizations);
  g_thread_join (g_thread_new ("shutdown", shutdown_under_temporary_context, queue));
  g_assert_cmpuint (finalizations.n_finalized, ==, 2);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

typedef struct
{
  guint         n_notified;
  guint         last_value;
  GThread      *thread;
  GMainContext *context;
} LengthNotifications;

static void
length_notified_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  LengthNotifications *notifications = user_data;

  g_assert_true (g_thread_self () == notifications->thread);
  g_assert_true (g_main_context_is_owner (notifications->context));
  g_assert_cmpstr (pspec->name, ==, "length");

  notifications->n_notified++;
  g_object_get (object, "length", &notifications->last_value, NULL);
}

typedef struct
{
  AsyncSyncQueue *queue;
  guint           n_puts;
} PutInThread;

static gpointer
put_in_thread (gpointer data)
{
  PutInThread *put = data;
  GMainContext *context = g_main_context_new ();
  guint i;

  /* The thread's own context: notifications must not be emitted here. */
  g_main_context_push_thread_default (context);
  for (i = 0; i < put->n_puts; i++)
    assert_try_put (put->queue, i);
  test_drain_context (context);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

static void
test_queue_notify_length (void)
{
  TestRun *run = test_run_new (0, queue_put_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 0);
  LengthNotifications notifications = { 0, 0, g_thread_self (), run->context };
  PutInThread put = { queue, 3 };
  GThread *thread;

  g_test_summary ("notify::length is emitted from the loop, on the queue's "
                  "home context, with the changes between two iterations "
                  "coalesced; a change made in another thread is notified "
                  "on the home context.");

  g_signal_connect (queue, "notify::length", G_CALLBACK (length_notified_cb), &notifications);

  assert_try_put (queue, 0);
  assert_try_put (queue, 1);
  g_assert_cmpuint (notifications.n_notified, ==, 0);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);
  g_assert_cmpuint (notifications.last_value, ==, 2);

  assert_try_get (queue, 0);
  assert_try_put (queue, 2);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  thread = g_thread_new ("put", put_in_thread, &put);
  g_thread_join (thread);
  while (notifications.n_notified < 2)
    g_main_context_iteration (run->context, TRUE);
  g_assert_cmpuint (notifications.last_value, ==, 5);

  async_sync_queue_shutdown (queue, TRUE);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 3);
  g_assert_cmpuint (notifications.last_value, ==, 0);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_criticals (void)
{
  g_test_summary ("A non-GObject item type, NULL or wrong-type arguments log "
                  "a critical, return, and change nothing.");

  if (g_test_subprocess ())
    {
      TestRun *run = test_run_new (0, queue_get_finish);
      AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 1);
      GObject *not_a_queue = g_object_new (G_TYPE_OBJECT, NULL);
      GError *error = NULL;

      test_trap_criticals_nonfatal ();

      g_assert_null (async_sync_queue_new (G_TYPE_STRING, 0));
      async_sync_queue_put_async (queue, NULL, NULL, test_never_called_cb, NULL);
      g_assert_false (async_sync_queue_try_put (queue, NULL, &error));
      g_assert_false (async_sync_queue_put ((AsyncSyncQueue *) not_a_queue, not_a_queue, NULL, &error));
      g_assert_null (async_sync_queue_try_get (NULL, &error));
      g_assert_false (async_sync_queue_task_done (NULL, &error));
      async_sync_queue_shutdown ((AsyncSyncQueue *) not_a_queue, TRUE);
      g_assert_true (async_sync_queue_get_item_type (NULL) == G_TYPE_INVALID);
      g_assert_cmpuint (async_sync_queue_get_maxsize (NULL), ==, 0);
      g_assert_cmpuint (async_sync_queue_get_length (NULL), ==, 0);
      g_assert_false (async_sync_queue_is_empty (NULL));
      g_assert_false (async_sync_queue_is_full (NULL));
      g_assert_false (async_sync_queue_is_shut_down (NULL));
      g_assert_no_error (error);

      test_run_drain (run);
      g_assert_true (async_sync_queue_is_empty (queue));
      g_assert_false (async_sync_queue_is_shut_down (queue));
      test_run_drain (run);
      g_object_unref (not_a_queue);
      test_run_unref_and_assert_finalized (run, queue);

      /* Constructed directly with a bad type: GObject's validation
       * refuses it (with a warning or, since GLib 2.84, a critical: its
       * message is not ours to match) and keeps the default, GObject. */
      queue = g_object_new (ASYNC_SYNC_TYPE_QUEUE, "item-type", G_TYPE_INT, NULL);
      g_assert_true (async_sync_queue_get_item_type (queue) == G_TYPE_OBJECT);
      test_run_unref_and_assert_finalized (run, queue);
      test_run_free (run);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*async_sync_queue_new*G_TYPE_OBJECT*"
                             "*CRITICAL*async_sync_queue_put_async*G_IS_OBJECT (item)*"
                             "*CRITICAL*async_sync_queue_try_put*G_IS_OBJECT (item)*"
                             "*CRITICAL*async_sync_queue_try_get*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_task_done*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_shutdown*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_get_item_type*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_get_maxsize*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_get_length*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_is_empty*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_is_full*ASYNC_SYNC_IS_QUEUE (self)*"
                             "*CRITICAL*async_sync_queue_is_shut_down*ASYNC_SYNC_IS_QUEUE (self)*");
}

/* Producers and consumers, each in its own thread.  Producers put
 * N_PER_PRODUCER numbered items (through put_async on their own context,
 * or the blocking put); consumers get until the queue is shut down and
 * empty, and tick each item off.  Every item must be seen exactly once. */
typedef struct
{
  AsyncSyncQueue *queue;
  gint            seen[N_PRODUCERS * N_PER_PRODUCER];
  gint            n_got;
} Mpmc;

typedef struct
{
  Mpmc *mpmc;
  guint index;
} Worker;

static gpointer
producer_thread (gpointer data)
{
  Worker *worker = data;
  Mpmc *mpmc = worker->mpmc;
  guint first = worker->index * N_PER_PRODUCER;
  guint i;

  if (worker->index == 0)
    {
      for (i = 0; i < N_PER_PRODUCER; i++)
        {
          g_autoptr(TestItem) item = test_item_new (first + i);
          GError *error = NULL;

          g_assert_true (async_sync_queue_put (mpmc->queue, item, NULL, &error));
          g_assert_no_error (error);
        }
    }
  else
    {
      TestRun *run = test_run_new (N_PER_PRODUCER, queue_put_finish);

      for (i = 0; i < N_PER_PRODUCER; i++)
        {
          g_autoptr(TestItem) item = test_item_new (first + i);
          TestOp *op = test_run_op (run, i);

          start_put (mpmc->queue, op, item);
          test_run_until_done (run, op);
          test_op_assert_ok (op);
        }
      g_assert_cmpuint (run->max_depth, ==, 1);
      test_run_free (run);
    }

  return NULL;
}

static void
consume (Mpmc     *mpmc,
         TestItem *item)
{
  g_assert_true (TEST_IS_ITEM (item));
  g_assert_cmpuint (item->id, <, N_PRODUCERS * N_PER_PRODUCER);
  g_assert_cmpint (g_atomic_int_add (&mpmc->seen[item->id], 1), ==, 0);
  g_atomic_int_inc (&mpmc->n_got);
  g_assert_true (async_sync_queue_task_done (mpmc->queue, NULL));
}

static gpointer
consumer_thread (gpointer data)
{
  Worker *worker = data;
  Mpmc *mpmc = worker->mpmc;

  if (worker->index == 0)
    {
      for (;;)
        {
          GError *error = NULL;
          TestItem *item = async_sync_queue_get (mpmc->queue, NULL, &error);

          if (item == NULL)
            {
              g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
              g_error_free (error);
              break;
            }
          consume (mpmc, item);
          g_object_unref (item);
        }
    }
  else
    {
      TestRun *run = test_run_new (N_PRODUCERS * N_PER_PRODUCER + 1, queue_get_finish);
      guint i;

      for (i = 0; i < run->n_ops; i++)
        {
          TestOp *op = test_run_op (run, i);

          start_get (mpmc->queue, op);
          test_run_until_done (run, op);
          if (!op->ok)
            {
              test_op_assert_error (op, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
              break;
            }
          consume (mpmc, op->data);
          g_clear_object (&op->data);
        }
      g_assert_cmpuint (run->max_depth, ==, 1);
      test_run_free (run);
    }

  return NULL;
}

static void
test_queue_threads (void)
{
  TestRun *run = test_run_new (1, queue_join_finish);
  Mpmc *mpmc = g_new0 (Mpmc, 1);
  Worker producers[N_PRODUCERS], consumers[N_CONSUMERS];
  GThread *producer_threads[N_PRODUCERS], *consumer_threads[N_CONSUMERS];
  TestOp *join = test_run_op (run, 0);
  guint i;

  g_test_summary ("Three producer and three consumer threads (some on their "
                  "own main contexts, some blocking) share a queue of 8: "
                  "every one of the 6,000 items is delivered exactly once, "
                  "join completes once all were processed, and a graceful "
                  "shutdown ends every consumer.");

  mpmc->queue = async_sync_queue_new (TEST_TYPE_ITEM, MPMC_MAXSIZE);
  for (i = 0; i < N_CONSUMERS; i++)
    {
      consumers[i].mpmc = mpmc;
      consumers[i].index = i;
      consumer_threads[i] = g_thread_new ("consumer", consumer_thread, &consumers[i]);
    }
  for (i = 0; i < N_PRODUCERS; i++)
    {
      producers[i].mpmc = mpmc;
      producers[i].index = i;
      producer_threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  for (i = 0; i < N_PRODUCERS; i++)
    g_thread_join (producer_threads[i]);

  /* Every item was put; join waits until every one was processed. */
  start_join (mpmc->queue, join);
  test_run_until_done (run, join);
  test_op_assert_ok (join);
  g_assert_cmpint (g_atomic_int_get (&mpmc->n_got), ==, N_PRODUCERS * N_PER_PRODUCER);

  async_sync_queue_shutdown (mpmc->queue, FALSE);
  for (i = 0; i < N_CONSUMERS; i++)
    g_thread_join (consumer_threads[i]);

  for (i = 0; i < N_PRODUCERS * N_PER_PRODUCER; i++)
    g_assert_cmpint (mpmc->seen[i], ==, 1);
  g_assert_true (async_sync_queue_is_empty (mpmc->queue));

  test_run_unref_and_assert_finalized (run, mpmc->queue);
  g_free (mpmc);
  test_run_free (run);
}

/* Producers and consumers in threads, every third put and every other get
 * cancelled right after the call, racing the grant made by another thread:
 * an item is delivered once if its put succeeded, never if it failed. */
typedef struct
{
  AsyncSyncQueue *queue;
  gint            put_ok[N_PRODUCERS * N_PER_PRODUCER];
  gint            seen[N_PRODUCERS * N_PER_PRODUCER];
  gint            n_cancelled_puts;
  gint            n_cancelled_gets;
} Racy;

typedef struct
{
  Racy *racy;
  guint index;
} RacyWorker;

static gpointer
racy_producer_thread (gpointer data)
{
  RacyWorker *worker = data;
  Racy *racy = worker->racy;
  TestRun *run = test_run_new (N_PER_PRODUCER, queue_put_finish);
  guint first = worker->index * N_PER_PRODUCER;
  guint i;

  for (i = 0; i < N_PER_PRODUCER; i++)
    {
      g_autoptr(TestItem) item = test_item_new (first + i);
      TestOp *op = test_run_op (run, i);

      if (i % 3 == 0)
        test_op_cancellable (op);
      start_put (racy->queue, op, item);
      if (op->cancellable != NULL)
        g_cancellable_cancel (op->cancellable);
      test_run_until_done (run, op);
      if (op->ok)
        racy->put_ok[first + i] = 1;
      else
        {
          test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_atomic_int_inc (&racy->n_cancelled_puts);
        }
    }
  test_run_free (run);

  return NULL;
}

static gpointer
racy_consumer_thread (gpointer data)
{
  Racy *racy = data;
  TestRun *run = test_run_new (4 * N_PRODUCERS * N_PER_PRODUCER, queue_get_finish);
  guint i;

  for (i = 0; i < run->n_ops; i++)
    {
      TestOp *op = test_run_op (run, i);

      if (i % 2 == 0)
        test_op_cancellable (op);
      start_get (racy->queue, op);
      if (op->cancellable != NULL)
        g_cancellable_cancel (op->cancellable);
      test_run_until_done (run, op);
      if (op->ok)
        {
          TestItem *item = op->data;

          g_assert_cmpint (g_atomic_int_add (&racy->seen[item->id], 1), ==, 0);
          g_clear_object (&op->data);
        }
      else if (g_error_matches (op->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_atomic_int_inc (&racy->n_cancelled_gets);
      else
        {
          test_op_assert_error (op, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN);
          break;
        }
    }
  g_assert_cmpuint (i, <, run->n_ops);
  test_run_free (run);

  return NULL;
}

static void
test_queue_threads_cancel_races (void)
{
  TestRun *run = test_run_new (0, queue_put_finish);
  Racy *racy = g_new0 (Racy, 1);
  RacyWorker producers[N_PRODUCERS];
  GThread *producer_threads[N_PRODUCERS], *consumer_threads[N_CONSUMERS];
  guint i;

  g_test_summary ("Three producer and three consumer threads cancel puts "
                  "and gets right after making them, racing the grants made "
                  "by the other threads: an item is delivered exactly once "
                  "if its put succeeded and never if it was cancelled.");

  racy->queue = async_sync_queue_new (TEST_TYPE_ITEM, MPMC_MAXSIZE);
  for (i = 0; i < N_CONSUMERS; i++)
    consumer_threads[i] = g_thread_new ("consumer", racy_consumer_thread, racy);
  for (i = 0; i < N_PRODUCERS; i++)
    {
      producers[i].racy = racy;
      producers[i].index = i;
      producer_threads[i] = g_thread_new ("producer", racy_producer_thread, &producers[i]);
    }
  for (i = 0; i < N_PRODUCERS; i++)
    g_thread_join (producer_threads[i]);
  async_sync_queue_shutdown (racy->queue, FALSE);
  for (i = 0; i < N_CONSUMERS; i++)
    g_thread_join (consumer_threads[i]);

  for (i = 0; i < N_PRODUCERS * N_PER_PRODUCER; i++)
    g_assert_cmpint (racy->seen[i], ==, racy->put_ok[i]);
  g_test_message ("%d puts and %d gets cancelled in time",
                  racy->n_cancelled_puts, racy->n_cancelled_gets);
  g_assert_true (async_sync_queue_is_empty (racy->queue));

  test_run_unref_and_assert_finalized (run, racy->queue);
  g_free (racy);
  test_run_free (run);
}

typedef struct
{
  AsyncSyncQueue *queue;
  GCancellable   *cancellable;
  gboolean        put;      /* else get */
  TestItem       *item;     /* put: the item; get: the result */
  gboolean        ok;
  GError         *error;
} BlockingCall;

static gpointer
blocking_thread (gpointer data)
{
  BlockingCall *blocking = data;

  if (blocking->put)
    blocking->ok = async_sync_queue_put (blocking->queue, blocking->item,
                                         blocking->cancellable, &blocking->error);
  else
    blocking->ok = (blocking->item = async_sync_queue_get (blocking->queue, blocking->cancellable,
                                                            &blocking->error)) != NULL;

  return NULL;
}

static gpointer
blocking_join_thread (gpointer data)
{
  BlockingCall *blocking = data;

  blocking->ok = async_sync_queue_join (blocking->queue, blocking->cancellable, &blocking->error);

  return NULL;
}

static void
test_queue_blocking (void)
{
  TestRun *run = test_run_new (0, queue_get_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 1);
  BlockingCall get = { queue, NULL, FALSE, NULL, FALSE, NULL };
  BlockingCall put = { queue, NULL, TRUE, test_item_new (2), FALSE, NULL };
  BlockingCall join = { queue, NULL, FALSE, NULL, FALSE, NULL };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_test_summary ("Blocking get in a worker waits for an item put from "
                  "another thread; blocking put waits for room; blocking "
                  "join waits for task_done; on a ready queue they return "
                  "at once.");

  thread = g_thread_new ("get", blocking_thread, &get);
  /* The worker may or may not be waiting yet: either way it gets it. */
  assert_try_put (queue, 1);
  g_thread_join (thread);
  g_assert_no_error (get.error);
  g_assert_true (get.ok);
  g_assert_cmpuint (get.item->id, ==, 1);
  g_clear_object (&get.item);

  assert_try_put (queue, 0);
  thread = g_thread_new ("put", blocking_thread, &put);
  assert_try_get (queue, 0);
  g_thread_join (thread);
  g_assert_no_error (put.error);
  g_assert_true (put.ok);
  g_clear_object (&put.item);

  /* Three puts: items 1, 0 and 2. */
  assert_try_get (queue, 2);
  thread = g_thread_new ("join", blocking_join_thread, &join);
  g_assert_true (async_sync_queue_task_done (queue, NULL));
  g_assert_true (async_sync_queue_task_done (queue, NULL));
  g_assert_true (async_sync_queue_task_done (queue, NULL));
  g_thread_join (thread);
  g_assert_no_error (join.error);
  g_assert_true (join.ok);

  /* Nothing unfinished: returns at once, in this thread too. */
  g_assert_true (async_sync_queue_join (queue, NULL, &error));
  g_assert_no_error (error);

  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

static void
test_queue_blocking_cancelled (void)
{
  TestRun *run = test_run_new (0, queue_get_finish);
  AsyncSyncQueue *queue = async_sync_queue_new (TEST_TYPE_ITEM, 1);
  BlockingCall get = { queue, g_cancellable_new (), FALSE, NULL, TRUE, NULL };
  BlockingCall put = { queue, g_cancellable_new (), TRUE, test_item_new (2), TRUE, NULL };
  gpointer weak = put.item;
  GThread *get_thread, *put_thread;

  g_test_summary ("A blocked get or put returns CANCELLED when cancelled "
                  "from another thread, taking or inserting nothing.");

  g_object_add_weak_pointer (G_OBJECT (put.item), &weak);

  get_thread = g_thread_new ("get", blocking_thread, &get);
  g_cancellable_cancel (get.cancellable);
  g_thread_join (get_thread);
  g_assert_error (get.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (get.ok);
  g_assert_null (get.item);

  assert_try_put (queue, 1);
  put_thread = g_thread_new ("put", blocking_thread, &put);
  g_cancellable_cancel (put.cancellable);
  g_thread_join (put_thread);
  g_assert_error (put.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (put.ok);
  g_clear_object (&put.item);
  g_assert_null (weak);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);
  assert_try_get (queue, 1);

  g_clear_error (&get.error);
  g_clear_error (&put.error);
  g_clear_object (&get.cancellable);
  g_clear_object (&put.cancellable);
  test_run_unref_and_assert_finalized (run, queue);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Queue/properties/getters-and-properties", test_queue_properties);
  g_test_add_func ("/AsyncSync/Queue/fifo/items-in-put-order", test_queue_fifo_items);
  g_test_add_func ("/AsyncSync/Queue/fifo/getters-served-in-order-by-direct-hand-off", test_queue_fifo_getters);
  g_test_add_func ("/AsyncSync/Queue/fifo/putters-wait-while-full-in-order", test_queue_fifo_putters);
  g_test_add_func ("/AsyncSync/Queue/cancel/get-never-loses-an-item", test_queue_cancel_get);
  g_test_add_func ("/AsyncSync/Queue/cancel/put-never-inserts", test_queue_cancel_put);
  g_test_add_func ("/AsyncSync/Queue/errors/wrong-item-type-is-invalid-argument", test_queue_wrong_item_type);
  g_test_add_func ("/AsyncSync/Queue/join/completes-when-count-reaches-zero", test_queue_join);
  g_test_add_func ("/AsyncSync/Queue/shutdown/graceful-drains-then-fails", test_queue_shutdown_graceful);
  g_test_add_func ("/AsyncSync/Queue/shutdown/immediate-drops-items-and-fails-waiters", test_queue_shutdown_immediate);
  g_test_add_func ("/AsyncSync/Queue/shutdown/immediate-finalizes-items-outside-the-call",
                   test_queue_shutdown_immediate_finalizes_outside);
  g_test_add_func ("/AsyncSync/Queue/shutdown/immediate-items-freed-with-a-context-never-run",
                   test_queue_shutdown_immediate_context_destroyed);
  g_test_add_func ("/AsyncSync/Queue/notify/length-on-home-context-coalesced", test_queue_notify_length);
  g_test_add_func ("/AsyncSync/Queue/criticals/null-and-wrong-type-arguments", test_queue_criticals);
  g_test_add_func ("/AsyncSync/Queue/threads/mpmc-every-item-exactly-once", test_queue_threads);
  g_test_add_func ("/AsyncSync/Queue/threads/cancelled-puts-and-gets-lose-nothing", test_queue_threads_cancel_races);
  g_test_add_func ("/AsyncSync/Queue/blocking/put-get-join-from-worker", test_queue_blocking);
  g_test_add_func ("/AsyncSync/Queue/blocking/cancelled-from-other-thread", test_queue_blocking_cancelled);

  return g_test_run ();
}
