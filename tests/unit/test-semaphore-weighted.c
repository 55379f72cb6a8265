/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_THREADS     4
#define N_PER_THREAD  3000
#define N_PERMITS     4

static gboolean
acquire_many_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return async_sync_semaphore_acquire_many_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
}

static gboolean
acquire_finish (GObject       *source,
                GAsyncResult  *result,
                GError       **error)
{
  return async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
}

static void
start_acquire_many (gpointer  semaphore,
                    guint     n,
                    TestOp   *op)
{
  op->finish = acquire_many_finish;
  async_sync_semaphore_acquire_many_async (semaphore, n, op->cancellable,
                                           test_op_callback, test_op_start (op));
}

static void
start_acquire (gpointer  semaphore,
               TestOp   *op)
{
  op->finish = acquire_finish;
  async_sync_semaphore_acquire_async (semaphore, op->cancellable, test_op_callback, test_op_start (op));
}

static void
release_many (gpointer semaphore,
              guint    n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_semaphore_release_many (semaphore, n, &error));
  g_assert_no_error (error);
}

static void
assert_state (gpointer semaphore,
              guint    value,
              guint    n_waiting)
{
  guint prop_value = G_MAXUINT;

  g_assert_cmpuint (async_sync_semaphore_get_value (semaphore), ==, value);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (semaphore), ==, n_waiting);
  g_object_get (semaphore, "value", &prop_value, NULL);
  g_assert_cmpuint (prop_value, ==, value);
}

