/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_THREADS     4
#define N_PER_THREAD  3000

static gboolean
read_acquire_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return async_sync_rw_lock_read_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, error);
}

static gboolean
write_acquire_finish (GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  return async_sync_rw_lock_write_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, error);
}

static void
start_read (AsyncSyncRWLock *lock,
            TestOp          *op)
{
  op->finish = read_acquire_finish;
  async_sync_rw_lock_read_acquire_async (lock, op->cancellable, test_op_callback, test_op_start (op));
}

static void
start_write (AsyncSyncRWLock *lock,
             TestOp          *op)
{
  op->finish = write_acquire_finish;
  async_sync_rw_lock_write_acquire_async (lock, op->cancellable, test_op_callback, test_op_start (op));
}

/* TestOpFuncs: record what the holder sees in its callback. */
static void
record_write_locked (TestOp  *op,
                     GObject *source)
{
  AsyncSyncRWLock *lock = ASYNC_SYNC_RW_LOCK (source);

  op->locked_in_callback = async_sync_rw_lock_is_write_locked (lock) &&
                           async_sync_rw_lock_get_n_readers (lock) == 0;
}

static void
record_read_locked (TestOp  *op,
                    GObject *source)
{
  AsyncSyncRWLock *lock = ASYNC_SYNC_RW_LOCK (source);

  op->locked_in_callback = !async_sync_rw_lock_is_write_locked (lock) &&
                           async_sync_rw_lock_get_n_readers (lock) > 0;
}

static void
assert_state (AsyncSyncRWLock *lock,
              guint            n_readers,
              gboolean         write_locked,
              guint            n_waiting)
{
  guint prop_n_readers = G_MAXUINT;
  gboolean prop_write_locked = !write_locked;

  g_assert_cmpuint (async_sync_rw_lock_get_n_readers (lock), ==, n_readers);
  g_assert_true (async_sync_rw_lock_is_write_locked (lock) == write_locked);
  g_assert_cmpuint (async_sync_rw_lock_get_n_waiting (lock), ==, n_waiting);
  g_object_get (lock, "n-readers", &prop_n_readers, "write-locked", &prop_write_locked, NULL);
  g_assert_cmpuint (prop_n_readers, ==, n_readers);
  g_assert_true (prop_write_locked == write_locked);
}

static void
read_release (AsyncSyncRWLock *lock)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_rw_lock_read_release (lock, &error));
  g_assert_no_error (error);
}

static void
write_release (AsyncSyncRWLock *lock)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (async_sync_rw_lock_write_release (lock, &error));
  g_assert_no_error (error);
}

