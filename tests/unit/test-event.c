/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_WAKE   100000

static gboolean
event_wait_finish (GObject       *source,
                   GAsyncResult  *result,
                   GError       **error)
{
  return async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source), result, error);
}

static void
start_wait (AsyncSyncEvent *event,
            TestOp         *op)
{
  async_sync_event_wait_async (event, op->cancellable, test_op_callback, test_op_start (op));
}

static gboolean
set_in_source (gpointer data)
{
  async_sync_event_set (data);

  return G_SOURCE_REMOVE;
}

static void
test_event_properties (void)
{
  TestRun *run = test_run_new (0, event_wait_finish);
  AsyncSyncEvent *event = async_sync_event_new ();
  GParamSpec *pspec;
  gboolean is_set = TRUE;

  g_test_summary ("A new event is not set; set/clear/is_set and the "
                  "read-only `is-set` property agree.");

  g_assert_true (ASYNC_SYNC_IS_EVENT (event));
  g_assert_false (async_sync_event_is_set (event));
  g_assert_cmpuint (async_sync_event_get_n_waiting (event), ==, 0);
  g_object_get (event, "is-set", &is_set, NULL);
  g_assert_false (is_set);

  async_sync_event_set (event);
  g_assert_true (async_sync_event_is_set (event));
  g_object_get (event, "is-set", &is_set, NULL);
  g_assert_true (is_set);
  async_sync_event_set (event);
  g_assert_true (async_sync_event_is_set (event));

  async_sync_event_clear (event);
  g_assert_false (async_sync_event_is_set (event));
  g_object_get (event, "is-set", &is_set, NULL);
  g_assert_false (is_set);
  async_sync_event_clear (event);
  g_assert_false (async_sync_event_is_set (event));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (event), "is-set");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_BOOLEAN);
  g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
  g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);

  test_run_unref_and_assert_finalized (run, event);
  test_run_free (run);
}

static void
test_event_wait_already_set (void)
{
  TestRun *run = test_run_new (1, event_wait_finish);
  AsyncSyncEvent *event = async_sync_event_new ();
  TestOp *op = test_run_op (run, 0);
  guint i;

  g_test_summary ("Waiting on an event that is set completes on the next "
                  "iterations, without a further set(), never inside the call.");

  async_sync_event_set (event);
  run->in_api = TRUE;
  start_wait (event, op);
  run->in_api = FALSE;
  g_assert_false (op->done);
  g_assert_cmpuint (async_sync_event_get_n_waiting (event), ==, 0);

  /* Non-blocking: nothing but the completion can make progress here.  The
   * item may wait one more iteration if the clock has not moved since the
   * call (the dispatcher never runs it in the iteration it was made in). */
  for (i = 0; i < 3 && !op->done; i++)
    g_main_context_iteration (run->context, FALSE);
  test_op_assert_ok (op);

  test_run_unref_and_assert_finalized (run, event);
  test_run_free (run);
}

static void
test_event_clear_after_set (void)
{
  TestRun *run = test_run_new (2, event_wait_finish);
  AsyncSyncEvent *event = async_sync_event_new ();
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);

  g_test_summary ("set() wakes only the waiters queued at that moment, and "
                  "their wake-up survives a clear() before their callback; "
                  "a wait after clear() blocks until the next set().");

  start_wait (event, a);
  async_sync_event_set (event);
  async_sync_event_clear (event);
  start_wait (event, b);
  g_assert_cmpuint (async_sync_event_get_n_waiting (event), ==, 1);

  test_run_until_done (run, a);
  test_op_assert_ok (a);
  test_run_drain (run);
  g_assert_false (b->done);

  test_run_in_source (run, set_in_source, event);
  test_run_until_done (run, b);
  test_op_assert_ok (b);
  test_run_assert_order (run, 2, 0, 1);

  test_run_unref_and_assert_finalized (run, event);
  test_run_free (run);
}

typedef struct
{
  AsyncSyncEvent *set_event;
  AsyncSyncEvent *unset_event;
  TestOp         *fresh;
} WakeInCallback;

/* TestOpFunc, run by the dispatcher: decides two completions in the
 * iteration it runs in, the first for a wait started right now. */
static void
wake_fresh_then_old (TestOp  *op,
                     GObject *source)
{
  WakeInCallback *wake = op->data;

  start_wait (wake->set_event, wake->fresh);
  async_sync_event_set (wake->unset_event);
}

