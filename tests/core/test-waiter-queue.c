/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The waiter queue (asyncsync-glib/async-sync-waiter-queue.c), on its own:
 * an owner made of a plain GObject, a mutex and one queue, with arrive
 * rules written here, shows what every class relies on: FIFO, a grant
 * that never calls back inside the call, a cancellation that takes a
 * queued waiter out, whole-queue completion and failure, results by type,
 * and deadlines from any cancellable that attaches AsyncSyncDeadlineFuncs.
 */

#include "async-sync-waiter-queue-private.h"

typedef struct
{
  GObject              *object;   /* the source object of every task */
  GMutex                mutex;
  AsyncSyncWaiterQueue  queue;
  guint                 n_left;   /* calls of the leave rule */
} Owner;

typedef struct
{
  guint     index;
  gboolean  done;
  gboolean  ok;
  guint     result_index;
  GObject  *result_object;
  GError   *error;
  GArray   *order;                /* where callbacks append their index */
} Call;

/* The source tag of the tasks made here. */
static void
test_operation_async (Owner         *owner,
                      gconstpointer  data)
{
}

static void
owner_leave (AsyncSyncWaiterQueue *queue,
             AsyncSyncWaiter      *waiter)
{
  Owner *owner = queue->owner;

  owner->n_left++;
  async_sync_waiter_complete (waiter);  /* with the error it was given */
}

static void
owner_setup (Owner         *owner,
             gconstpointer  data)
{
  owner->object = g_object_new (G_TYPE_OBJECT, NULL);
  g_mutex_init (&owner->mutex);
  async_sync_waiter_queue_init (&owner->queue, owner_leave, NULL, owner);
  owner->n_left = 0;
}

static void
owner_teardown (Owner         *owner,
                gconstpointer  data)
{
  g_assert_cmpuint (async_sync_waiter_queue_length (&owner->queue), ==, 0);
  g_mutex_clear (&owner->mutex);
  g_object_unref (owner->object);
}

static void
arrive_queue (gpointer         data,
              AsyncSyncWaiter *waiter)
{
  Owner *owner = data;

  async_sync_waiter_queue_push (&owner->queue, waiter);
}

static void
arrive_grant (gpointer         data,
              AsyncSyncWaiter *waiter)
{
  async_sync_waiter_complete (waiter);
}

static void
arrive_never (gpointer         data,
              AsyncSyncWaiter *waiter)
{
  g_assert_not_reached ();
}

static void
boolean_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Call *call = data;

  call->ok = async_sync_waiter_finish_boolean (source, G_TYPE_OBJECT, result,
                                               test_operation_async, &call->error);
  call->done = TRUE;
  if (call->order != NULL)
    g_array_append_val (call->order, call->index);
}

static void
index_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Call *call = data;

  call->ok = async_sync_waiter_finish_index (source, G_TYPE_OBJECT, result,
                                             test_operation_async, &call->result_index,
                                             &call->error);
  call->done = TRUE;
}

static void
object_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Call *call = data;

  call->result_object = async_sync_waiter_finish_object (source, G_TYPE_OBJECT, result,
                                                         test_operation_async, &call->error);
  call->ok = call->result_object != NULL;
  call->done = TRUE;
}

static AsyncSyncWaiter *
owner_waiter_new (Owner               *owner,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  Call                *call)
{
  return async_sync_waiter_new (owner->object, &owner->mutex, cancellable, callback, call,
                                ASYNC_SYNC_SOURCE_TAG (test_operation_async));
}

/* Starts a call with @arrive as the class's rule. */
static void
owner_start (Owner                     *owner,
             GCancellable              *cancellable,
             GAsyncReadyCallback        callback,
             Call                      *call,
             AsyncSyncWaiterArriveFunc  arrive)
{
  async_sync_waiter_start (owner_waiter_new (owner, cancellable, callback, call), arrive, owner);
}

/* The head of the queue, taken out under the mutex, for a result. */
static void
owner_grant_head (Owner *owner)
{
  g_mutex_lock (&owner->mutex);
  async_sync_waiter_complete (async_sync_waiter_queue_pop (&owner->queue));
  g_mutex_unlock (&owner->mutex);
}