static void
test_rw_lock_properties (void)
{
  TestRun *run = test_run_new (0, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  GParamSpec *pspec;

  g_test_summary ("A new lock is free; try_ variants, releases, the getters "
                  "and the read-only n-readers and write-locked properties "
                  "agree.");

  g_assert_true (ASYNC_SYNC_IS_RW_LOCK (lock));
  assert_state (lock, 0, FALSE, 0);

  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  assert_state (lock, 2, FALSE, 0);
  g_assert_false (async_sync_rw_lock_try_write_acquire (lock));
  read_release (lock);
  assert_state (lock, 1, FALSE, 0);
  read_release (lock);
  assert_state (lock, 0, FALSE, 0);

  g_assert_true (async_sync_rw_lock_try_write_acquire (lock));
  assert_state (lock, 0, TRUE, 0);
  g_assert_false (async_sync_rw_lock_try_write_acquire (lock));
  g_assert_false (async_sync_rw_lock_try_read_acquire (lock));
  write_release (lock);
  assert_state (lock, 0, FALSE, 0);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (lock), "n-readers");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT);
  g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (lock), "write-locked");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_BOOLEAN);
  g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_readers_share (void)
{
  TestRun *run = test_run_new (3, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  guint i;

  g_test_summary ("Readers of a free lock are all admitted at once (the "
                  "callbacks run from a later iteration), and hold it "
                  "together; a writer cannot get in meanwhile.");

  for (i = 0; i < 3; i++)
    {
      TestOp *op = test_run_op (run, i);

      op->then = record_read_locked;
      run->in_api = TRUE;
      start_read (lock, op);
      run->in_api = FALSE;
      assert_state (lock, i + 1, FALSE, 0);
    }
  g_assert_cmpuint (run->n_done, ==, 0);
  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  g_assert_false (async_sync_rw_lock_try_write_acquire (lock));

  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  for (i = 0; i < 3; i++)
    {
      test_op_assert_ok (test_run_op (run, i));
      g_assert_true (test_run_op (run, i)->locked_in_callback);
    }

  for (i = 0; i < 4; i++)
    read_release (lock);
  assert_state (lock, 0, FALSE, 0);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_writer_excludes (void)
{
  TestRun *run = test_run_new (4, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  TestOp *r1 = test_run_op (run, 0);
  TestOp *r2 = test_run_op (run, 1);
  TestOp *w2 = test_run_op (run, 2);
  TestOp *r3 = test_run_op (run, 3);

  g_test_summary ("A writer excludes everyone; on its release the readers "
                  "at the head of the queue are admitted together, the "
                  "writer behind them waits for both to release, and the "
                  "reader behind that writer waits for it: grants in FIFO "
                  "order, handed over by the releases.");

  g_assert_true (async_sync_rw_lock_try_write_acquire (lock));
  r1->then = record_read_locked;
  r2->then = record_read_locked;
  w2->then = record_write_locked;
  r3->then = record_read_locked;
  start_read (lock, r1);
  start_read (lock, r2);
  start_write (lock, w2);
  start_read (lock, r3);
  assert_state (lock, 0, TRUE, 4);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);

  run->in_api = TRUE;
  write_release (lock);
  run->in_api = FALSE;
  assert_state (lock, 2, FALSE, 2);
  test_run_until_n_done (run, 2);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 2);

  read_release (lock);
  assert_state (lock, 1, FALSE, 2);
  run->in_api = TRUE;
  read_release (lock);
  run->in_api = FALSE;
  assert_state (lock, 0, TRUE, 1);
  test_run_until_n_done (run, 3);

  write_release (lock);
  assert_state (lock, 1, FALSE, 0);
  test_run_until_n_done (run, 4);
  test_run_assert_order (run, 4, 0, 1, 2, 3);
  g_assert_true (r1->locked_in_callback);
  g_assert_true (r2->locked_in_callback);
  g_assert_true (w2->locked_in_callback);
  g_assert_true (r3->locked_in_callback);
  read_release (lock);
  assert_state (lock, 0, FALSE, 0);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_no_writer_starvation (void)
{
  TestRun *run = test_run_new (3, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  TestOp *w = test_run_op (run, 0);
  TestOp *r2 = test_run_op (run, 1);
  TestOp *r3 = test_run_op (run, 2);

  g_test_summary ("A writer queued behind the current readers blocks the "
                  "readers that come after it (try_read_acquire fails "
                  "too): the writer gets the lock as soon as the current "
                  "readers leave.");

  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  start_write (lock, w);
  start_read (lock, r2);
  assert_state (lock, 1, FALSE, 2);
  g_assert_false (async_sync_rw_lock_try_read_acquire (lock));
  start_read (lock, r3);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);
  assert_state (lock, 1, FALSE, 3);

  read_release (lock);
  assert_state (lock, 0, TRUE, 2);
  test_run_until_done (run, w);
  test_op_assert_ok (w);
  test_run_drain (run);
  g_assert_false (r2->done);

  write_release (lock);
  assert_state (lock, 2, FALSE, 0);
  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  read_release (lock);
  read_release (lock);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_reader_run (void)
{
  TestRun *run = test_run_new (6, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  guint i;

  g_test_summary ("After a writer, the whole run of readers at the head of "
                  "the queue is admitted together, up to the next writer; "
                  "the reader behind that writer is not.");

  g_assert_true (async_sync_rw_lock_try_write_acquire (lock));
  for (i = 0; i < 4; i++)
    start_read (lock, test_run_op (run, i));
  start_write (lock, test_run_op (run, 4));
  start_read (lock, test_run_op (run, 5));

  write_release (lock);
  assert_state (lock, 4, FALSE, 2);
  test_run_until_n_done (run, 4);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 4);

  for (i = 0; i < 4; i++)
    read_release (lock);
  assert_state (lock, 0, TRUE, 1);
  write_release (lock);
  assert_state (lock, 1, FALSE, 0);
  test_run_until_n_done (run, 6);
  test_run_assert_order_range (run, 0, 5);
  read_release (lock);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_cancel_queued_writer (void)
{
  TestRun *run = test_run_new (5, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  TestOp *w = test_run_op (run, 0);
  TestOp *r2 = test_run_op (run, 1);
  TestOp *r3 = test_run_op (run, 2);
  TestOp *w2 = test_run_op (run, 3);
  TestOp *r4 = test_run_op (run, 4);

  g_test_summary ("Cancelling a writer queued behind readers fails it with "
                  "CANCELLED and admits at once the readers it was holding "
                  "back, up to the next writer.");

  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  test_op_cancellable (w);
  start_write (lock, w);
  start_read (lock, r2);
  start_read (lock, r3);
  start_write (lock, w2);
  start_read (lock, r4);
  assert_state (lock, 1, FALSE, 5);

  run->in_api = TRUE;
  g_cancellable_cancel (w->cancellable);
  run->in_api = FALSE;
  assert_state (lock, 3, FALSE, 2);

  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  test_op_assert_error (w, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  test_op_assert_ok (r2);
  test_op_assert_ok (r3);

  read_release (lock);
  read_release (lock);
  read_release (lock);
  assert_state (lock, 0, TRUE, 1);
  write_release (lock);
  test_run_until_n_done (run, 5);
  read_release (lock);
  assert_state (lock, 0, FALSE, 0);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_cancel_queued_reader (void)
{
  TestRun *run = test_run_new (3, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  TestOp *r = test_run_op (run, 0);
  TestOp *w = test_run_op (run, 1);

  g_test_summary ("Cancelling a reader queued behind a writer fails it and "
                  "leaves the others in order; a writer at the head "
                  "blocked by readers is not admitted by another's "
                  "cancellation.");

  g_assert_true (async_sync_rw_lock_try_write_acquire (lock));
  test_op_cancellable (r);
  start_read (lock, r);
  start_write (lock, w);
  g_cancellable_cancel (r->cancellable);
  assert_state (lock, 0, TRUE, 1);
  test_run_until_done (run, r);
  test_op_assert_error (r, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (w->done);

  write_release (lock);
  assert_state (lock, 0, TRUE, 0);
  test_run_until_done (run, w);
  test_op_assert_ok (w);
  write_release (lock);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_release_misuse (void)
{
  TestRun *run = test_run_new (0, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("Releasing a side that is not held fails with "
                  "ASYNC_SYNC_ERROR_NOT_LOCKED and changes nothing: "
                  "either release on a free lock, read_release while "
                  "write-locked, write_release while read-locked.");

  g_assert_false (async_sync_rw_lock_read_release (lock, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_assert_false (async_sync_rw_lock_write_release (lock, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_assert_false (async_sync_rw_lock_read_release (lock, NULL));
  assert_state (lock, 0, FALSE, 0);

  g_assert_true (async_sync_rw_lock_try_write_acquire (lock));
  g_assert_false (async_sync_rw_lock_read_release (lock, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  assert_state (lock, 0, TRUE, 0);
  write_release (lock);

  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  g_assert_false (async_sync_rw_lock_write_release (lock, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  assert_state (lock, 1, FALSE, 0);
  read_release (lock);
  g_assert_false (async_sync_rw_lock_read_release (lock, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  assert_state (lock, 0, FALSE, 0);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_rw_lock_try_respects_queue (void)
{
  TestRun *run = test_run_new (2, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  TestOp *w = test_run_op (run, 0);
  TestOp *r = test_run_op (run, 1);

  g_test_summary ("try_read_acquire and try_write_acquire never barge: "
                  "they fail while anyone is queued, even when the lock "
                  "could be shared, and while a grant is being handed "
                  "over; a new acquisition queues behind.");

  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  start_write (lock, w);
  g_assert_false (async_sync_rw_lock_try_read_acquire (lock));
  g_assert_false (async_sync_rw_lock_try_write_acquire (lock));
  assert_state (lock, 1, FALSE, 1);

  /* Handed to the writer, its callback still pending. */
  read_release (lock);
  g_assert_false (w->done);
  g_assert_false (async_sync_rw_lock_try_read_acquire (lock));
  g_assert_false (async_sync_rw_lock_try_write_acquire (lock));
  start_read (lock, r);
  assert_state (lock, 0, TRUE, 1);

  test_run_until_done (run, w);
  write_release (lock);
  test_run_until_done (run, r);
  test_op_assert_ok (r);
  /* Only readers hold it and nobody waits: another reader may join. */
  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  assert_state (lock, 2, FALSE, 0);
  read_release (lock);
  read_release (lock);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

typedef struct
{
  guint    n_readers_notified;
  guint    n_write_locked_notified;
  guint    last_n_readers;
  gboolean last_write_locked;
  GThread *thread;
} RWNotifications;

static void
rw_notified_cb (GObject    *object,
                GParamSpec *pspec,
                gpointer    user_data)
{
  RWNotifications *notifications = user_data;

  g_assert_true (g_thread_self () == notifications->thread);
  if (g_str_equal (pspec->name, "n-readers"))
    {
      notifications->n_readers_notified++;
      g_object_get (object, "n-readers", &notifications->last_n_readers, NULL);
    }
  else
    {
      g_assert_cmpstr (pspec->name, ==, "write-locked");
      notifications->n_write_locked_notified++;
      g_object_get (object, "write-locked", &notifications->last_write_locked, NULL);
    }
}

static gpointer
write_lock_in_thread (gpointer data)
{
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  g_assert_true (async_sync_rw_lock_try_write_acquire (data));
  test_drain_context (context);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

static void
test_rw_lock_notify (void)
{
  TestRun *run = test_run_new (0, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  RWNotifications notifications = { 0, 0, 0, FALSE, g_thread_self () };
  GThread *thread;

  g_test_summary ("notify::n-readers and notify::write-locked are emitted "
                  "from the loop on the home context, coalesced, also for "
                  "a change made in another thread.");

  g_signal_connect (lock, "notify", G_CALLBACK (rw_notified_cb), &notifications);

  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  g_assert_cmpuint (notifications.n_readers_notified, ==, 0);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_readers_notified, ==, 1);
  g_assert_cmpuint (notifications.last_n_readers, ==, 2);
  g_assert_cmpuint (notifications.n_write_locked_notified, ==, 0);

  read_release (lock);
  read_release (lock);
  thread = g_thread_new ("write", write_lock_in_thread, lock);
  g_thread_join (thread);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_readers_notified, ==, 2);
  g_assert_cmpuint (notifications.last_n_readers, ==, 0);
  g_assert_cmpuint (notifications.n_write_locked_notified, ==, 1);
  g_assert_true (notifications.last_write_locked);

  write_release (lock);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_write_locked_notified, ==, 2);
  g_assert_false (notifications.last_write_locked);
  g_assert_cmpuint (notifications.n_readers_notified, ==, 2);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

/* Offers a read acquisition's result to write_acquire_finish (refused:
 * wrong source tag), then to read_acquire_finish. */
static void
wrong_finish_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TestOp *op = user_data;
  GError *error = NULL;

  g_assert_false (async_sync_rw_lock_write_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, &error));
  g_assert_no_error (error);
  op->ok = async_sync_rw_lock_read_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, &op->error);
  op->done = TRUE;
}

static void
test_rw_lock_criticals (void)
{
  g_test_summary ("NULL or wrong-type arguments log a critical, return, and "
                  "change nothing; a read result cannot finish a write.");

  if (g_test_subprocess ())
    {
      TestRun *run = test_run_new (1, read_acquire_finish);
      AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
      GObject *not_a_lock = g_object_new (G_TYPE_OBJECT, NULL);
      GError *error = NULL;
      TestOp *op = test_run_op (run, 0);

      test_trap_criticals_nonfatal ();

      g_assert_false (async_sync_rw_lock_try_read_acquire (NULL));
      g_assert_false (async_sync_rw_lock_try_write_acquire (NULL));
      g_assert_false (async_sync_rw_lock_read_release (NULL, &error));
      g_assert_false (async_sync_rw_lock_write_release (NULL, &error));
      g_assert_cmpuint (async_sync_rw_lock_get_n_readers (NULL), ==, 0);
      g_assert_false (async_sync_rw_lock_is_write_locked (NULL));
      g_assert_cmpuint (async_sync_rw_lock_get_n_waiting (NULL), ==, 0);
      g_assert_no_error (error);

      /* A real read acquisition, offered to write_acquire_finish first. */
      async_sync_rw_lock_read_acquire_async (lock, NULL, wrong_finish_cb, test_op_start (op));
      test_run_until_done (run, op);
      g_assert_true (op->ok);
      g_assert_no_error (op->error);

      test_run_drain (run);
      g_assert_cmpuint (async_sync_rw_lock_get_n_readers (lock), ==, 1);
      g_assert_false (async_sync_rw_lock_is_write_locked (lock));
      g_assert_cmpuint (async_sync_rw_lock_get_n_waiting (lock), ==, 0);

      test_run_drain (run);
      g_object_unref (not_a_lock);
      test_run_unref_and_assert_finalized (run, lock);
      test_run_free (run);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_stderr ("*CRITICAL*async_sync_rw_lock_try_read_acquire*ASYNC_SYNC_IS_RW_LOCK (self)*"
                             "*CRITICAL*async_sync_rw_lock_try_write_acquire*ASYNC_SYNC_IS_RW_LOCK (self)*"
                             "*CRITICAL*async_sync_rw_lock_read_release*ASYNC_SYNC_IS_RW_LOCK (self)*"
                             "*CRITICAL*async_sync_rw_lock_write_release*ASYNC_SYNC_IS_RW_LOCK (self)*"
                             "*CRITICAL*async_sync_rw_lock_get_n_readers*ASYNC_SYNC_IS_RW_LOCK (self)*"
                             "*CRITICAL*async_sync_rw_lock_is_write_locked*ASYNC_SYNC_IS_RW_LOCK (self)*"
                             "*CRITICAL*async_sync_rw_lock_get_n_waiting*ASYNC_SYNC_IS_RW_LOCK (self)*"
                             "*CRITICAL*source_tag*");
  g_test_trap_assert_passed ();
}

/* N_THREADS threads, each on its own main context (the last one through
 * the blocking calls), take the lock N_PER_THREAD times, writing every
 * third time.  Inside, they check the exclusion rules with counters. */
typedef struct
{
  AsyncSyncRWLock *lock;
  gint             n_readers_inside;
  gint             n_writers_inside;
  guint            counter;       /* written by writers only, not atomic */
  gint             n_reads;
  gint             n_cancelled;
} Shared;

static void
read_section (Shared *shared)
{
  guint before;

  g_atomic_int_inc (&shared->n_readers_inside);
  g_assert_cmpint (g_atomic_int_get (&shared->n_writers_inside), ==, 0);
  g_assert_false (async_sync_rw_lock_is_write_locked (shared->lock));
  before = shared->counter;
  g_thread_yield ();
  /* No writer may have run meanwhile. */
  g_assert_cmpuint (shared->counter, ==, before);
  g_atomic_int_inc (&shared->n_reads);
  g_atomic_int_add (&shared->n_readers_inside, -1);
  read_release (shared->lock);
}

static void
write_section (Shared *shared)
{
  guint value;

  g_assert_cmpint (g_atomic_int_add (&shared->n_writers_inside, 1), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&shared->n_readers_inside), ==, 0);
  g_assert_cmpuint (async_sync_rw_lock_get_n_readers (shared->lock), ==, 0);
  value = shared->counter;
  g_thread_yield ();
  shared->counter = value + 1;
  g_assert_true (g_atomic_int_dec_and_test (&shared->n_writers_inside));
  write_release (shared->lock);
}

static void
section_then (TestOp  *op,
              GObject *source)
{
  /* Cancelled in time: the lock was not taken. */
  if (!op->ok)
    {
      test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_atomic_int_inc (&((Shared *) op->data)->n_cancelled);
      return;
    }
  if (op->finish == write_acquire_finish)
    write_section (op->data);
  else
    read_section (op->data);
}

static gpointer
rw_thread (gpointer data)
{
  Shared *shared = ((gpointer *) data)[0];
  gboolean blocking = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  TestRun *run = test_run_new (N_PER_THREAD, read_acquire_finish);
  guint i;

  for (i = 0; i < N_PER_THREAD; i++)
    {
      gboolean write = i % 3 == 0;

      if (blocking)
        {
          GError *error = NULL;

          if (write)
            {
              g_assert_true (async_sync_rw_lock_write_acquire (shared->lock, NULL, &error));
              g_assert_no_error (error);
              write_section (shared);
            }
          else
            {
              g_assert_true (async_sync_rw_lock_read_acquire (shared->lock, NULL, &error));
              g_assert_no_error (error);
              read_section (shared);
            }
        }
      else
        {
          TestOp *op = test_run_op (run, i);

          op->then = section_then;
          op->data = shared;
          /* Every seventh request is cancelled at once, racing the grant
           * another thread's release makes. */
          if (i % 7 == 3)
            test_op_cancellable (op);
          if (write)
            start_write (shared->lock, op);
          else
            start_read (shared->lock, op);
          if (op->cancellable != NULL)
            g_cancellable_cancel (op->cancellable);
          test_run_until_done (run, op);
        }
    }
  g_assert_cmpuint (run->max_depth, <=, 1);
  test_run_free (run);

  return NULL;
}

static void
test_rw_lock_threads (void)
{
  TestRun *run = test_run_new (0, read_acquire_finish);
  Shared shared = { async_sync_rw_lock_new (), 0, 0, 0, 0, 0 };
  gpointer args[N_THREADS][2];
  GThread *threads[N_THREADS];
  guint i;

  g_test_summary ("Four threads on their own contexts (one blocking) read "
                  "and write one lock, some requests cancelled right away: "
                  "a writer is always alone (no reader, no other writer: a "
                  "non-atomic counter loses nothing), readers never see a "
                  "writer, and a cancelled request leaves the lock free.");

  for (i = 0; i < N_THREADS; i++)
    {
      args[i][0] = &shared;
      args[i][1] = GUINT_TO_POINTER (i == N_THREADS - 1);
      threads[i] = g_thread_new ("rw", rw_thread, args[i]);
    }
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  /* Every request ran its section once, unless cancelled in time (reads
   * and writes alike, as i % 7 == 3 hits both kinds). */
  g_test_message ("%d requests cancelled in time", shared.n_cancelled);
  g_assert_cmpuint (shared.counter + (guint) shared.n_reads + (guint) shared.n_cancelled, ==,
                    N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (shared.counter, <=, N_THREADS * ((N_PER_THREAD + 2) / 3));
  g_assert_cmpuint (shared.counter, >=, (N_THREADS - 1) * ((N_PER_THREAD + 2) / 3));
  assert_state (shared.lock, 0, FALSE, 0);

  test_run_unref_and_assert_finalized (run, shared.lock);
  test_run_free (run);
}

typedef struct
{
  AsyncSyncRWLock *lock;
  gboolean         write;
  GCancellable    *cancellable;
  gboolean         ok;
  gboolean         held_after;
  GError          *error;
} BlockingAcquire;

static gpointer
blocking_acquire_thread (gpointer data)
{
  BlockingAcquire *blocking = data;

  if (blocking->write)
    {
      blocking->ok = async_sync_rw_lock_write_acquire (blocking->lock, blocking->cancellable,
                                                       &blocking->error);
      blocking->held_after = async_sync_rw_lock_is_write_locked (blocking->lock);
      if (blocking->ok)
        write_release (blocking->lock);
    }
  else
    {
      blocking->ok = async_sync_rw_lock_read_acquire (blocking->lock, blocking->cancellable,
                                                      &blocking->error);
      blocking->held_after = async_sync_rw_lock_get_n_readers (blocking->lock) > 0;
      if (blocking->ok)
        read_release (blocking->lock);
    }

  return NULL;
}

static void
test_rw_lock_blocking (void)
{
  TestRun *run = test_run_new (0, read_acquire_finish);
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();
  BlockingAcquire writer = { lock, TRUE, NULL, FALSE, FALSE, NULL };
  BlockingAcquire reader = { lock, FALSE, NULL, FALSE, FALSE, NULL };
  GThread *thread;

  g_test_summary ("Blocking write_acquire in a worker waits for the reader "
                  "to leave, blocking read_acquire for the writer; both "
                  "return holding the lock.");

  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  thread = g_thread_new ("writer", blocking_acquire_thread, &writer);
  test_wait_for_count ((TestCountFunc) async_sync_rw_lock_get_n_waiting, lock, 1);
  read_release (lock);
  g_thread_join (thread);
  g_assert_no_error (writer.error);
  g_assert_true (writer.ok);
  g_assert_true (writer.held_after);

  g_assert_true (async_sync_rw_lock_try_write_acquire (lock));
  thread = g_thread_new ("reader", blocking_acquire_thread, &reader);
  test_wait_for_count ((TestCountFunc) async_sync_rw_lock_get_n_waiting, lock, 1);
  write_release (lock);
  g_thread_join (thread);
  g_assert_no_error (reader.error);
  g_assert_true (reader.ok);
  g_assert_true (reader.held_after);
  assert_state (lock, 0, FALSE, 0);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/RWLock/properties/getters-and-properties", test_rw_lock_properties);
  g_test_add_func ("/AsyncSync/RWLock/read/readers-share-the-lock", test_rw_lock_readers_share);
  g_test_add_func ("/AsyncSync/RWLock/write/writer-excludes-fifo-hand-off", test_rw_lock_writer_excludes);
  g_test_add_func ("/AsyncSync/RWLock/fairness/queued-writer-blocks-later-readers", test_rw_lock_no_writer_starvation);
  g_test_add_func ("/AsyncSync/RWLock/fairness/run-of-readers-admitted-together", test_rw_lock_reader_run);
  g_test_add_func ("/AsyncSync/RWLock/cancel/queued-writer-admits-readers-behind", test_rw_lock_cancel_queued_writer);
  g_test_add_func ("/AsyncSync/RWLock/cancel/queued-reader", test_rw_lock_cancel_queued_reader);
  g_test_add_func ("/AsyncSync/RWLock/errors/release-misuse-is-not-locked", test_rw_lock_release_misuse);
  g_test_add_func ("/AsyncSync/RWLock/try/respects-the-queue", test_rw_lock_try_respects_queue);
  g_test_add_func ("/AsyncSync/RWLock/notify/on-home-context-coalesced", test_rw_lock_notify);
  g_test_add_func ("/AsyncSync/RWLock/criticals/null-and-wrong-type-arguments", test_rw_lock_criticals);
  g_test_add_func ("/AsyncSync/RWLock/threads/writers-exclude-readers-and-writers", test_rw_lock_threads);
  g_test_add_func ("/AsyncSync/RWLock/blocking/acquire-from-worker", test_rw_lock_blocking);

  return g_test_run ();
}