static void
test_event_completion_order (void)
{
  TestRun *run = test_run_new (3, event_wait_finish);
  TestOp *old = test_run_op (run, 0);
  TestOp *fresh = test_run_op (run, 1);
  TestOp *trigger = test_run_op (run, 2);
  WakeInCallback wake = { async_sync_event_new (), async_sync_event_new (), fresh };

  g_test_summary ("Completions on one context run in wake-up order, even "
                  "when the first one was decided in the dispatch that is "
                  "running (for a wait started there) and the next one "
                  "belongs to an older wait.");

  async_sync_event_set (wake.set_event);
  start_wait (wake.unset_event, old);
  test_run_drain (run);
  trigger->then = wake_fresh_then_old;
  trigger->data = &wake;
  start_wait (wake.set_event, trigger);
  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 2, 1, 0);

  test_run_unref_and_assert_finalized (run, wake.set_event);
  test_run_unref_and_assert_finalized (run, wake.unset_event);
  test_run_free (run);
}

static void
test_event_wake_100000 (void)
{
  TestRun *run = test_run_new (N_WAKE, event_wait_finish);
  AsyncSyncEvent *event = async_sync_event_new ();
  guint i;

  g_test_summary ("One set() wakes 100,000 waiters in order, without "
                  "nesting callbacks and without one iteration per waiter.");

  for (i = 0; i < N_WAKE; i++)
    start_wait (event, test_run_op (run, i));
  g_assert_cmpuint (async_sync_event_get_n_waiting (event), ==, N_WAKE);

  test_run_in_source (run, set_in_source, event);
  run->n_iterations = 0;
  test_run_until_n_done (run, N_WAKE);
  test_run_assert_order_range (run, 0, N_WAKE - 1);
  g_assert_cmpuint (run->max_depth, ==, 1);
  g_assert_cmpuint (run->n_iterations, <, N_WAKE / 2);
  for (i = 0; i < N_WAKE; i++)
    g_assert_true (test_run_op (run, i)->ok);

  test_run_unref_and_assert_finalized (run, event);
  test_run_free (run);
}

/* Waiters on several threads' contexts, woken by one set(). */
typedef struct
{
  AsyncSyncEvent *event;
  TestOp         *op;
} WaitInThread;

static gpointer
wait_thread (gpointer data)
{
  WaitInThread *wait = data;
  TestRun *run = test_run_new (1, event_wait_finish);

  wait->op = test_run_op (run, 0);
  start_wait (wait->event, wait->op);
  test_run_until_done (run, wait->op);
  test_op_assert_ok (wait->op);
  wait->op = NULL;
  test_run_free (run);

  return NULL;
}

static void
test_event_threads (void)
{
  TestRun *run = test_run_new (1, event_wait_finish);
  AsyncSyncEvent *event = async_sync_event_new ();
  WaitInThread waits[3] = { { event, NULL }, { event, NULL }, { event, NULL } };
  GThread *threads[3];
  guint i;

  g_test_summary ("One set() wakes waiters of several threads, each on its "
                  "own thread and context.");

  for (i = 0; i < 3; i++)
    threads[i] = g_thread_new ("wait", wait_thread, &waits[i]);
  start_wait (event, test_run_op (run, 0));
  while (async_sync_event_get_n_waiting (event) < 4)
    g_thread_yield ();

  async_sync_event_set (event);
  for (i = 0; i < 3; i++)
    g_thread_join (threads[i]);
  test_run_until_done (run, test_run_op (run, 0));
  test_op_assert_ok (test_run_op (run, 0));

  test_run_unref_and_assert_finalized (run, event);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Event/properties/getters-and-is-set-property", test_event_properties);
  g_test_add_func ("/AsyncSync/Event/wait/already-set-completes-next-iteration", test_event_wait_already_set);
  g_test_add_func ("/AsyncSync/Event/set/wakes-only-current-waiters-and-survives-clear", test_event_clear_after_set);
  g_test_add_func ("/AsyncSync/Event/set/wakes-100000-flat", test_event_wake_100000);
  g_test_add_func ("/AsyncSync/Event/dispatch/completion-order-is-wake-order", test_event_completion_order);
  g_test_add_func ("/AsyncSync/Event/threads/set-wakes-each-thread-on-its-context", test_event_threads);

  return g_test_run ();
}