static void
run_until_done (Call  *calls,
                guint  n)
{
  for (guint i = 0; i < n; i++)
    while (!calls[i].done)
      g_main_context_iteration (NULL, TRUE);
}

static void
call_clear (Call *call)
{
  g_clear_error (&call->error);
  g_clear_object (&call->result_object);
}

/* A grant completes the call from a later iteration, never inside it. */
static void
test_grant_never_inside_the_call (Owner         *owner,
                                  gconstpointer  data)
{
  Call call = { 0 };

  owner_start (owner, NULL, boolean_done, &call, arrive_grant);
  g_assert_false (call.done);
  g_assert_cmpuint (async_sync_waiter_queue_length (&owner->queue), ==, 0);

  run_until_done (&call, 1);
  g_assert_true (call.ok);
  g_assert_no_error (call.error);

}

/* Waiters leave the queue in the order they arrived. */
static void
test_fifo (Owner         *owner,
           gconstpointer  data)
{
  Call calls[5] = { { 0 } };
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      calls[i].index = i;
      calls[i].order = order;
      owner_start (owner, NULL, boolean_done, &calls[i], arrive_queue);
    }
  g_assert_cmpuint (async_sync_waiter_queue_length (&owner->queue), ==, G_N_ELEMENTS (calls));

  g_mutex_lock (&owner->mutex);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    async_sync_waiter_complete (async_sync_waiter_queue_pop (&owner->queue));
  g_assert_null (async_sync_waiter_queue_pop (&owner->queue));
  g_mutex_unlock (&owner->mutex);

  run_until_done (calls, G_N_ELEMENTS (calls));
  g_assert_cmpuint (order->len, ==, G_N_ELEMENTS (calls));
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_assert_cmpuint (g_array_index (order, guint, i), ==, i);
      g_assert_true (calls[i].ok);
    }

  g_array_unref (order);
}

/* A cancellable already cancelled fails the call without its rule
 * running at all. */
static void
test_cancelled_before_never_arrives (Owner         *owner,
                                     gconstpointer  data)
{
  Call call = { 0 };
  GCancellable *cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  owner_start (owner, cancellable, boolean_done, &call, arrive_never);
  g_assert_false (call.done);

  run_until_done (&call, 1);
  g_assert_false (call.ok);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  call_clear (&call);
  g_object_unref (cancellable);
}

/* Cancelling a queued waiter takes it out at once, by the owner's leave
 * rule, and fails it; the waiters behind it stay. */
