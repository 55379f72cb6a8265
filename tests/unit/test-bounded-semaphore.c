/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_CHAIN  100000

static gboolean
sem_acquire_finish (GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  return async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
}

static AsyncSyncSemaphore *
bounded_new (guint value)
{
  return ASYNC_SYNC_SEMAPHORE (async_sync_bounded_semaphore_new (value));
}

static void
start_acquire (AsyncSyncSemaphore *sem,
               TestOp             *op)
{
  async_sync_semaphore_acquire_async (sem, op->cancellable, test_op_callback, test_op_start (op));
}

static void
record_locked (TestOp  *op,
               GObject *source)
{
  op->locked_in_callback = async_sync_semaphore_is_locked (ASYNC_SYNC_SEMAPHORE (source));
}

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

static void
assert_over_release (AsyncSyncSemaphore *sem)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (async_sync_semaphore_release (sem, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
}

static gboolean
release_in_source (gpointer data)
{
  release (data);

  return G_SOURCE_REMOVE;
}

static void
test_bounded_properties (void)
{
  TestRun *run = test_run_new (0, sem_acquire_finish);
  AsyncSyncBoundedSemaphore *bounded = async_sync_bounded_semaphore_new (3);
  AsyncSyncSemaphore *sem = ASYNC_SYNC_SEMAPHORE (bounded);
  AsyncSyncBoundedSemaphore *by_property = g_object_new (ASYNC_SYNC_TYPE_BOUNDED_SEMAPHORE,
                                                         "value", 5, NULL);
  guint value = 0;

  g_test_summary ("A bounded semaphore is a Semaphore whose bound is its "
                  "initial value (also when built through the `value` "
                  "property); the bound does not move with the value.");

  g_assert_true (ASYNC_SYNC_IS_BOUNDED_SEMAPHORE (bounded));
  g_assert_true (ASYNC_SYNC_IS_SEMAPHORE (bounded));
  g_assert_true (g_type_test_flags (ASYNC_SYNC_TYPE_BOUNDED_SEMAPHORE, G_TYPE_FLAG_FINAL));
  g_assert_cmpuint (async_sync_bounded_semaphore_get_bound (bounded), ==, 3);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 3);
  g_object_get (bounded, "value", &value, NULL);
  g_assert_cmpuint (value, ==, 3);
  g_assert_false (async_sync_semaphore_is_locked (sem));
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (sem), ==, 0);

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  g_assert_true (async_sync_semaphore_try_acquire (sem));
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  g_assert_cmpuint (async_sync_bounded_semaphore_get_bound (bounded), ==, 3);
  g_assert_true (async_sync_semaphore_try_acquire (sem));
  g_assert_true (async_sync_semaphore_is_locked (sem));
  g_assert_false (async_sync_semaphore_try_acquire (sem));

  g_assert_cmpuint (async_sync_bounded_semaphore_get_bound (by_property), ==, 5);
  g_assert_cmpuint (async_sync_semaphore_get_value (ASYNC_SYNC_SEMAPHORE (by_property)), ==, 5);

  test_run_unref_and_assert_finalized (run, bounded);
  test_run_unref_and_assert_finalized (run, by_property);
  test_run_free (run);
}

typedef struct
{
  guint n_notified;
} Notifications;

static void
value_notified_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  Notifications *notifications = user_data;

  notifications->n_notified++;
}

static void
test_bounded_over_release (void)
{
  TestRun *run = test_run_new (1, sem_acquire_finish);
  AsyncSyncSemaphore *sem = bounded_new (2);
  AsyncSyncSemaphore *zero = bounded_new (0);
  Notifications notifications = { 0 };
  TestOp *op = test_run_op (run, 0);

  g_test_summary ("A release that would exceed the bound fails with "
                  "ASYNC_SYNC_ERROR_VALUE and changes nothing: value, "
                  "waiters and notifications stay as they were.");

  g_signal_connect (sem, "notify::value", G_CALLBACK (value_notified_cb), &notifications);

  assert_over_release (sem);
  g_assert_false (async_sync_semaphore_release (sem, NULL));
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 2);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 0);

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  release (sem);
  assert_over_release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 2);

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  g_assert_true (async_sync_semaphore_try_acquire (sem));
  release (sem);
  release (sem);
  assert_over_release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 2);

  /* A bound of 0 refuses every release; an acquisition, which could never
   * be served, fails at once instead of queueing forever. */
  assert_over_release (zero);
  start_acquire (zero, op);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (zero), ==, 0);
  assert_over_release (zero);
  g_assert_cmpuint (async_sync_semaphore_get_value (zero), ==, 0);
  test_run_until_done (run, op);
  test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_unref_and_assert_finalized (run, zero);
  test_run_free (run);
}

