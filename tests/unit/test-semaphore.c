/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_CHAIN      100000
#define N_THREADS    4
#define N_PER_THREAD 2000

static gboolean
sem_acquire_finish (GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  return async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
}

static void
start_acquire (AsyncSyncSemaphore *sem,
               TestOp             *op)
{
  async_sync_semaphore_acquire_async (sem, op->cancellable, test_op_callback, test_op_start (op));
}

/* TestOpFunc: records is_locked (TRUE: no permit free, as during a hand-off). */
static void
record_locked (TestOp  *op,
               GObject *source)
{
  op->locked_in_callback = async_sync_semaphore_is_locked (ASYNC_SYNC_SEMAPHORE (source));
}

/* TestOpFunc: gives the permit back, no callback running inside. */
static void
record_locked_and_release (TestOp  *op,
                           GObject *source)
{
  g_autoptr(GError) error = NULL;
  gboolean released;

  record_locked (op, source);
  if (!op->ok)
    return;

  op->run->in_api = TRUE;
  released = async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (source), &error);
  op->run->in_api = FALSE;
  g_assert_no_error (error);
  g_assert_true (released);
}

static void
release (AsyncSyncSemaphore *sem)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_semaphore_release (sem, &error));
  g_assert_no_error (error);
}

static gboolean
release_in_source (gpointer data)
{
  release (data);

  return G_SOURCE_REMOVE;
}

static guint
value_property (AsyncSyncSemaphore *sem)
{
  guint value = 0;

  g_object_get (sem, "value", &value, NULL);

  return value;
}

static void
test_semaphore_properties (void)
{
  TestRun *run = test_run_new (0, sem_acquire_finish);
  AsyncSyncSemaphore *sem = async_sync_semaphore_new (3);
  AsyncSyncSemaphore *zero = async_sync_semaphore_new (0);
  AsyncSyncSemaphore *dflt = g_object_new (ASYNC_SYNC_TYPE_SEMAPHORE, NULL);
  GParamSpec *pspec;

  g_test_summary ("get_value, the `value` property (initial value when "
                  "constructing, current value when read), is_locked "
                  "(no permit free) and try_acquire agree.");

  g_assert_true (ASYNC_SYNC_IS_SEMAPHORE (sem));
  g_assert_false (g_type_test_flags (ASYNC_SYNC_TYPE_SEMAPHORE, G_TYPE_FLAG_FINAL));
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 3);
  g_assert_cmpuint (value_property (sem), ==, 3);
  g_assert_false (async_sync_semaphore_is_locked (sem));
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (sem), ==, 0);
  g_assert_cmpuint (async_sync_semaphore_get_value (dflt), ==, 1);
  g_assert_cmpuint (async_sync_semaphore_get_value (zero), ==, 0);
  g_assert_true (async_sync_semaphore_is_locked (zero));
  g_assert_false (async_sync_semaphore_try_acquire (zero));

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  g_assert_true (async_sync_semaphore_try_acquire (sem));
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  g_assert_cmpuint (value_property (sem), ==, 1);
  g_assert_false (async_sync_semaphore_is_locked (sem));
  g_assert_true (async_sync_semaphore_try_acquire (sem));
  g_assert_true (async_sync_semaphore_is_locked (sem));
  g_assert_false (async_sync_semaphore_try_acquire (sem));
  g_assert_cmpuint (value_property (sem), ==, 0);
  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  g_assert_false (async_sync_semaphore_is_locked (sem));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (sem), "value");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT);
  g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
  g_assert_true ((pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_unref_and_assert_finalized (run, zero);
  test_run_unref_and_assert_finalized (run, dflt);
  test_run_free (run);
}

static void
test_semaphore_acquire_free (void)
{
  TestRun *run = test_run_new (1, sem_acquire_finish);
  AsyncSyncSemaphore *sem = async_sync_semaphore_new (2);
  TestOp *op = test_run_op (run, 0);

  g_test_summary ("Acquiring a free permit takes it at once; the callback "
                  "runs from a later iteration, not inside the call.");

  run->in_api = TRUE;
  start_acquire (sem, op);
  run->in_api = FALSE;
  g_assert_false (op->done);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  test_run_until_done (run, op);
  test_op_assert_ok (op);
  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 2);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

static void
test_semaphore_release_each_wakes_one (void)
{
  TestRun *run = test_run_new (3, sem_acquire_finish);
  AsyncSyncSemaphore *sem = async_sync_semaphore_new (0);
  guint i;

  g_test_summary ("Each release hands one permit to the first waiter; the "
                  "value only grows once nobody waits.");

  for (i = 0; i < 3; i++)
    start_acquire (sem, test_run_op (run, i));

  release (sem);
  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 0);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (sem), ==, 1);
  test_run_until_n_done (run, 2);
  test_run_drain (run);
  test_run_assert_order (run, 2, 0, 1);

  release (sem);
  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 0);
  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

