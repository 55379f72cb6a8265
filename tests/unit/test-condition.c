/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_WAKE   100000

static gboolean
cond_acquire_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (source), result, error);
}

static gboolean
cond_wait_finish (GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  return async_sync_condition_wait_finish (ASYNC_SYNC_CONDITION (source), result, error);
}

static gboolean
cond_wait_for_finish (GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  return async_sync_condition_wait_for_finish (ASYNC_SYNC_CONDITION (source), result, error);
}

static void
start_acquire (AsyncSyncCondition *cond,
               TestOp             *op)
{
  op->finish = cond_acquire_finish;
  async_sync_condition_acquire_async (cond, op->cancellable, test_op_callback, test_op_start (op));
}

static void
start_wait (AsyncSyncCondition *cond,
            TestOp             *op)
{
  op->finish = cond_wait_finish;
  async_sync_condition_wait_async (cond, op->cancellable, test_op_callback, test_op_start (op));
}

/* Takes the free lock, then waits: the usual `async with cond: await cond.wait()`. */
static void
lock_and_start_wait (AsyncSyncCondition *cond,
                     TestOp             *op)
{
  g_assert_true (async_sync_condition_try_acquire (cond));
  start_wait (cond, op);
}

/* TestOpFunc: records whether the lock is held in the callback. */
static void
record_locked (TestOp  *op,
               GObject *source)
{
  op->locked_in_callback = async_sync_condition_is_locked (ASYNC_SYNC_CONDITION (source));
}

/* TestOpFunc: the lock is held again after any wait or acquisition that did
 * not fail with NOT_LOCKED (cancellation included): check and release it. */
static void
record_locked_and_release (TestOp  *op,
                           GObject *source)
{
  g_autoptr(GError) error = NULL;
  gboolean released;

  record_locked (op, source);
  if (g_error_matches (op->error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED) ||
      (op->finish == cond_acquire_finish && !op->ok))
    return;

  op->run->in_api = TRUE;
  released = async_sync_condition_release (ASYNC_SYNC_CONDITION (source), &error);
  op->run->in_api = FALSE;
  g_assert_no_error (error);
  g_assert_true (released);
}

static void
release (AsyncSyncCondition *cond)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_condition_release (cond, &error));
  g_assert_no_error (error);
}

static gboolean
release_in_source (gpointer data)
{
  release (data);

  return G_SOURCE_REMOVE;
}

static gboolean
notify_all_and_release_in_source (gpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_condition_try_acquire (data));
  g_assert_true (async_sync_condition_notify_all (data, &error));
  g_assert_no_error (error);
  release (data);

  return G_SOURCE_REMOVE;
}

/* Notifies from outside any wait: take the lock, notify, release. */
static void
lock_notify_release (AsyncSyncCondition *cond,
                     guint               n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_condition_try_acquire (cond));
  g_assert_true (async_sync_condition_notify (cond, n, &error));
  g_assert_no_error (error);
  release (cond);
}

static guint
cond_n_waiting (AsyncSyncCondition *cond)
{
  return async_sync_condition_get_n_waiting (cond);
}

static guint
lock_n_waiting (AsyncSyncCondition *cond)
{
  return async_sync_lock_get_n_waiting (async_sync_condition_get_lock (cond));
}

/* A predicate with its bookkeeping. */
typedef struct
{
  AsyncSyncCondition *cond;
  guint               value;
  guint               threshold;
  guint               n_calls;
  guint               n_destroyed;
  GThread            *thread;
} Predicate;

static gboolean
predicate_check (gpointer data)
{
  Predicate *predicate = data;

  g_assert_true (async_sync_condition_is_locked (predicate->cond));
  g_assert_true (g_thread_self () == predicate->thread);
  g_assert_cmpuint (predicate->n_destroyed, ==, 0);
  g_atomic_int_inc (&predicate->n_calls);

  return (guint) g_atomic_int_get (&predicate->value) >= predicate->threshold;
}

static void
predicate_destroy (gpointer data)
{
  Predicate *predicate = data;

  predicate->n_destroyed++;
}