static void
test_bounded_fifo_hand_off (void)
{
  TestRun *run = test_run_new (4, sem_acquire_finish);
  AsyncSyncSemaphore *sem = bounded_new (1);
  guint i;

  g_test_summary ("Below its bound, a bounded semaphore hands permits to "
                  "waiters in FIFO order, the value staying 0 (no barging), "
                  "and ends back at its bound.");

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  for (i = 0; i < 3; i++)
    {
      test_run_op (run, i)->then = record_locked_and_release;
      start_acquire (sem, test_run_op (run, i));
    }

  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 0);
  g_assert_false (async_sync_semaphore_try_acquire (sem));
  test_run_op (run, 3)->then = record_locked_and_release;
  start_acquire (sem, test_run_op (run, 3));
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (sem), ==, 3);

  test_run_until_n_done (run, 4);
  test_run_assert_order (run, 4, 0, 1, 2, 3);
  for (i = 0; i < 4; i++)
    {
      test_op_assert_ok (test_run_op (run, i));
      g_assert_true (test_run_op (run, i)->locked_in_callback);
    }
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  assert_over_release (sem);
  g_assert_cmpuint (run->max_depth, ==, 1);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

static void
test_bounded_cancel (void)
{
  TestRun *run = test_run_new (4, sem_acquire_finish);
  AsyncSyncSemaphore *sem = bounded_new (1);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);
  TestOp *d = test_run_op (run, 3);

  g_test_summary ("Cancelling a queued acquisition takes no permit (the "
                  "bound still holds afterwards); one cancelled after the "
                  "grant keeps its permit; a pre-cancelled one takes none.");

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  test_op_cancellable (a);
  test_op_cancellable (b);
  start_acquire (sem, a);
  start_acquire (sem, b);

  g_cancellable_cancel (a->cancellable);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (sem), ==, 1);
  release (sem);
  g_cancellable_cancel (b->cancellable);
  test_run_until_n_done (run, 2);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  test_op_assert_ok (b);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 0);
  release (sem);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  assert_over_release (sem);

  g_cancellable_cancel (test_op_cancellable (c));
  start_acquire (sem, c);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  test_run_until_done (run, c);
  test_op_assert_error (c, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_over_release (sem);

  d->then = record_locked_and_release;
  start_acquire (sem, d);
  test_run_until_done (run, d);
  test_op_assert_ok (d);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

static void
test_bounded_chain (void)
{
  TestRun *run = test_run_new (N_CHAIN, sem_acquire_finish);
  AsyncSyncSemaphore *sem = bounded_new (1);
  guint i;

  g_test_summary ("A chain of 100,000 hand-offs on a bounded semaphore of 1 "
                  "completes in order, flat, never tripping the bound.");

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
  g_assert_cmpuint (run->max_depth, ==, 1);
  g_assert_cmpuint (run->n_iterations, <, N_CHAIN / 2);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);

  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

/* A release from another thread: the bound holds there too, and the
 * notification arrives on the home context. */
typedef struct
{
  AsyncSyncSemaphore *sem;
  gboolean            released;
  GError             *error;
} ReleaseInThread;

static gpointer
release_thread (gpointer data)
{
  ReleaseInThread *release_in_thread = data;

  release_in_thread->released = async_sync_semaphore_release (release_in_thread->sem,
                                                              &release_in_thread->error);

  return NULL;
}

typedef struct
{
  guint         n_notified;
  GThread      *thread;
  GMainContext *context;
} HomeNotifications;

static void
home_notified_cb (GObject    *object,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  HomeNotifications *notifications = user_data;

  g_assert_true (g_thread_self () == notifications->thread);
  g_assert_true (g_main_context_is_owner (notifications->context));
  notifications->n_notified++;
}

static void
test_bounded_threads (void)
{
  TestRun *run = test_run_new (0, sem_acquire_finish);
  AsyncSyncSemaphore *sem = bounded_new (1);
  HomeNotifications notifications = { 0, g_thread_self (), run->context };
  ReleaseInThread release_in_thread = { sem, FALSE, NULL };
  GThread *thread;

  g_test_summary ("Releases from another thread: the first is notified on "
                  "the home context, the one above the bound fails VALUE.");

  g_assert_true (async_sync_semaphore_try_acquire (sem));
  test_run_drain (run);
  g_signal_connect (sem, "notify::value", G_CALLBACK (home_notified_cb), &notifications);

  thread = g_thread_new ("release", release_thread, &release_in_thread);
  while (notifications.n_notified < 1)
    g_main_context_iteration (run->context, TRUE);
  g_thread_join (thread);
  g_assert_no_error (release_in_thread.error);
  g_assert_true (release_in_thread.released);

  thread = g_thread_new ("release", release_thread, &release_in_thread);
  g_thread_join (thread);
  g_assert_error (release_in_thread.error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_assert_false (release_in_thread.released);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  g_clear_error (&release_in_thread.error);
  test_run_unref_and_assert_finalized (run, sem);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/BoundedSemaphore/properties/bound-is-initial-value", test_bounded_properties);
  g_test_add_func ("/AsyncSync/BoundedSemaphore/errors/over-release-is-value-error", test_bounded_over_release);
  g_test_add_func ("/AsyncSync/BoundedSemaphore/fifo/hand-off-below-bound", test_bounded_fifo_hand_off);
  g_test_add_func ("/AsyncSync/BoundedSemaphore/hand-off/chain-of-100000-is-flat", test_bounded_chain);
  g_test_add_func ("/AsyncSync/BoundedSemaphore/cancel/queued-after-grant-and-pre-cancelled", test_bounded_cancel);
  g_test_add_func ("/AsyncSync/BoundedSemaphore/threads/release-from-other-thread", test_bounded_threads);

  return g_test_run ();
}