static void
test_weighted_acquire_many (void)
{
  TestRun *run = test_run_new (2, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (5);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);

  g_test_summary ("acquire_many takes n permits at once when available "
                  "(the callback runs from a later iteration); a request "
                  "for more than the value waits, taking nothing; "
                  "release_many gives n back.");

  run->in_api = TRUE;
  start_acquire_many (semaphore, 3, a);
  run->in_api = FALSE;
  assert_state (semaphore, 2, 0);
  g_assert_false (a->done);
  test_run_until_done (run, a);
  test_op_assert_ok (a);

  start_acquire_many (semaphore, 3, b);
  assert_state (semaphore, 2, 1);
  g_assert_true (async_sync_semaphore_is_locked (semaphore));
  test_run_drain (run);
  g_assert_false (b->done);

  run->in_api = TRUE;
  release_many (semaphore, 3);
  run->in_api = FALSE;
  assert_state (semaphore, 2, 0);
  test_run_until_done (run, b);
  test_op_assert_ok (b);

  release_many (semaphore, 3);
  assert_state (semaphore, 5, 0);
  g_assert_false (async_sync_semaphore_is_locked (semaphore));

  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

static void
test_weighted_big_head_blocks (void)
{
  TestRun *run = test_run_new (3, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (1);
  TestOp *big = test_run_op (run, 0);
  TestOp *small = test_run_op (run, 1);
  TestOp *small2 = test_run_op (run, 2);

  g_test_summary ("Strict FIFO: a large request at the head blocks smaller "
                  "ones behind it even when the value would cover them (at "
                  "the call and after releases); try_acquire and "
                  "try_acquire_many fail meanwhile; the release that covers "
                  "the head serves it first.");

  start_acquire_many (semaphore, 3, big);
  start_acquire (semaphore, small);
  assert_state (semaphore, 1, 2);
  g_assert_true (async_sync_semaphore_is_locked (semaphore));
  g_assert_false (async_sync_semaphore_try_acquire (semaphore));
  g_assert_false (async_sync_semaphore_try_acquire_many (semaphore, 1));
  start_acquire_many (semaphore, 1, small2);
  assert_state (semaphore, 1, 3);

  /* Enough for both small requests, not for the head. */
  release_many (semaphore, 1);
  assert_state (semaphore, 2, 3);
  g_assert_false (async_sync_semaphore_try_acquire (semaphore));
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);

  g_assert_true (async_sync_semaphore_release (semaphore, NULL));
  assert_state (semaphore, 0, 2);
  test_run_until_done (run, big);
  test_op_assert_ok (big);
  test_run_drain (run);
  g_assert_false (small->done);

  release_many (semaphore, 1);
  assert_state (semaphore, 0, 1);
  release_many (semaphore, 1);
  assert_state (semaphore, 0, 0);
  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);

  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

static void
test_weighted_release_many_serves_several (void)
{
  TestRun *run = test_run_new (4, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (0);
  guint weights[] = { 2, 1, 3, 1 };
  guint i;

  g_test_summary ("One release_many serves every request at the head of "
                  "the queue it covers, in order, and stops at the first "
                  "it does not; the remainder stays in the value.");

  for (i = 0; i < 4; i++)
    start_acquire_many (semaphore, weights[i], test_run_op (run, i));
  assert_state (semaphore, 0, 4);

  run->in_api = TRUE;
  release_many (semaphore, 5);
  run->in_api = FALSE;
  /* 2 + 1 served, 3 does not fit in the 2 left. */
  assert_state (semaphore, 2, 2);
  test_run_until_n_done (run, 2);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 2);

  release_many (semaphore, 3);
  assert_state (semaphore, 1, 0);
  test_run_until_n_done (run, 4);
  test_run_assert_order (run, 4, 0, 1, 2, 3);
  for (i = 0; i < 4; i++)
    test_op_assert_ok (test_run_op (run, i));

  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

static void
test_weighted_cancel_head (void)
{
  TestRun *run = test_run_new (3, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (1);
  TestOp *big = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);

  g_test_summary ("Cancelling the large request at the head fails it with "
                  "CANCELLED and at once serves the requests behind it "
                  "that the value covers.");

  test_op_cancellable (big);
  start_acquire_many (semaphore, 3, big);
  start_acquire (semaphore, b);
  start_acquire (semaphore, c);
  assert_state (semaphore, 1, 3);

  run->in_api = TRUE;
  g_cancellable_cancel (big->cancellable);
  run->in_api = FALSE;
  assert_state (semaphore, 0, 1);
  test_run_until_n_done (run, 2);
  test_run_assert_order (run, 2, 0, 1);
  test_op_assert_error (big, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  test_op_assert_ok (b);
  test_run_drain (run);
  g_assert_false (c->done);

  release_many (semaphore, 1);
  test_run_until_n_done (run, 3);
  test_op_assert_ok (c);
  assert_state (semaphore, 0, 0);

  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

static void
test_weighted_invalid_argument (void)
{
  TestRun *run = test_run_new (4, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (2);
  AsyncSyncBoundedSemaphore *bounded = async_sync_bounded_semaphore_new (3);
  g_autoptr(GError) error = NULL;

  g_test_summary ("acquire_many (0), release_many (0) and, on a BoundedSemaphore, a request "
                  "above the bound fail with G_IO_ERROR_INVALID_ARGUMENT "
                  "(async and blocking) without queueing, even with "
                  "others queued; a request of exactly the bound works.");

  start_acquire_many (semaphore, 0, test_run_op (run, 0));
  assert_state (semaphore, 2, 0);
  test_run_until_done (run, test_run_op (run, 0));
  test_op_assert_error (test_run_op (run, 0), G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (async_sync_semaphore_acquire_many (semaphore, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  assert_state (semaphore, 2, 0);
  g_assert_false (async_sync_semaphore_release_many (semaphore, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  assert_state (semaphore, 2, 0);

  start_acquire_many (bounded, 4, test_run_op (run, 1));
  assert_state (bounded, 3, 0);
  test_run_until_done (run, test_run_op (run, 1));
  test_op_assert_error (test_run_op (run, 1), G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (async_sync_semaphore_acquire_many (ASYNC_SYNC_SEMAPHORE (bounded), G_MAXUINT, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  assert_state (bounded, 3, 0);

  g_assert_true (async_sync_semaphore_acquire_many (ASYNC_SYNC_SEMAPHORE (bounded), 3, NULL, &error));
  g_assert_no_error (error);
  assert_state (bounded, 0, 0);

  /* With a request queued: still refused at once, the queue unchanged. */
  start_acquire_many (bounded, 2, test_run_op (run, 2));
  start_acquire_many (bounded, 4, test_run_op (run, 3));
  assert_state (bounded, 0, 1);
  test_run_until_done (run, test_run_op (run, 3));
  test_op_assert_error (test_run_op (run, 3), G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  release_many (bounded, 3);
  test_run_until_done (run, test_run_op (run, 2));
  test_op_assert_ok (test_run_op (run, 2));
  assert_state (bounded, 1, 0);

  test_run_unref_and_assert_finalized (run, bounded);
  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

static void
test_weighted_bounded_release_many (void)
{
  TestRun *run = test_run_new (1, acquire_many_finish);
  AsyncSyncBoundedSemaphore *bounded = async_sync_bounded_semaphore_new (3);
  AsyncSyncSemaphore *plain = async_sync_semaphore_new (G_MAXUINT - 1);
  g_autoptr(GError) error = NULL;
  TestOp *a = test_run_op (run, 0);

  g_test_summary ("BoundedSemaphore.release_many fails with "
                  "ASYNC_SYNC_ERROR_VALUE and changes nothing (value, "
                  "waiters) when the value would exceed the bound; a plain "
                  "Semaphore fails likewise past G_MAXUINT.");

  g_assert_cmpuint (async_sync_bounded_semaphore_get_bound (bounded), ==, 3);
  g_assert_true (async_sync_semaphore_try_acquire_many (ASYNC_SYNC_SEMAPHORE (bounded), 2));
  assert_state (bounded, 1, 0);

  g_assert_false (async_sync_semaphore_release_many (ASYNC_SYNC_SEMAPHORE (bounded), 3, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  assert_state (bounded, 1, 0);
  release_many (bounded, 2);
  assert_state (bounded, 3, 0);
  g_assert_false (async_sync_semaphore_release_many (ASYNC_SYNC_SEMAPHORE (bounded), 1, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  assert_state (bounded, 3, 0);

  /* All permits out, a request waiting: an excessive release serves nobody. */
  g_assert_true (async_sync_semaphore_try_acquire_many (ASYNC_SYNC_SEMAPHORE (bounded), 3));
  start_acquire_many (bounded, 2, a);
  g_assert_false (async_sync_semaphore_release_many (ASYNC_SYNC_SEMAPHORE (bounded), 4, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  assert_state (bounded, 0, 1);
  test_run_drain (run);
  g_assert_false (a->done);
  release_many (bounded, 3);
  assert_state (bounded, 1, 0);
  test_run_until_done (run, a);
  test_op_assert_ok (a);

  g_assert_false (async_sync_semaphore_release_many (plain, 2, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  assert_state (plain, G_MAXUINT - 1, 0);
  release_many (plain, 1);
  assert_state (plain, G_MAXUINT, 0);

  test_run_unref_and_assert_finalized (run, plain);
  test_run_unref_and_assert_finalized (run, bounded);
  test_run_free (run);
}

static void
test_weighted_try_acquire_many (void)
{
  TestRun *run = test_run_new (1, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (3);
  TestOp *a = test_run_op (run, 0);

  g_test_summary ("try_acquire_many takes n permits if the value covers "
                  "them and nobody is queued, else takes nothing.");

  g_assert_true (async_sync_semaphore_try_acquire_many (semaphore, 2));
  assert_state (semaphore, 1, 0);
  g_assert_false (async_sync_semaphore_try_acquire_many (semaphore, 2));
  assert_state (semaphore, 1, 0);
  g_assert_true (async_sync_semaphore_try_acquire_many (semaphore, 1));
  assert_state (semaphore, 0, 0);
  g_assert_false (async_sync_semaphore_try_acquire_many (semaphore, 1));

  release_many (semaphore, 2);
  start_acquire_many (semaphore, 3, a);
  g_assert_false (async_sync_semaphore_try_acquire_many (semaphore, 1));
  assert_state (semaphore, 2, 1);
  release_many (semaphore, 1);
  test_run_until_done (run, a);
  test_op_assert_ok (a);
  assert_state (semaphore, 0, 0);

  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

typedef struct
{
  guint    n_notified;
  guint    last_value;
} ValueNotifications;

static void
value_notified_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  ValueNotifications *notifications = user_data;

  notifications->n_notified++;
  g_object_get (object, "value", &notifications->last_value, NULL);
}

static void
test_weighted_notify_value (void)
{
  TestRun *run = test_run_new (0, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (5);
  ValueNotifications notifications = { 0, 0 };

  g_test_summary ("notify::value follows acquire_many/release_many from the "
                  "loop, coalesced.");

  g_signal_connect (semaphore, "notify::value", G_CALLBACK (value_notified_cb), &notifications);
  g_assert_true (async_sync_semaphore_try_acquire_many (semaphore, 4));
  g_assert_cmpuint (notifications.n_notified, ==, 0);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);
  g_assert_cmpuint (notifications.last_value, ==, 1);

  release_many (semaphore, 3);
  g_assert_true (async_sync_semaphore_try_acquire_many (semaphore, 3));
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  release_many (semaphore, 4);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 2);
  g_assert_cmpuint (notifications.last_value, ==, 5);

  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

static void
test_weighted_criticals (void)
{
  g_test_summary ("NULL or wrong-type arguments and try_acquire_many (0) log "
                  "a critical, return, and change nothing; an acquire "
                  "result cannot finish an acquire_many.");

  if (g_test_subprocess ())
    {
      TestRun *run = test_run_new (0, acquire_many_finish);
      AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (2);
      GObject *not_a_semaphore = g_object_new (G_TYPE_OBJECT, NULL);
      GTask *other_tag = g_task_new (semaphore, NULL, NULL, NULL);
      GError *error = NULL;

      test_trap_criticals_nonfatal ();
      g_task_set_source_tag (other_tag, async_sync_semaphore_acquire_async);

      g_assert_false (async_sync_semaphore_try_acquire_many (NULL, 1));
      g_assert_false (async_sync_semaphore_try_acquire_many (semaphore, 0));
      g_assert_false (async_sync_semaphore_release_many (NULL, 1, &error));
      g_assert_false (async_sync_semaphore_acquire_many_finish (semaphore, G_ASYNC_RESULT (other_tag), &error));
      g_assert_no_error (error);

      test_run_drain (run);
      assert_state (semaphore, 2, 0);

      g_task_return_boolean (other_tag, TRUE);
      g_object_unref (other_tag);
      test_run_drain (run);
      g_object_unref (not_a_semaphore);
      test_run_unref_and_assert_finalized (run, semaphore);
      test_run_free (run);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*async_sync_semaphore_try_acquire_many*ASYNC_SYNC_IS_SEMAPHORE (self)*"
                             "*CRITICAL*async_sync_semaphore_try_acquire_many*n > 0*"
                             "*CRITICAL*async_sync_semaphore_release_many*ASYNC_SYNC_IS_SEMAPHORE (self)*"
                             "*CRITICAL*source_tag*");
}

/* N_THREADS threads on their own contexts (the last one blocking) take
 * 1 to 3 permits of N_PERMITS at a time: the permits in use never exceed
 * N_PERMITS. */
typedef struct
{
  AsyncSyncSemaphore *semaphore;
  gint                in_use;
  gint                max_in_use;
  gint                n_cancelled;
} Permits;

static void
use_permits (Permits *permits,
             guint    n)
{
  gint in_use = g_atomic_int_add (&permits->in_use, (gint) n) + (gint) n;
  gint max;

  g_assert_cmpint (in_use, <=, N_PERMITS);
  do
    max = g_atomic_int_get (&permits->max_in_use);
  while (in_use > max && !g_atomic_int_compare_and_exchange (&permits->max_in_use, max, in_use));
  g_thread_yield ();
  g_atomic_int_add (&permits->in_use, -(gint) n);
  release_many (permits->semaphore, n);
}

static void
use_permits_then (TestOp  *op,
                  GObject *source)
{
  Permits *permits = op->data;

  /* Cancelled in time: nothing was taken. */
  if (!op->ok)
    {
      test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_atomic_int_inc (&permits->n_cancelled);
      return;
    }
  use_permits (permits, 1 + op->id % 3);
}

static gpointer
permits_thread (gpointer data)
{
  Permits *permits = ((gpointer *) data)[0];
  gboolean blocking = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  TestRun *run = test_run_new (N_PER_THREAD, acquire_many_finish);
  guint i;

  for (i = 0; i < N_PER_THREAD; i++)
    {
      guint n = 1 + i % 3;

      if (blocking)
        {
          GError *error = NULL;

          g_assert_true (async_sync_semaphore_acquire_many (permits->semaphore, n, NULL, &error));
          g_assert_no_error (error);
          use_permits (permits, n);
        }
      else
        {
          TestOp *op = test_run_op (run, i);

          op->then = use_permits_then;
          op->data = permits;
          /* Every fifth request is cancelled at once, racing the grant
           * another thread's release makes. */
          if (i % 5 == 0)
            test_op_cancellable (op);
          start_acquire_many (permits->semaphore, n, op);
          if (op->cancellable != NULL)
            g_cancellable_cancel (op->cancellable);
          test_run_until_done (run, op);
        }
    }
  test_run_free (run);

  return NULL;
}

static void
test_weighted_threads (void)
{
  TestRun *run = test_run_new (0, acquire_many_finish);
  Permits permits = { async_sync_semaphore_new (N_PERMITS), 0, 0, 0 };
  gpointer args[N_THREADS][2];
  GThread *threads[N_THREADS];
  guint i;

  g_test_summary ("Four threads (three on their own contexts, one blocking) "
                  "take 1-3 of 4 permits at a time, some requests cancelled "
                  "right away: never more than 4 in use, and all of them "
                  "back at the end (a cancellation leaks nothing).");

  for (i = 0; i < N_THREADS; i++)
    {
      args[i][0] = &permits;
      args[i][1] = GUINT_TO_POINTER (i == N_THREADS - 1);
      threads[i] = g_thread_new ("permits", permits_thread, args[i]);
    }
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_test_message ("%d requests cancelled in time", permits.n_cancelled);
  g_assert_cmpint (permits.in_use, ==, 0);
  g_assert_cmpint (permits.max_in_use, <=, N_PERMITS);
  assert_state (permits.semaphore, N_PERMITS, 0);

  test_run_unref_and_assert_finalized (run, permits.semaphore);
  test_run_free (run);
}

typedef struct
{
  AsyncSyncSemaphore *semaphore;
  guint               n;
  GCancellable       *cancellable;
  gboolean            ok;
  GError             *error;
} BlockingAcquire;

static gpointer
blocking_acquire_thread (gpointer data)
{
  BlockingAcquire *blocking = data;

  blocking->ok = async_sync_semaphore_acquire_many (blocking->semaphore, blocking->n,
                                                    blocking->cancellable, &blocking->error);

  return NULL;
}

static void
test_weighted_blocking (void)
{
  TestRun *run = test_run_new (0, acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (1);
  BlockingAcquire blocking = { semaphore, 3, NULL, FALSE, NULL };
  BlockingAcquire cancelled = { semaphore, 2, g_cancellable_new (), TRUE, NULL };
  GThread *thread;

  g_test_summary ("Blocking acquire_many in a worker waits until the value "
                  "covers it; cancelled from another thread it returns "
                  "CANCELLED and takes nothing.");

  thread = g_thread_new ("blocking", blocking_acquire_thread, &blocking);
  test_wait_for_count ((TestCountFunc) async_sync_semaphore_get_n_waiting, semaphore, 1);
  release_many (semaphore, 1);
  assert_state (semaphore, 2, 1);
  release_many (semaphore, 1);
  g_thread_join (thread);
  g_assert_no_error (blocking.error);
  g_assert_true (blocking.ok);
  assert_state (semaphore, 0, 0);

  release_many (semaphore, 1);
  thread = g_thread_new ("cancelled", blocking_acquire_thread, &cancelled);
  test_wait_for_count ((TestCountFunc) async_sync_semaphore_get_n_waiting, semaphore, 1);
  g_cancellable_cancel (cancelled.cancellable);
  g_thread_join (thread);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (cancelled.ok);
  assert_state (semaphore, 1, 0);

  g_clear_error (&cancelled.error);
  g_clear_object (&cancelled.cancellable);
  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Semaphore/weighted/acquire-many-takes-n-or-waits", test_weighted_acquire_many);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/fifo/big-head-blocks-smaller-requests", test_weighted_big_head_blocks);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/fifo/release-many-serves-several", test_weighted_release_many_serves_several);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/cancel/head-serves-those-behind", test_weighted_cancel_head);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/errors/zero-or-above-bound-is-invalid-argument", test_weighted_invalid_argument);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/errors/release-many-above-bound-is-value", test_weighted_bounded_release_many);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/try-acquire-many", test_weighted_try_acquire_many);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/notify/value-coalesced", test_weighted_notify_value);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/criticals/null-wrong-type-and-zero", test_weighted_criticals);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/threads/permits-in-use-never-exceed-value", test_weighted_threads);
  g_test_add_func ("/AsyncSync/Semaphore/weighted/blocking/acquire-many-from-worker", test_weighted_blocking);

  return g_test_run ();
}