static void
test_cancel_while_queued (Owner         *owner,
                          gconstpointer  data)
{
  Call calls[2] = { { 0 } };
  GCancellable *cancellable = g_cancellable_new ();

  owner_start (owner, cancellable, boolean_done, &calls[0], arrive_queue);
  owner_start (owner, NULL, boolean_done, &calls[1], arrive_queue);

  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (owner->n_left, ==, 1);
  g_assert_cmpuint (async_sync_waiter_queue_length (&owner->queue), ==, 1);
  g_assert_false (calls[0].done);

  run_until_done (&calls[0], 1);
  g_assert_error (calls[0].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (calls[1].done);

  g_mutex_lock (&owner->mutex);
  async_sync_waiter_queue_complete_all (&owner->queue);
  g_mutex_unlock (&owner->mutex);
  run_until_done (&calls[1], 1);
  g_assert_true (calls[1].ok);

  call_clear (&calls[0]);
  g_object_unref (cancellable);
}

/* Once granted, a call succeeds whatever its cancellable does next. */
static void
test_cancel_after_grant (Owner         *owner,
                         gconstpointer  data)
{
  Call call = { 0 };
  GCancellable *cancellable = g_cancellable_new ();

  owner_start (owner, cancellable, boolean_done, &call, arrive_queue);
  owner_grant_head (owner);
  g_cancellable_cancel (cancellable);

  run_until_done (&call, 1);
  g_assert_true (call.ok);
  g_assert_no_error (call.error);
  g_assert_cmpuint (owner->n_left, ==, 0);

  g_object_unref (cancellable);
}

/* fail_all fails every waiter with the one error; complete_all grants
 * every waiter. */
static void
test_fail_all_and_complete_all (Owner         *owner,
                                gconstpointer  data)
{
  Call failed[3] = { { 0 } };
  Call granted[3] = { { 0 } };

  for (guint i = 0; i < 3; i++)
    owner_start (owner, NULL, boolean_done, &failed[i], arrive_queue);
  g_mutex_lock (&owner->mutex);
  async_sync_waiter_queue_fail_all (&owner->queue, G_IO_ERROR, G_IO_ERROR_CLOSED, "closed");
  g_assert_cmpuint (async_sync_waiter_queue_length (&owner->queue), ==, 0);
  g_mutex_unlock (&owner->mutex);

  for (guint i = 0; i < 3; i++)
    owner_start (owner, NULL, boolean_done, &granted[i], arrive_queue);
  g_mutex_lock (&owner->mutex);
  async_sync_waiter_queue_complete_all (&owner->queue);
  g_assert_cmpuint (async_sync_waiter_queue_length (&owner->queue), ==, 0);
  g_mutex_unlock (&owner->mutex);

  run_until_done (failed, 3);
  run_until_done (granted, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_false (failed[i].ok);
      g_assert_error (failed[i].error, G_IO_ERROR, G_IO_ERROR_CLOSED);
      g_assert_true (granted[i].ok);
      call_clear (&failed[i]);
    }

}

/* Results come back by type: an index, an object, an error. */
static void
test_results_by_type (Owner         *owner,
                      gconstpointer  data)
{
  Call with_index = { 0 };
  Call with_zero = { 0 };
  Call with_object = { 0 };
  Call failed = { 0 };
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);
  AsyncSyncWaiter *a, *b, *c, *d;

  a = owner_waiter_new (owner, NULL, index_done, &with_index);
  b = owner_waiter_new (owner, NULL, index_done, &with_zero);
  c = owner_waiter_new (owner, NULL, object_done, &with_object);
  d = owner_waiter_new (owner, NULL, index_done, &failed);
  async_sync_waiter_start (a, arrive_queue, owner);
  async_sync_waiter_start (b, arrive_queue, owner);
  async_sync_waiter_start (c, arrive_queue, owner);
  async_sync_waiter_start (d, arrive_queue, owner);

  g_mutex_lock (&owner->mutex);
  async_sync_waiter_complete_index (async_sync_waiter_queue_pop (&owner->queue), 7);
  async_sync_waiter_complete_index (async_sync_waiter_queue_pop (&owner->queue), 0);
  async_sync_waiter_complete_object (async_sync_waiter_queue_pop (&owner->queue),
                                     g_object_ref (item));
  async_sync_waiter_fail_literal (async_sync_waiter_queue_pop (&owner->queue),
                                  G_IO_ERROR, G_IO_ERROR_FAILED, "failed");
  g_mutex_unlock (&owner->mutex);

  run_until_done (&with_index, 1);
  run_until_done (&with_zero, 1);
  run_until_done (&with_object, 1);
  run_until_done (&failed, 1);

  g_assert_true (with_index.ok);
  g_assert_cmpuint (with_index.result_index, ==, 7);
  g_assert_true (with_zero.ok);   /* index 0 is a success, not a failure */
  g_assert_cmpuint (with_zero.result_index, ==, 0);
  g_assert_true (with_object.result_object == item);
  g_assert_false (failed.ok);
  g_assert_error (failed.error, G_IO_ERROR, G_IO_ERROR_FAILED);

  call_clear (&with_object);
  call_clear (&failed);
  g_object_unref (item);
}