static void
start_wait_for (AsyncSyncCondition *cond,
                TestOp             *op,
                Predicate          *predicate)
{
  op->finish = cond_wait_for_finish;
  async_sync_condition_wait_for_async (cond, predicate_check, predicate, predicate_destroy,
                                       op->cancellable, test_op_callback, test_op_start (op));
}

static void
test_condition_properties (void)
{
  TestRun *run = test_run_new (2, cond_acquire_finish);
  AsyncSyncCondition *own = async_sync_condition_new (NULL);
  AsyncSyncLock *lock = async_sync_lock_new ();
  AsyncSyncCondition *c1 = async_sync_condition_new (lock);
  AsyncSyncCondition *c2 = async_sync_condition_new (lock);
  AsyncSyncLock *prop_lock = NULL;
  gpointer own_lock;
  GParamSpec *pspec;

  g_test_summary ("A condition makes its own lock or uses the one given "
                  "(shared between conditions); `lock` property and "
                  "get_lock() agree; acquire/try_acquire/release/is_locked "
                  "forward to the lock.");

  own_lock = async_sync_condition_get_lock (own);
  g_assert_true (ASYNC_SYNC_IS_LOCK (own_lock));
  g_object_get (own, "lock", &prop_lock, NULL);
  g_assert_true (prop_lock == own_lock);
  g_clear_object (&prop_lock);
  g_assert_false (async_sync_condition_is_locked (own));
  g_assert_cmpuint (cond_n_waiting (own), ==, 0);

  g_assert_true (async_sync_condition_get_lock (c1) == lock);
  g_assert_true (async_sync_condition_get_lock (c2) == lock);

  /* Forwarding, and sharing: c1 and c2 see the same lock. */
  g_assert_true (async_sync_condition_try_acquire (c1));
  g_assert_true (async_sync_lock_is_locked (lock));
  g_assert_true (async_sync_condition_is_locked (c2));
  g_assert_false (async_sync_condition_try_acquire (c2));
  g_assert_false (async_sync_lock_try_acquire (lock));

  start_acquire (c2, test_run_op (run, 0));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 1);
  release (c1);
  g_assert_true (async_sync_lock_is_locked (lock));
  test_run_until_done (run, test_run_op (run, 0));
  test_op_assert_ok (test_run_op (run, 0));
  release (c2);
  g_assert_false (async_sync_lock_is_locked (lock));

  /* Blocking acquire of a free lock returns at once. */
  g_assert_true (async_sync_condition_acquire (c1, NULL, NULL));
  g_assert_true (async_sync_lock_is_locked (lock));
  release (c1);

  /* acquire_async on a free lock: taken at once, completes later. */
  start_acquire (own, test_run_op (run, 1));
  g_assert_true (async_sync_condition_is_locked (own));
  g_assert_false (test_run_op (run, 1)->done);
  test_run_until_done (run, test_run_op (run, 1));
  test_op_assert_ok (test_run_op (run, 1));
  release (own);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (own), "lock");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == ASYNC_SYNC_TYPE_LOCK);
  g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
  g_assert_true ((pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0);

  /* The condition's own lock goes with it; a shared one with its last user. */
  g_object_add_weak_pointer (own_lock, &own_lock);
  test_run_unref_and_assert_finalized (run, own);
  g_assert_null (own_lock);
  g_object_unref (c1);
  g_object_unref (c2);
  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_condition_wait_releases_and_reacquires (void)
{
  TestRun *run = test_run_new (1, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  TestOp *w = test_run_op (run, 0);
  g_autoptr(GError) error = NULL;

  g_test_summary ("wait() releases the lock at once; a notified waiter "
                  "queues for the lock and completes holding it.");

  w->then = record_locked_and_release;
  lock_and_start_wait (cond, w);
  g_assert_false (async_sync_condition_is_locked (cond));
  g_assert_cmpuint (cond_n_waiting (cond), ==, 1);
  test_run_drain (run);
  g_assert_false (w->done);

  g_assert_true (async_sync_condition_try_acquire (cond));
  g_assert_true (async_sync_condition_notify (cond, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  g_assert_cmpuint (lock_n_waiting (cond), ==, 1);
  test_run_drain (run);
  g_assert_false (w->done);

  release (cond);
  g_assert_true (async_sync_condition_is_locked (cond));
  g_assert_false (async_sync_condition_try_acquire (cond));
  test_run_until_done (run, w);
  test_op_assert_ok (w);
  g_assert_true (w->locked_in_callback);
  g_assert_false (async_sync_condition_is_locked (cond));

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_notify_n_fifo (void)
{
  TestRun *run = test_run_new (5, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  g_autoptr(GError) error = NULL;
  guint i;

  g_test_summary ("notify(n) wakes the n longest waiters, in FIFO order; "
                  "notify(0) wakes none; n above the count wakes all.");

  for (i = 0; i < 5; i++)
    {
      test_run_op (run, i)->then = record_locked_and_release;
      lock_and_start_wait (cond, test_run_op (run, i));
    }
  g_assert_cmpuint (cond_n_waiting (cond), ==, 5);

  g_assert_true (async_sync_condition_try_acquire (cond));
  g_assert_true (async_sync_condition_notify (cond, 0, &error));
  g_assert_cmpuint (cond_n_waiting (cond), ==, 5);
  g_assert_true (async_sync_condition_notify (cond, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 3);
  g_assert_cmpuint (lock_n_waiting (cond), ==, 2);
  release (cond);

  test_run_until_n_done (run, 2);
  test_run_drain (run);
  test_run_assert_order (run, 2, 0, 1);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 3);

  lock_notify_release (cond, 10);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  test_run_until_n_done (run, 5);
  test_run_assert_order (run, 5, 0, 1, 2, 3, 4);
  for (i = 0; i < 5; i++)
    {
      test_op_assert_ok (test_run_op (run, i));
      g_assert_true (test_run_op (run, i)->locked_in_callback);
    }
  g_assert_false (async_sync_condition_is_locked (cond));

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_notify_all_fifo (void)
{
  TestRun *run = test_run_new (5, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  guint i;

  g_test_summary ("notify_all() wakes every waiter; they get the lock one "
                  "after the other in FIFO order, none inside the call.");

  for (i = 0; i < 5; i++)
    {
      test_run_op (run, i)->then = record_locked_and_release;
      lock_and_start_wait (cond, test_run_op (run, i));
    }

  test_run_in_source (run, notify_all_and_release_in_source, cond);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  test_run_until_n_done (run, 5);
  test_run_assert_order (run, 5, 0, 1, 2, 3, 4);
  for (i = 0; i < 5; i++)
    g_assert_true (test_run_op (run, i)->locked_in_callback);

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_notified_never_lost (void)
{
  TestRun *run = test_run_new (2, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  TestOp *w1 = test_run_op (run, 0);
  TestOp *w2 = test_run_op (run, 1);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A waiter cancelled after it was notified still succeeds "
                  "(holding the lock); the wake-up is not passed on to "
                  "another waiter.");

  w1->then = record_locked_and_release;
  w2->then = record_locked_and_release;
  test_op_cancellable (w1);
  lock_and_start_wait (cond, w1);
  lock_and_start_wait (cond, w2);

  g_assert_true (async_sync_condition_try_acquire (cond));
  g_assert_true (async_sync_condition_notify (cond, 1, &error));
  g_assert_no_error (error);
  g_cancellable_cancel (w1->cancellable);
  g_assert_cmpuint (lock_n_waiting (cond), ==, 1);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 1);
  release (cond);

  test_run_until_done (run, w1);
  test_op_assert_ok (w1);
  g_assert_true (w1->locked_in_callback);
  test_run_drain (run);
  g_assert_false (w2->done);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 1);

  lock_notify_release (cond, 1);
  test_run_until_done (run, w2);
  test_op_assert_ok (w2);

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_cancel_reacquires (void)
{
  TestRun *run = test_run_new (1, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  TestOp *w = test_run_op (run, 0);

  g_test_summary ("A waiter cancelled before notification re-acquires the "
                  "lock (at once if free) and fails with "
                  "G_IO_ERROR_CANCELLED, holding the lock.");

  w->then = record_locked_and_release;
  test_op_cancellable (w);
  lock_and_start_wait (cond, w);
  g_assert_false (async_sync_condition_is_locked (cond));

  run->in_api = TRUE;
  g_cancellable_cancel (w->cancellable);
  run->in_api = FALSE;
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  g_assert_true (async_sync_condition_is_locked (cond));
  g_assert_false (w->done);

  test_run_until_done (run, w);
  test_op_assert_error (w, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (w->locked_in_callback);
  g_assert_false (async_sync_condition_is_locked (cond));

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_cancel_reacquires_contended (void)
{
  TestRun *run = test_run_new (3, cond_acquire_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  TestOp *w = test_run_op (run, 0);
  TestOp *a1 = test_run_op (run, 1);
  TestOp *a2 = test_run_op (run, 2);

  g_test_summary ("A waiter cancelled while the lock is held and contended "
                  "queues behind the acquirers already waiting, gets the lock "
                  "after them in FIFO order, and fails CANCELLED holding it.");

  w->then = record_locked_and_release;
  a1->then = record_locked_and_release;
  a2->then = record_locked_and_release;
  test_op_cancellable (w);
  lock_and_start_wait (cond, w);

  g_assert_true (async_sync_condition_try_acquire (cond));
  start_acquire (cond, a1);
  start_acquire (cond, a2);
  g_assert_cmpuint (lock_n_waiting (cond), ==, 2);

  g_cancellable_cancel (w->cancellable);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  g_assert_cmpuint (lock_n_waiting (cond), ==, 3);
  test_run_drain (run);
  g_assert_false (w->done);

  test_run_in_source (run, release_in_source, cond);
  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 1, 2, 0);
  test_op_assert_ok (a1);
  test_op_assert_ok (a2);
  test_op_assert_error (w, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (w->locked_in_callback);
  g_assert_false (async_sync_condition_is_locked (cond));

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_cancel_pre_cancelled (void)
{
  TestRun *run = test_run_new (3, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  Predicate predicate = { cond, 0, 1, 0, 0, g_thread_self () };
  TestOp *w = test_run_op (run, 0);
  TestOp *unlocked = test_run_op (run, 1);
  TestOp *wf = test_run_op (run, 2);

  g_test_summary ("An already-cancelled wait fails CANCELLED without "
                  "releasing the lock or queueing (also when the lock is not "
                  "held); wait_for does not call the predicate and destroys "
                  "its data once.");

  w->then = record_locked;
  wf->then = record_locked;
  g_cancellable_cancel (test_op_cancellable (w));
  g_assert_true (async_sync_condition_try_acquire (cond));
  start_wait (cond, w);
  g_assert_true (async_sync_condition_is_locked (cond));
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  g_assert_false (async_sync_condition_try_acquire (cond));
  test_run_until_done (run, w);
  test_op_assert_error (w, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (w->locked_in_callback);

  g_cancellable_cancel (test_op_cancellable (wf));
  start_wait_for (cond, wf, &predicate);
  g_assert_true (async_sync_condition_is_locked (cond));
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  test_run_until_done (run, wf);
  test_op_assert_error (wf, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (wf->locked_in_callback);
  g_assert_cmpuint (predicate.n_calls, ==, 0);
  test_run_drain (run);
  g_assert_cmpuint (predicate.n_destroyed, ==, 1);
  release (cond);

  /* Cancellation is checked before the lock. */
  g_cancellable_cancel (test_op_cancellable (unlocked));
  start_wait (cond, unlocked);
  test_run_until_done (run, unlocked);
  test_op_assert_error (unlocked, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (async_sync_condition_is_locked (cond));

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_errors_not_locked (void)
{
  TestRun *run = test_run_new (3, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  Predicate predicate = { cond, 1, 1, 0, 0, g_thread_self () };
  TestOp *w = test_run_op (run, 0);
  TestOp *wf = test_run_op (run, 1);
  TestOp *queued = test_run_op (run, 2);
  g_autoptr(GError) error = NULL;

  g_test_summary ("wait, wait_for, notify and notify_all without the lock "
                  "fail with ASYNC_SYNC_ERROR_NOT_LOCKED and change nothing; "
                  "so does release() of a free lock.");

  w->then = record_locked;
  start_wait (cond, w);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);
  test_run_until_done (run, w);
  test_op_assert_error (w, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_assert_false (w->locked_in_callback);

  wf->then = record_locked;
  start_wait_for (cond, wf, &predicate);
  test_run_until_done (run, wf);
  test_op_assert_error (wf, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_assert_false (wf->locked_in_callback);
  g_assert_cmpuint (predicate.n_calls, ==, 0);
  test_run_drain (run);
  g_assert_cmpuint (predicate.n_destroyed, ==, 1);

  /* A waiter is queued; notifying without the lock must not wake it. */
  queued->then = record_locked_and_release;
  lock_and_start_wait (cond, queued);
  g_assert_false (async_sync_condition_notify (cond, 1, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_assert_false (async_sync_condition_notify_all (cond, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_assert_false (async_sync_condition_notify_all (cond, NULL));
  g_assert_cmpuint (cond_n_waiting (cond), ==, 1);
  g_assert_cmpuint (lock_n_waiting (cond), ==, 0);
  test_run_drain (run);
  g_assert_false (queued->done);

  g_assert_false (async_sync_condition_release (cond, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_assert_false (async_sync_condition_is_locked (cond));

  lock_notify_release (cond, 1);
  test_run_until_done (run, queued);
  test_op_assert_ok (queued);

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_wait_for_true_at_once (void)
{
  TestRun *run = test_run_new (2, cond_wait_for_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  Predicate predicate = { cond, 1, 1, 0, 0, g_thread_self () };
  TestOp *wf = test_run_op (run, 0);
  TestOp *a = test_run_op (run, 1);

  g_test_summary ("wait_for with a predicate already true checks it once, "
                  "inside the call with the lock held, never releases the "
                  "lock, completes later, and destroys the data once.");

  wf->then = record_locked;
  a->then = record_locked_and_release;
  g_assert_true (async_sync_condition_try_acquire (cond));
  start_wait_for (cond, wf, &predicate);
  g_assert_cmpuint (predicate.n_calls, ==, 1);
  g_assert_false (wf->done);
  g_assert_true (async_sync_condition_is_locked (cond));
  g_assert_cmpuint (cond_n_waiting (cond), ==, 0);

  start_acquire (cond, a);
  test_run_until_done (run, wf);
  test_op_assert_ok (wf);
  g_assert_true (wf->locked_in_callback);
  g_assert_false (a->done);
  g_assert_cmpuint (predicate.n_calls, ==, 1);
  test_run_drain (run);
  g_assert_cmpuint (predicate.n_destroyed, ==, 1);

  release (cond);
  test_run_until_done (run, a);
  test_op_assert_ok (a);
  test_run_assert_order (run, 2, 0, 1);

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_wait_for_rechecks (void)
{
  TestRun *run = test_run_new (1, cond_wait_for_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  Predicate predicate = { cond, 0, 2, 0, 0, g_thread_self () };
  TestOp *wf = test_run_op (run, 0);

  g_test_summary ("wait_for re-checks the predicate, with the lock held, "
                  "after each wake-up; while it is false it waits again "
                  "(lock released, callback not run); it completes once true.");

  wf->then = record_locked_and_release;
  g_assert_true (async_sync_condition_try_acquire (cond));
  start_wait_for (cond, wf, &predicate);
  g_assert_cmpuint (predicate.n_calls, ==, 1);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 1);
  g_assert_false (async_sync_condition_is_locked (cond));

  predicate.value = 1;
  lock_notify_release (cond, 1);
  while (predicate.n_calls < 2)
    g_main_context_iteration (run->context, TRUE);
  test_run_drain (run);
  g_assert_false (wf->done);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 1);
  g_assert_false (async_sync_condition_is_locked (cond));
  g_assert_cmpuint (predicate.n_destroyed, ==, 0);

  predicate.value = 2;
  lock_notify_release (cond, 1);
  test_run_until_done (run, wf);
  test_op_assert_ok (wf);
  g_assert_true (wf->locked_in_callback);
  g_assert_cmpuint (predicate.n_calls, ==, 3);
  test_run_drain (run);
  g_assert_cmpuint (predicate.n_destroyed, ==, 1);
  g_assert_false (async_sync_condition_is_locked (cond));

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_wait_for_cancelled (void)
{
  TestRun *run = test_run_new (2, cond_wait_for_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  Predicate p1 = { cond, 0, 1, 0, 0, g_thread_self () };
  Predicate p2 = { cond, 0, 1, 0, 0, g_thread_self () };
  TestOp *w1 = test_run_op (run, 0);
  TestOp *w2 = test_run_op (run, 1);

  g_test_summary ("A wait_for cancelled while waiting fails CANCELLED "
                  "holding the lock; one notified, then cancelled, whose "
                  "predicate has become true succeeds.  Data destroyed once.");

  w1->then = record_locked_and_release;
  w2->then = record_locked_and_release;
  test_op_cancellable (w1);
  test_op_cancellable (w2);
  g_assert_true (async_sync_condition_try_acquire (cond));
  start_wait_for (cond, w1, &p1);
  g_assert_true (async_sync_condition_try_acquire (cond));
  start_wait_for (cond, w2, &p2);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 2);

  g_cancellable_cancel (w1->cancellable);
  g_assert_cmpuint (cond_n_waiting (cond), ==, 1);
  test_run_until_done (run, w1);
  test_op_assert_error (w1, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (w1->locked_in_callback);
  test_run_drain (run);
  g_assert_cmpuint (p1.n_destroyed, ==, 1);

  g_assert_true (async_sync_condition_try_acquire (cond));
  p2.value = 1;
  g_assert_true (async_sync_condition_notify (cond, 1, NULL));
  g_cancellable_cancel (w2->cancellable);
  release (cond);
  test_run_until_done (run, w2);
  test_op_assert_ok (w2);
  g_assert_true (w2->locked_in_callback);
  test_run_drain (run);
  g_assert_cmpuint (p2.n_calls, ==, 2);
  g_assert_cmpuint (p2.n_destroyed, ==, 1);

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static void
test_condition_notify_all_100000 (void)
{
  TestRun *run = test_run_new (N_WAKE, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  guint i;

  g_test_summary ("notify_all() wakes 100,000 waiters that then get the "
                  "lock one after the other (each releasing): all complete, "
                  "in order, without nesting or one iteration per waiter.");

  for (i = 0; i < N_WAKE; i++)
    {
      test_run_op (run, i)->then = record_locked_and_release;
      lock_and_start_wait (cond, test_run_op (run, i));
    }
  g_assert_cmpuint (cond_n_waiting (cond), ==, N_WAKE);

  test_run_in_source (run, notify_all_and_release_in_source, cond);
  run->n_iterations = 0;
  test_run_until_n_done (run, N_WAKE);
  test_run_assert_order_range (run, 0, N_WAKE - 1);
  for (i = 0; i < N_WAKE; i++)
    {
      g_assert_true (test_run_op (run, i)->ok);
      g_assert_true (test_run_op (run, i)->locked_in_callback);
    }
  g_assert_cmpuint (run->max_depth, ==, 1);
  g_assert_cmpuint (run->n_iterations, <, N_WAKE / 2);
  g_assert_false (async_sync_condition_is_locked (cond));

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

static gboolean
never_called_predicate (gpointer user_data)
{
  g_assert_not_reached ();
  return FALSE;
}

static void
test_condition_criticals (void)
{
  g_test_summary ("NULL or wrong-type arguments log a critical, return, and "
                  "change nothing.");

  if (g_test_subprocess ())
    {
      TestRun *run = test_run_new (0, cond_wait_finish);
      AsyncSyncCondition *cond = async_sync_condition_new (NULL);
      GObject *not_a_cond = g_object_new (G_TYPE_OBJECT, NULL);
      GError *error = NULL;

      test_trap_criticals_nonfatal ();

      g_assert_null (async_sync_condition_new ((AsyncSyncLock *) not_a_cond));
      g_assert_null (async_sync_condition_get_lock (NULL));
      g_assert_false (async_sync_condition_try_acquire (NULL));
      g_assert_false (async_sync_condition_release (NULL, &error));
      g_assert_false (async_sync_condition_is_locked (NULL));
      async_sync_condition_wait_for_async (cond, NULL, NULL, NULL, NULL, test_never_called_cb, NULL);
      async_sync_condition_wait_for_async (cond, never_called_predicate, NULL, NULL,
                                           (GCancellable *) not_a_cond, test_never_called_cb, NULL);
      g_assert_false (async_sync_condition_notify (NULL, 1, &error));
      g_assert_false (async_sync_condition_notify_all (NULL, &error));
      g_assert_cmpuint (async_sync_condition_get_n_waiting (NULL), ==, 0);
      g_assert_false (async_sync_condition_wait_for (cond, NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);

      test_run_drain (run);
      g_assert_false (async_sync_condition_is_locked (cond));
      g_assert_cmpuint (async_sync_condition_get_n_waiting (cond), ==, 0);
      test_run_drain (run);
      g_object_unref (not_a_cond);
      test_run_unref_and_assert_finalized (run, cond);
      test_run_free (run);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*async_sync_condition_new*ASYNC_SYNC_IS_LOCK (lock)*"
                             "*CRITICAL*async_sync_condition_get_lock*ASYNC_SYNC_IS_CONDITION (self)*"
                             "*CRITICAL*async_sync_condition_try_acquire*ASYNC_SYNC_IS_CONDITION (self)*"
                             "*CRITICAL*async_sync_condition_release*ASYNC_SYNC_IS_CONDITION (self)*"
                             "*CRITICAL*async_sync_condition_is_locked*ASYNC_SYNC_IS_CONDITION (self)*"
                             "*CRITICAL*async_sync_condition_wait_for_async*predicate != NULL*"
                             "*CRITICAL*async_sync_condition_wait_for_async*G_IS_CANCELLABLE (cancellable)*"
                             "*CRITICAL*async_sync_condition_notify*ASYNC_SYNC_IS_CONDITION (self)*"
                             "*CRITICAL*async_sync_condition_notify_all*ASYNC_SYNC_IS_CONDITION (self)*"
                             "*CRITICAL*async_sync_condition_get_n_waiting*ASYNC_SYNC_IS_CONDITION (self)*"
                             "*CRITICAL*async_sync_condition_wait_for*predicate != NULL*");
}

/* Blocking variants in a worker thread, notified from the main thread. */
typedef struct
{
  AsyncSyncCondition *cond;
  GCancellable       *cancellable;
  Predicate          *predicate;
  gboolean            result;
  gboolean            locked_after;
  GError             *error;
} BlockingWait;

static gpointer
blocking_wait_thread (gpointer data)
{
  BlockingWait *blocking = data;

  g_assert_true (async_sync_condition_acquire (blocking->cond, NULL, NULL));
  if (blocking->predicate != NULL)
    {
      blocking->predicate->thread = g_thread_self ();
      blocking->result = async_sync_condition_wait_for (blocking->cond, predicate_check,
                                                        blocking->predicate, predicate_destroy,
                                                        blocking->cancellable, &blocking->error);
    }
  else
    {
      blocking->result = async_sync_condition_wait (blocking->cond, blocking->cancellable,
                                                    &blocking->error);
    }
  blocking->locked_after = async_sync_condition_is_locked (blocking->cond);
  release (blocking->cond);

  return NULL;
}

static void
wait_for_cond_n_waiting (AsyncSyncCondition *cond,
                         guint               n)
{
  /* The worker is about to block: poll the observable state. */
  while (cond_n_waiting (cond) < n)
    g_thread_yield ();
}

static void
test_condition_blocking (void)
{
  TestRun *run = test_run_new (0, cond_wait_finish);
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);
  BlockingWait blocking = { cond, NULL, NULL, FALSE, FALSE, NULL };
  Predicate predicate = { cond, 0, 2, 0, 0, NULL };
  GThread *thread;

  g_test_summary ("async_sync_condition_wait() and wait_for() block a "
                  "worker thread until notified from another thread, and "
                  "return holding the lock; the predicate runs in the worker.");

  thread = g_thread_new ("blocking", blocking_wait_thread, &blocking);
  wait_for_cond_n_waiting (cond, 1);
  lock_notify_release (cond, 1);
  g_thread_join (thread);
  g_assert_no_error (blocking.error);
  g_assert_true (blocking.result);
  g_assert_true (blocking.locked_after);
  g_assert_false (async_sync_condition_is_locked (cond));

  blocking.predicate = &predicate;
  thread = g_thread_new ("blocking", blocking_wait_thread, &blocking);
  wait_for_cond_n_waiting (cond, 1);
  g_assert_true (async_sync_condition_try_acquire (cond));
  g_atomic_int_set (&predicate.value, 1);
  g_assert_true (async_sync_condition_notify_all (cond, NULL));
  release (cond);
  /* Woken, the predicate false: it waits again. */
  while ((guint) g_atomic_int_get (&predicate.n_calls) < 2 || cond_n_waiting (cond) < 1)
    g_thread_yield ();
  g_assert_true (async_sync_condition_try_acquire (cond));
  g_atomic_int_set (&predicate.value, 2);
  g_assert_true (async_sync_condition_notify_all (cond, NULL));
  release (cond);
  g_thread_join (thread);
  g_assert_no_error (blocking.error);
  g_assert_true (blocking.result);
  g_assert_true (blocking.locked_after);
  g_assert_cmpuint (predicate.n_calls, ==, 3);
  g_assert_cmpuint (predicate.n_destroyed, ==, 1);

  test_run_unref_and_assert_finalized (run, cond);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Condition/properties/lock-and-forwarding", test_condition_properties);
  g_test_add_func ("/AsyncSync/Condition/wait/releases-then-reacquires", test_condition_wait_releases_and_reacquires);
  g_test_add_func ("/AsyncSync/Condition/notify/wakes-n-in-fifo-order", test_condition_notify_n_fifo);
  g_test_add_func ("/AsyncSync/Condition/notify/all-in-fifo-order", test_condition_notify_all_fifo);
  g_test_add_func ("/AsyncSync/Condition/notify/all-100000-flat", test_condition_notify_all_100000);
  g_test_add_func ("/AsyncSync/Condition/notify/notified-waiter-never-lost", test_condition_notified_never_lost);
  g_test_add_func ("/AsyncSync/Condition/cancel/reacquires-lock", test_condition_cancel_reacquires);
  g_test_add_func ("/AsyncSync/Condition/cancel/reacquires-lock-behind-contenders", test_condition_cancel_reacquires_contended);
  g_test_add_func ("/AsyncSync/Condition/cancel/pre-cancelled-keeps-lock", test_condition_cancel_pre_cancelled);
  g_test_add_func ("/AsyncSync/Condition/wait-for/true-at-once", test_condition_wait_for_true_at_once);
  g_test_add_func ("/AsyncSync/Condition/wait-for/rechecked-after-each-wake-up", test_condition_wait_for_rechecks);
  g_test_add_func ("/AsyncSync/Condition/wait-for/cancelled", test_condition_wait_for_cancelled);
  g_test_add_func ("/AsyncSync/Condition/errors/not-locked", test_condition_errors_not_locked);
  g_test_add_func ("/AsyncSync/Condition/criticals/null-and-wrong-type-arguments", test_condition_criticals);
  g_test_add_func ("/AsyncSync/Condition/blocking/wait-and-wait-for-from-worker", test_condition_blocking);

  return g_test_run ();
}
