/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_CHAIN          100000
#define N_THREADS        4
#define N_PER_THREAD     10000

static gboolean
lock_acquire_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, error);
}

static void
start_acquire (AsyncSyncLock *lock,
               TestOp        *op)
{
  async_sync_lock_acquire_async (lock, op->cancellable, test_op_callback, test_op_start (op));
}

/* TestOpFunc: records whether the lock is held in the callback. */
static void
record_locked (TestOp  *op,
               GObject *source)
{
  op->locked_in_callback = async_sync_lock_is_locked (ASYNC_SYNC_LOCK (source));
}

/* TestOpFunc: the holder's turn: checks it holds the lock, then releases it
 * (through the callback's source object), no callback running inside. */
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
  released = async_sync_lock_release (ASYNC_SYNC_LOCK (source), &error);
  op->run->in_api = FALSE;
  g_assert_no_error (error);
  g_assert_true (released);
}

static gboolean
release_in_source (gpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_lock_release (data, &error));
  g_assert_no_error (error);

  return G_SOURCE_REMOVE;
}

static void
test_lock_properties (void)
{
  TestRun *run = test_run_new (0, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  GParamSpec *pspec;
  gboolean locked = TRUE;

  g_test_summary ("A new lock is free; try_acquire/release/is_locked and the "
                  "read-only `locked` property agree.");

  g_assert_true (ASYNC_SYNC_IS_LOCK (lock));
  g_assert_false (async_sync_lock_is_locked (lock));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  g_object_get (lock, "locked", &locked, NULL);
  g_assert_false (locked);

  g_assert_true (async_sync_lock_try_acquire (lock));
  g_assert_true (async_sync_lock_is_locked (lock));
  g_object_get (lock, "locked", &locked, NULL);
  g_assert_true (locked);
  g_assert_false (async_sync_lock_try_acquire (lock));

  g_assert_true (async_sync_lock_release (lock, NULL));
  g_assert_false (async_sync_lock_is_locked (lock));
  g_object_get (lock, "locked", &locked, NULL);
  g_assert_false (locked);
  g_assert_true (async_sync_lock_try_acquire (lock));
  g_assert_true (async_sync_lock_release (lock, NULL));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (lock), "locked");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_BOOLEAN);
  g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
  g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_lock_acquire_free (void)
{
  TestRun *run = test_run_new (1, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  TestOp *op = test_run_op (run, 0);

  g_test_summary ("Acquiring a free lock takes it at once, but the callback "
                  "runs from a later iteration, not inside the call.");

  op->then = record_locked;
  run->in_api = TRUE;
  start_acquire (lock, op);
  run->in_api = FALSE;

  g_assert_false (op->done);
  g_assert_true (async_sync_lock_is_locked (lock));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  g_assert_false (async_sync_lock_try_acquire (lock));

  test_run_until_done (run, op);
  test_op_assert_ok (op);
  g_assert_true (op->locked_in_callback);
  g_assert_true (async_sync_lock_release (lock, NULL));
  g_assert_false (async_sync_lock_is_locked (lock));

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

typedef struct
{
  guint    n_notified;
  gboolean last_value;
  GThread *thread;
  GMainContext *context;
} LockedNotifications;

static void
locked_notified_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  LockedNotifications *notifications = user_data;

  g_assert_true (g_thread_self () == notifications->thread);
  g_assert_true (g_main_context_is_owner (notifications->context));
  g_assert_true (g_main_context_get_thread_default () == notifications->context);
  g_assert_cmpstr (pspec->name, ==, "locked");

  notifications->n_notified++;
  g_object_get (object, "locked", &notifications->last_value, NULL);
}

static void
test_lock_hand_off_stays_locked (void)
{
  TestRun *run = test_run_new (1, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  TestOp *a = test_run_op (run, 0);
  LockedNotifications notifications = { 0, FALSE, g_thread_self (), run->context };
  gboolean locked = FALSE;

  g_test_summary ("release() with a waiter hands the lock over: it reads "
                  "locked throughout, and `notify::locked` does not fire.");

  g_signal_connect (lock, "notify::locked", G_CALLBACK (locked_notified_cb), &notifications);

  g_assert_true (async_sync_lock_try_acquire (lock));
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);
  g_assert_true (notifications.last_value);

  a->then = record_locked;
  start_acquire (lock, a);
  g_assert_true (async_sync_lock_release (lock, NULL));

  g_assert_true (async_sync_lock_is_locked (lock));
  g_object_get (lock, "locked", &locked, NULL);
  g_assert_true (locked);
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  g_assert_false (async_sync_lock_try_acquire (lock));

  test_run_until_done (run, a);
  test_op_assert_ok (a);
  g_assert_true (a->locked_in_callback);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  g_assert_true (async_sync_lock_release (lock, NULL));
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 2);
  g_assert_false (notifications.last_value);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_lock_chain (void)
{
  TestRun *run = test_run_new (N_CHAIN, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  guint i;

  g_test_summary ("A chain of 100,000 hand-offs (each callback releases) "
                  "completes in order without nesting callbacks and without "
                  "one main-loop iteration per hand-off.");

  g_assert_true (async_sync_lock_try_acquire (lock));
  for (i = 0; i < N_CHAIN; i++)
    {
      TestOp *op = test_run_op (run, i);

      op->then = record_locked_and_release;
      start_acquire (lock, op);
    }

  test_run_in_source (run, release_in_source, lock);
  run->n_iterations = 0;
  test_run_until_n_done (run, N_CHAIN);

  test_run_assert_order_range (run, 0, N_CHAIN - 1);
  for (i = 0; i < N_CHAIN; i++)
    g_assert_true (test_run_op (run, i)->locked_in_callback);
  g_assert_cmpuint (run->max_depth, ==, 1);
  g_assert_cmpuint (run->n_iterations, <, N_CHAIN / 2);
  g_assert_false (async_sync_lock_is_locked (lock));

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_lock_errors_not_locked (void)
{
  TestRun *run = test_run_new (0, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("Releasing a lock that is not locked fails with "
                  "ASYNC_SYNC_ERROR_NOT_LOCKED and changes nothing.");

  g_assert_false (async_sync_lock_release (lock, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_assert_false (async_sync_lock_release (lock, NULL));
  g_assert_false (async_sync_lock_is_locked (lock));

  g_assert_true (async_sync_lock_try_acquire (lock));
  g_assert_true (async_sync_lock_release (lock, &error));
  g_assert_no_error (error);
  g_assert_false (async_sync_lock_release (lock, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_assert_false (async_sync_lock_is_locked (lock));
  g_assert_true (async_sync_lock_try_acquire (lock));
  g_assert_true (async_sync_lock_release (lock, NULL));

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

/* Four threads, each iterating its own context, contend on one lock. */
typedef struct
{
  AsyncSyncLock *lock;
  guint          counter;     /* deliberately not atomic */
  gint           n_inside;
} Contention;

static void
critical_section (TestOp  *op,
                  GObject *source)
{
  Contention *contention = op->data;
  guint value;

  test_op_assert_ok (op);
  g_assert_true (source == G_OBJECT (contention->lock));
  g_assert_true (g_atomic_int_add (&contention->n_inside, 1) == 0);

  /* Read, let the others run, write: a second holder would lose updates. */
  value = contention->counter;
  g_thread_yield ();
  contention->counter = value + 1;

  g_assert_true (g_atomic_int_dec_and_test (&contention->n_inside));
  record_locked_and_release (op, source);
}

static gpointer
contend_thread (gpointer data)
{
  Contention *contention = data;
  TestRun *run = test_run_new (N_PER_THREAD, lock_acquire_finish);
  guint i;

  for (i = 0; i < N_PER_THREAD; i++)
    {
      TestOp *op = test_run_op (run, i);

      op->then = critical_section;
      op->data = contention;
      start_acquire (contention->lock, op);
      test_run_until_done (run, op);
      g_assert_true (op->locked_in_callback);
    }
  g_assert_cmpuint (run->max_depth, ==, 1);

  test_run_free (run);

  return NULL;
}

static void
test_lock_threads (void)
{
  TestRun *run = test_run_new (0, lock_acquire_finish);
  Contention contention = { async_sync_lock_new (), 0, 0 };
  GThread *threads[N_THREADS];
  guint i;

  g_test_summary ("Four threads, each with its own main context, acquire one "
                  "lock 10,000 times each: mutual exclusion holds (a "
                  "non-atomic counter loses nothing) and every callback runs "
                  "in its own thread, on its own context.");

  for (i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("contend", contend_thread, &contention);
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (contention.counter, ==, N_THREADS * N_PER_THREAD);
  g_assert_false (async_sync_lock_is_locked (contention.lock));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (contention.lock), ==, 0);

  test_run_unref_and_assert_finalized (run, contention.lock);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Lock/properties/getters-and-locked-property", test_lock_properties);
  g_test_add_func ("/AsyncSync/Lock/acquire/free-lock-taken-at-once-completes-later", test_lock_acquire_free);
  g_test_add_func ("/AsyncSync/Lock/hand-off/stays-locked", test_lock_hand_off_stays_locked);
  g_test_add_func ("/AsyncSync/Lock/hand-off/chain-of-100000-is-flat", test_lock_chain);
  g_test_add_func ("/AsyncSync/Lock/errors/release-unlocked-is-not-locked", test_lock_errors_not_locked);
  g_test_add_func ("/AsyncSync/Lock/threads/four-contexts-mutual-exclusion", test_lock_threads);

  return g_test_run ();
}