/* The payload a class gives its waiters reads back as it was given. */
static void
test_payload (Owner         *owner,
              gconstpointer  data)
{
  Call call = { 0 };
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);
  AsyncSyncWaiter *waiter;

  g_object_add_weak_pointer (item, (gpointer *) &item);
  waiter = owner_waiter_new (owner, NULL, boolean_done, &call);
  g_assert_cmpuint (async_sync_waiter_get_weight (waiter), ==, 1);
  async_sync_waiter_set_weight (waiter, 5);
  g_assert_cmpuint (async_sync_waiter_get_weight (waiter), ==, 5);
  g_assert_false (async_sync_waiter_get_class_flag (waiter));
  async_sync_waiter_set_class_flag (waiter, TRUE);
  g_assert_true (async_sync_waiter_get_class_flag (waiter));
  async_sync_waiter_set_item (waiter, item);  /* the waiter's reference */
  g_assert_true (async_sync_waiter_get_item (waiter) == item);
  async_sync_waiter_start (waiter, arrive_queue, owner);

  /* Never stolen: the waiter drops the item with itself. */
  owner_grant_head (owner);
  run_until_done (&call, 1);
  while (item != NULL && g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (item);

}

/* A cancellable with a deadline, through the hook any cancellable type
 * may attach: the core names no class. */
static gint64 test_deadline;

static gint64
test_get_deadline (GCancellable *cancellable)
{
  return test_deadline;
}

static gint64
test_get_cancel_time (GCancellable *cancellable)
{
  return G_MAXINT64;
}

static const AsyncSyncDeadlineFuncs test_deadline_funcs = {
  .get_deadline = test_get_deadline,
  .get_cancel_time = test_get_cancel_time,
};

static GCancellable *
cancellable_with_deadline (gint64 deadline)
{
  GCancellable *cancellable = g_cancellable_new ();

  test_deadline = deadline;
  async_sync_deadline_attach (cancellable, &test_deadline_funcs);

  return cancellable;
}

static void
test_deadline_passed_never_arrives (Owner         *owner,
                                    gconstpointer  data)
{
  Call call = { 0 };
  GCancellable *cancellable = cancellable_with_deadline (g_get_monotonic_time () - 1);

  owner_start (owner, cancellable, boolean_done, &call, arrive_never);
  run_until_done (&call, 1);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  call_clear (&call);
  g_object_unref (cancellable);
}

/* A deadline is decided at grant time: the head whose deadline passed
 * leaves when a grant looks at it, even before its timer could run. */
static void
test_deadline_decided_at_grant (Owner         *owner,
                                gconstpointer  data)
{
  Call calls[2] = { { 0 } };
  GCancellable *cancellable = cancellable_with_deadline (g_get_monotonic_time () + 20000);
  AsyncSyncWaiter *head;

  owner_start (owner, cancellable, boolean_done, &calls[0], arrive_queue);
  owner_start (owner, NULL, boolean_done, &calls[1], arrive_queue);

  /* No iteration, so no timer: only time passes. */
  while (g_get_monotonic_time () <= test_deadline)
    g_usleep (1000);

  g_mutex_lock (&owner->mutex);
  head = async_sync_waiter_queue_pop (&owner->queue);
  g_assert_cmpuint (owner->n_left, ==, 1);
  async_sync_waiter_complete (head);
  g_mutex_unlock (&owner->mutex);

  run_until_done (calls, 2);
  g_assert_error (calls[0].error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (calls[1].ok);

  call_clear (&calls[0]);
  g_object_unref (cancellable);
}

/* Every test runs with a fresh Owner. */
#define add_test(path, func) \
  g_test_add ("/AsyncSync/Core/WaiterQueue/" path, Owner, NULL, owner_setup, func, owner_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The waiter queue: the contract between the core and every class");

  add_test ("grant-never-inside-the-call", test_grant_never_inside_the_call);
  add_test ("fifo", test_fifo);
  add_test ("cancelled-before-never-arrives", test_cancelled_before_never_arrives);
  add_test ("cancel-while-queued", test_cancel_while_queued);
  add_test ("cancel-after-grant", test_cancel_after_grant);
  add_test ("fail-all-and-complete-all", test_fail_all_and_complete_all);
  add_test ("results-by-type", test_results_by_type);
  add_test ("payload", test_payload);
  add_test ("deadline-passed-never-arrives", test_deadline_passed_never_arrives);
  add_test ("deadline-decided-at-grant", test_deadline_decided_at_grant);

  return g_test_run ();
}