typedef struct
{
  guint         n_notified;
  guint         last_value;
  GThread      *thread;
  GMainContext *context;
} ValueNotifications;

static void
value_notified_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  ValueNotifications *notifications = user_data;

  g_assert_true (g_thread_self () == notifications->thread);
  g_assert_true (g_main_context_is_owner (notifications->context));
  g_assert_true (g_main_context_get_thread_default () == notifications->context);
  g_assert_cmpstr (pspec->name, ==, "value");

  notifications->n_notified++;
  g_object_get (object, "value", &notifications->last_value, NULL);
}

static void
test_semaphore_hand_off (void)
{
  TestRun *run = test_run_new (1, sem_acquire_finish);
  AsyncSyncSemaphore *sem = async_sync_semaphore_new (1);
  ValueNotifications notifications = { 0, G_MAXUINT, g_thread_self (), run->context };
  TestOp *a = test_run_op (run, 0);

  g_test_summary ("release() with a waiter hands the permit over: the value "
                  "stays 0 throughout and `notify::value` does not fire.");

  g_signal_connect (sem, "notify::value", G_CALLBACK (value_notified_cb), &notifications);
  g_assert_true (async_sync_semaphore_try_acquire (sem));
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);
  g_assert_cmpuint (notifications.last_value, ==, 0);

  a->then = record_locked;
  start_acquire (sem, a);
  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 0);
  g_assert_cmpuint (value_property (sem), ==, 0);
  g_assert_true (async_sync_semaphore_is_locked (sem));
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (sem), ==, 0);

  test_run_until_done (run, a);
  test_op_assert_ok (a);
  g_assert_true (a->locked_in_callback);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  release (sem);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 2);
  g_assert_cmpuint (notifications.last_value, ==, 1);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

typedef struct
{
  AsyncSyncSemaphore *free_sem;
  AsyncSyncSemaphore *busy_sem;
  TestOp             *fresh;
} GrantInCallback;

/* TestOpFunc, run by the dispatcher: makes two grants in the iteration it
 * runs in, the first to a request made right now. */
static void
grant_fresh_then_old (TestOp  *op,
                      GObject *source)
{
  GrantInCallback *grant = op->data;

  start_acquire (grant->free_sem, grant->fresh);
  release (grant->busy_sem);
}

static void
test_semaphore_completion_order (void)
{
  TestRun *run = test_run_new (3, sem_acquire_finish);
  TestOp *old = test_run_op (run, 0);
  TestOp *fresh = test_run_op (run, 1);
  TestOp *trigger = test_run_op (run, 2);
  GrantInCallback grant = { async_sync_semaphore_new (2), async_sync_semaphore_new (0), fresh };

  g_test_summary ("Completions on one context run in grant order, even when "
                  "the first grant was made in the dispatch that is running "
                  "(to a request made there) and the next went to an older "
                  "request.");

  start_acquire (grant.busy_sem, old);
  test_run_drain (run);
  trigger->then = grant_fresh_then_old;
  trigger->data = &grant;
  start_acquire (grant.free_sem, trigger);
  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 2, 1, 0);
  test_op_assert_ok (old);
  test_op_assert_ok (fresh);

  test_run_unref_and_assert_finalized (run, grant.free_sem);
  test_run_unref_and_assert_finalized (run, grant.busy_sem);
  test_run_free (run);
}

static void
test_semaphore_chain (void)
{
  TestRun *run = test_run_new (N_CHAIN, sem_acquire_finish);
  AsyncSyncSemaphore *sem = async_sync_semaphore_new (1);
  guint i;

  g_test_summary ("A chain of 100,000 permit hand-offs (each callback "
                  "releases) completes in order, flat, without one "
                  "iteration per hand-off.");

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  for (i = 0; i < N_CHAIN; i++)
    {
      test_run_op (run, i)->then = record_locked_and_release;
      start_acquire (sem, test_run_op (run, i));
    }

  test_run_in_source (run, release_in_source, sem);
  run->n_iterations = 0;
  test_run_until_n_done (run, N_CHAIN);
  test_run_assert_order_range (run, 0, N_CHAIN - 1);
  for (i = 0; i < N_CHAIN; i++)
    g_assert_true (test_run_op (run, i)->locked_in_callback);
  g_assert_cmpuint (run->max_depth, ==, 1);
  g_assert_cmpuint (run->n_iterations, <, N_CHAIN / 2);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

static void
test_semaphore_errors (void)
{
  TestRun *run = test_run_new (0, sem_acquire_finish);
  AsyncSyncSemaphore *sem = async_sync_semaphore_new (0);
  AsyncSyncSemaphore *max = async_sync_semaphore_new (G_MAXUINT - 1);
  ValueNotifications notifications = { 0, 0, g_thread_self (), run->context };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A plain semaphore accepts any number of releases up to "
                  "G_MAXUINT; one more fails with ASYNC_SYNC_ERROR_VALUE and "
                  "changes nothing.");

  release (sem);
  release (sem);
  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 3);

  g_signal_connect (max, "notify::value", G_CALLBACK (value_notified_cb), &notifications);
  release (max);
  g_assert_cmpuint (async_sync_semaphore_get_value (max), ==, G_MAXUINT);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  g_assert_false (async_sync_semaphore_release (max, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_assert_false (async_sync_semaphore_release (max, NULL));
  g_assert_cmpuint (async_sync_semaphore_get_value (max), ==, G_MAXUINT);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_unref_and_assert_finalized (run, max);
  test_run_free (run);
}

/* N of M: four threads, two permits. */
typedef struct
{
  AsyncSyncSemaphore *sem;
  gint                n_inside;
  gint                max_inside;
} Limit;

static void
limited_section (TestOp  *op,
                 GObject *source)
{
  Limit *limit = op->data;
  gint inside;

  test_op_assert_ok (op);
  inside = g_atomic_int_add (&limit->n_inside, 1) + 1;
  g_assert_cmpint (inside, <=, 2);
  if (inside > g_atomic_int_get (&limit->max_inside))
    g_atomic_int_set (&limit->max_inside, inside);
  g_thread_yield ();
  g_atomic_int_add (&limit->n_inside, -1);
  record_locked_and_release (op, source);
}

static gpointer
limit_thread (gpointer data)
{
  Limit *limit = data;
  TestRun *run = test_run_new (N_PER_THREAD, sem_acquire_finish);
  guint i;

  for (i = 0; i < N_PER_THREAD; i++)
    {
      TestOp *op = test_run_op (run, i);

      op->then = limited_section;
      op->data = limit;
      start_acquire (limit->sem, op);
      test_run_until_done (run, op);
    }
  test_run_free (run);

  return NULL;
}

static void
test_semaphore_threads (void)
{
  TestRun *run = test_run_new (0, sem_acquire_finish);
  Limit limit = { async_sync_semaphore_new (2), 0, 0 };
  GThread *threads[N_THREADS];
  guint i;

  g_test_summary ("Four threads, each on its own context, share a "
                  "semaphore of 2: never more than two holders at once, each "
                  "callback in its own thread.");

  for (i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("limit", limit_thread, &limit);
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (limit.n_inside, ==, 0);
  g_assert_cmpint (limit.max_inside, <=, 2);
  g_assert_cmpuint (async_sync_semaphore_get_value (limit.sem), ==, 2);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (limit.sem), ==, 0);

  test_run_unref_and_assert_finalized (run, limit.sem);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Semaphore/properties/value-is-locked-try-acquire", test_semaphore_properties);
  g_test_add_func ("/AsyncSync/Semaphore/acquire/free-permit-taken-at-once-completes-later", test_semaphore_acquire_free);
  g_test_add_func ("/AsyncSync/Semaphore/fifo/each-release-wakes-one", test_semaphore_release_each_wakes_one);
  g_test_add_func ("/AsyncSync/Semaphore/hand-off/value-stays-zero", test_semaphore_hand_off);
  g_test_add_func ("/AsyncSync/Semaphore/hand-off/chain-of-100000-is-flat", test_semaphore_chain);
  g_test_add_func ("/AsyncSync/Semaphore/dispatch/completion-order-is-grant-order", test_semaphore_completion_order);
  g_test_add_func ("/AsyncSync/Semaphore/errors/value-at-maxuint", test_semaphore_errors);
  g_test_add_func ("/AsyncSync/Semaphore/threads/two-permits-four-contexts", test_semaphore_threads);

  return g_test_run ();
}
