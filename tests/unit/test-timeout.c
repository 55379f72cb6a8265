/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

/* Short enough to keep the suite fast, long enough that the operation is
 * normally queued before it passes (the tests accept either). */
#define TIMEOUT_MS      30
#define LONG_TIMEOUT_MS 60000

/* Finish functions of every operation a timeout can bound. */
static gboolean
lock_acquire_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, error);
}

static gboolean
condition_acquire_finish (GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  return async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (source), result, error);
}

static gboolean
condition_wait_finish (GObject       *source,
                       GAsyncResult  *result,
                       GError       **error)
{
  return async_sync_condition_wait_finish (ASYNC_SYNC_CONDITION (source), result, error);
}

static gboolean
condition_wait_for_finish (GObject       *source,
                           GAsyncResult  *result,
                           GError       **error)
{
  return async_sync_condition_wait_for_finish (ASYNC_SYNC_CONDITION (source), result, error);
}

static gboolean
event_wait_finish (GObject       *source,
                   GAsyncResult  *result,
                   GError       **error)
{
  return async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source), result, error);
}

static gboolean
semaphore_acquire_finish (GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  return async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
}

static gboolean
semaphore_acquire_many_finish (GObject       *source,
                               GAsyncResult  *result,
                               GError       **error)
{
  return async_sync_semaphore_acquire_many_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
}

static gboolean
barrier_wait_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return async_sync_barrier_wait_finish (ASYNC_SYNC_BARRIER (source), result, NULL, error);
}

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
  g_autoptr(GObject) item = async_sync_queue_get_finish (ASYNC_SYNC_QUEUE (source), result, error);

  return item != NULL;
}

static gboolean
queue_join_finish (GObject       *source,
                   GAsyncResult  *result,
                   GError       **error)
{
  return async_sync_queue_join_finish (ASYNC_SYNC_QUEUE (source), result, error);
}

static gboolean
rw_lock_read_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  return async_sync_rw_lock_read_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, error);
}

static gboolean
rw_lock_write_finish (GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  return async_sync_rw_lock_write_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, error);
}

static gboolean
never_true (gpointer user_data)
{
  guint *n_calls = user_data;

  if (n_calls != NULL)
    (*n_calls)++;

  return FALSE;
}

/*
 * One operation kind, for the table-driven tests: setup() puts the object
 * in a state where the operation must wait, start() starts it with the op's
 * cancellable (the timeout), n_waiting() (if the class can tell) counts the
 * queued operations, check() proves that the failed operation took or
 * inserted nothing, then returns the object to a state where it can be
 * finalized.  refuse() does what would grant the operation (a release, a
 * set, a put, ...), after its deadline passed, and proves it got nothing;
 * after_refused() (if any) then completes what refuse() started.
 */
typedef struct _Fixture Fixture;

typedef struct
{
  const gchar   *name;
  TestFinishFunc finish;
  void         (*setup)     (Fixture *f);
  void         (*start)     (Fixture *f,
                             TestOp  *op);
  guint        (*n_waiting) (Fixture *f);
  void         (*check)     (Fixture *f);
  gboolean       reports_held;  /* a Condition wait: the lock is held again */
  void         (*refuse)    (Fixture *f);
  void         (*after_refused) (Fixture *f);
} TimeoutCase;

struct _Fixture
{
  const TimeoutCase *tcase;
  TestRun           *run;
  gpointer           object;
  GObject           *item;      /* an item the object holds, unowned */
  gboolean           expired_in_callback;
  gboolean           held_in_callback;
};

static void
fixture_then (TestOp  *op,
              GObject *source)
{
  Fixture *f = op->data;

  f->expired_in_callback = async_sync_timeout_has_expired (ASYNC_SYNC_TIMEOUT (op->cancellable));
  if (f->tcase->reports_held)
    f->held_in_callback = async_sync_condition_is_locked (ASYNC_SYNC_CONDITION (source));
}

/* Lock */
static void
lock_setup (Fixture *f)
{
  f->object = async_sync_lock_new ();
  g_assert_true (async_sync_lock_try_acquire (f->object));
}

static void
lock_start (Fixture *f,
            TestOp  *op)
{
  async_sync_lock_acquire_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static guint
lock_n_waiting (Fixture *f)
{
  return async_sync_lock_get_n_waiting (f->object);
}

static void
lock_check (Fixture *f)
{
  g_assert_true (async_sync_lock_is_locked (f->object));
  g_assert_true (async_sync_lock_release (f->object, NULL));
  g_assert_false (async_sync_lock_is_locked (f->object));
}

/* Condition: acquire, wait, wait_for */
static void
condition_setup (Fixture *f)
{
  f->object = async_sync_condition_new (NULL);
  g_assert_true (async_sync_condition_try_acquire (f->object));
}

static void
condition_acquire_start (Fixture *f,
                         TestOp  *op)
{
  async_sync_condition_acquire_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static guint
condition_lock_n_waiting (Fixture *f)
{
  return async_sync_lock_get_n_waiting (async_sync_condition_get_lock (f->object));
}

static void
condition_wait_start (Fixture *f,
                      TestOp  *op)
{
  async_sync_condition_wait_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static void
condition_wait_for_start (Fixture *f,
                          TestOp  *op)
{
  async_sync_condition_wait_for_async (f->object, never_true, NULL, NULL, op->cancellable,
                                       test_op_callback, test_op_start (op));
}

static guint
condition_n_waiting (Fixture *f)
{
  return async_sync_condition_get_n_waiting (f->object);
}

static void
condition_check (Fixture *f)
{
  /* Held by the setup, or again by the failed wait. */
  g_assert_true (async_sync_condition_is_locked (f->object));
  g_assert_cmpuint (condition_lock_n_waiting (f), ==, 0);
  g_assert_cmpuint (async_sync_condition_get_n_waiting (f->object), ==, 0);
  g_assert_true (async_sync_condition_release (f->object, NULL));
  g_assert_false (async_sync_condition_is_locked (f->object));
}

/* Event */
static void
event_setup (Fixture *f)
{
  f->object = async_sync_event_new ();
}

static void
event_start (Fixture *f,
             TestOp  *op)
{
  async_sync_event_wait_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static guint
event_n_waiting (Fixture *f)
{
  return async_sync_event_get_n_waiting (f->object);
}

static void
event_check (Fixture *f)
{
  g_assert_false (async_sync_event_is_set (f->object));
  async_sync_event_set (f->object);
  g_assert_true (async_sync_event_is_set (f->object));
}

/* Semaphore: acquire, acquire_many */
static void
semaphore_setup (Fixture *f)
{
  f->object = async_sync_semaphore_new (1);
  g_assert_true (async_sync_semaphore_try_acquire (f->object));
}

static void
semaphore_start (Fixture *f,
                 TestOp  *op)
{
  async_sync_semaphore_acquire_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static void
semaphore_many_setup (Fixture *f)
{
  f->object = async_sync_semaphore_new (1);
}

static void
semaphore_many_start (Fixture *f,
                      TestOp  *op)
{
  async_sync_semaphore_acquire_many_async (f->object, 2, op->cancellable,
                                           test_op_callback, test_op_start (op));
}

static guint
semaphore_n_waiting (Fixture *f)
{
  return async_sync_semaphore_get_n_waiting (f->object);
}

static void
semaphore_check (Fixture *f)
{
  guint value = async_sync_semaphore_get_value (f->object);

  /* The permits are all still there for the next caller. */
  g_assert_true (async_sync_semaphore_release (f->object, NULL));
  g_assert_true (async_sync_semaphore_try_acquire_many (f->object, value + 1));
  g_assert_cmpuint (async_sync_semaphore_get_value (f->object), ==, 0);
}

/* Barrier */
static void
barrier_setup (Fixture *f)
{
  f->object = async_sync_barrier_new (2);
}

static void
barrier_start (Fixture *f,
               TestOp  *op)
{
  async_sync_barrier_wait_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static guint
barrier_n_waiting (Fixture *f)
{
  return async_sync_barrier_get_n_waiting (f->object);
}

static void
barrier_check (Fixture *f)
{
  TestOp *a = test_run_op (f->run, 1);
  TestOp *b = test_run_op (f->run, 2);

  /* The failed party left the count: a cycle needs two new ones. */
  g_assert_false (async_sync_barrier_is_broken (f->object));
  a->finish = barrier_wait_finish;
  b->finish = barrier_wait_finish;
  barrier_start (f, a);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (f->object), ==, 1);
  test_run_drain (f->run);
  g_assert_false (a->done);
  barrier_start (f, b);
  test_run_until_done (f->run, b);
  test_run_until_done (f->run, a);
  test_op_assert_ok (a);
  test_op_assert_ok (b);
}

/* Queue: put, get, join */
static void
queue_full_setup (Fixture *f)
{
  g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

  f->object = async_sync_queue_new (G_TYPE_OBJECT, 1);
  f->item = item;
  g_assert_true (async_sync_queue_try_put (f->object, item, NULL));
}

static void
queue_put_start (Fixture *f,
                 TestOp  *op)
{
  g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

  async_sync_queue_put_async (f->object, item, op->cancellable, test_op_callback, test_op_start (op));
}

static void
queue_put_check (Fixture *f)
{
  g_autoptr(GObject) first = async_sync_queue_try_get (f->object, NULL);

  /* Only the first item: the failed put inserted nothing. */
  g_assert_true (first == f->item);
  g_assert_true (async_sync_queue_is_empty (f->object));
}

static void
queue_empty_setup (Fixture *f)
{
  f->object = async_sync_queue_new (G_TYPE_OBJECT, 0);
}

static void
queue_get_start (Fixture *f,
                 TestOp  *op)
{
  async_sync_queue_get_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static void
queue_get_check (Fixture *f)
{
  g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) got = NULL;

  /* The failed get is gone: an item put now stays in the queue. */
  g_assert_true (async_sync_queue_try_put (f->object, item, NULL));
  g_assert_cmpuint (async_sync_queue_get_length (f->object), ==, 1);
  got = async_sync_queue_try_get (f->object, NULL);
  g_assert_true (got == item);
}

static void
queue_join_start (Fixture *f,
                  TestOp  *op)
{
  async_sync_queue_join_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static void
queue_join_check (Fixture *f)
{
  g_autoptr(GObject) first = async_sync_queue_try_get (f->object, NULL);
  TestOp *join = test_run_op (f->run, 1);

  g_assert_true (first == f->item);
  g_assert_true (async_sync_queue_task_done (f->object, NULL));
  join->finish = queue_join_finish;
  queue_join_start (f, join);
  test_run_until_done (f->run, join);
  test_op_assert_ok (join);
}

/* RWLock: read, write */
static void
rw_lock_write_locked_setup (Fixture *f)
{
  f->object = async_sync_rw_lock_new ();
  g_assert_true (async_sync_rw_lock_try_write_acquire (f->object));
}

static void
rw_lock_read_start (Fixture *f,
                    TestOp  *op)
{
  async_sync_rw_lock_read_acquire_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static void
rw_lock_read_locked_setup (Fixture *f)
{
  f->object = async_sync_rw_lock_new ();
  g_assert_true (async_sync_rw_lock_try_read_acquire (f->object));
}

static void
rw_lock_write_start (Fixture *f,
                     TestOp  *op)
{
  async_sync_rw_lock_write_acquire_async (f->object, op->cancellable, test_op_callback, test_op_start (op));
}

static guint
rw_lock_n_waiting (Fixture *f)
{
  return async_sync_rw_lock_get_n_waiting (f->object);
}

static void
rw_lock_check (Fixture *f)
{
  if (async_sync_rw_lock_is_write_locked (f->object))
    {
      g_assert_cmpuint (async_sync_rw_lock_get_n_readers (f->object), ==, 0);
      g_assert_true (async_sync_rw_lock_write_release (f->object, NULL));
    }
  else
    {
      g_assert_cmpuint (async_sync_rw_lock_get_n_readers (f->object), ==, 1);
      g_assert_true (async_sync_rw_lock_read_release (f->object, NULL));
    }
  g_assert_true (async_sync_rw_lock_try_write_acquire (f->object));
  g_assert_true (async_sync_rw_lock_write_release (f->object, NULL));
}

/* Refusals: each runs while the loop is blocked past the operation's
 * deadline, so that its timer could not run yet. */
static void
lock_refuse (Fixture *f)
{
  g_assert_true (async_sync_lock_release (f->object, NULL));
  /* Not handed over: free, nobody waiting. */
  g_assert_false (async_sync_lock_is_locked (f->object));
  g_assert_cmpuint (lock_n_waiting (f), ==, 0);
}

static void
condition_acquire_refuse (Fixture *f)
{
  g_assert_true (async_sync_condition_release (f->object, NULL));
  g_assert_false (async_sync_condition_is_locked (f->object));
  g_assert_cmpuint (condition_lock_n_waiting (f), ==, 0);
}

static void
condition_wait_refuse (Fixture *f)
{
  /* The wait released the lock: take it to notify. */
  g_assert_true (async_sync_condition_try_acquire (f->object));
  g_assert_true (async_sync_condition_notify_all (f->object, NULL));
  /* It left unnotified, and queues to get the lock back before it
   * reports. */
  g_assert_cmpuint (condition_n_waiting (f), ==, 0);
  g_assert_cmpuint (condition_lock_n_waiting (f), ==, 1);
  g_assert_true (async_sync_condition_release (f->object, NULL));
}

static void
event_refuse (Fixture *f)
{
  async_sync_event_set (f->object);
  g_assert_cmpuint (event_n_waiting (f), ==, 0);
}

static void
semaphore_refuse (Fixture *f)
{
  guint value = async_sync_semaphore_get_value (f->object);

  g_assert_true (async_sync_semaphore_release (f->object, NULL));
  /* The permit stays: not handed over. */
  g_assert_cmpuint (async_sync_semaphore_get_value (f->object), ==, value + 1);
  g_assert_cmpuint (semaphore_n_waiting (f), ==, 0);
}

static void
barrier_refuse (Fixture *f)
{
  TestOp *a = test_run_op (f->run, 1);

  /* The second of two parties: the expired one does not count. */
  a->finish = barrier_wait_finish;
  barrier_start (f, a);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (f->object), ==, 1);
}

static void
barrier_after_refused (Fixture *f)
{
  TestOp *a = test_run_op (f->run, 1);
  TestOp *b = test_run_op (f->run, 2);

  g_assert_false (a->done);
  b->finish = barrier_wait_finish;
  barrier_start (f, b);
  test_run_until_done (f->run, b);
  test_run_until_done (f->run, a);
  test_op_assert_ok (a);
  test_op_assert_ok (b);
}

static void
queue_join_refuse (Fixture *f)
{
  g_autoptr(GObject) first = async_sync_queue_try_get (f->object, NULL);

  g_assert_true (first == f->item);
  g_assert_true (async_sync_queue_task_done (f->object, NULL));
}

static void
rw_lock_refuse (Fixture *f)
{
  if (async_sync_rw_lock_is_write_locked (f->object))
    g_assert_true (async_sync_rw_lock_write_release (f->object, NULL));
  else
    g_assert_true (async_sync_rw_lock_read_release (f->object, NULL));
  /* Nobody got it. */
  g_assert_false (async_sync_rw_lock_is_write_locked (f->object));
  g_assert_cmpuint (async_sync_rw_lock_get_n_readers (f->object), ==, 0);
  g_assert_cmpuint (rw_lock_n_waiting (f), ==, 0);
}

static const TimeoutCase cases[] = {
  { "lock-acquire", lock_acquire_finish, lock_setup, lock_start, lock_n_waiting, lock_check, FALSE,
    lock_refuse, NULL },
  { "condition-acquire", condition_acquire_finish, condition_setup, condition_acquire_start,
    condition_lock_n_waiting, condition_check, FALSE, condition_acquire_refuse, NULL },
  { "condition-wait", condition_wait_finish, condition_setup, condition_wait_start,
    condition_n_waiting, condition_check, TRUE, condition_wait_refuse, condition_check },
  { "condition-wait-for", condition_wait_for_finish, condition_setup, condition_wait_for_start,
    condition_n_waiting, condition_check, TRUE, condition_wait_refuse, condition_check },
  { "event-wait", event_wait_finish, event_setup, event_start, event_n_waiting, event_check, FALSE,
    event_refuse, NULL },
  { "semaphore-acquire", semaphore_acquire_finish, semaphore_setup, semaphore_start,
    semaphore_n_waiting, semaphore_check, FALSE, semaphore_refuse, NULL },
  { "semaphore-acquire-many", semaphore_acquire_many_finish, semaphore_many_setup, semaphore_many_start,
    semaphore_n_waiting, semaphore_check, FALSE, semaphore_refuse, NULL },
  { "barrier-wait", barrier_wait_finish, barrier_setup, barrier_start, barrier_n_waiting, barrier_check, FALSE,
    barrier_refuse, barrier_after_refused },
  { "queue-put", queue_put_finish, queue_full_setup, queue_put_start, NULL, queue_put_check, FALSE,
    queue_put_check, NULL },
  { "queue-get", queue_get_finish, queue_empty_setup, queue_get_start, NULL, queue_get_check, FALSE,
    queue_get_check, NULL },
  { "queue-join", queue_join_finish, queue_full_setup, queue_join_start, NULL, queue_join_check, FALSE,
    queue_join_refuse, NULL },
  { "rw-lock-read", rw_lock_read_finish, rw_lock_write_locked_setup, rw_lock_read_start,
    rw_lock_n_waiting, rw_lock_check, FALSE, rw_lock_refuse, NULL },
  { "rw-lock-write", rw_lock_write_finish, rw_lock_read_locked_setup, rw_lock_write_start,
    rw_lock_n_waiting, rw_lock_check, FALSE, rw_lock_refuse, NULL },
};

/* Runs one case with @timeout; returns after check(), having proved that
 * the object and the timeout are freed. */
static void
run_case (const TimeoutCase *tcase,
          AsyncSyncTimeout  *timeout,
          gboolean           expired)
{
  Fixture f = { tcase, test_run_new (3, tcase->finish), NULL, NULL, FALSE, FALSE };
  TestOp *op = test_run_op (f.run, 0);
  gpointer weak_timeout = timeout;

  g_object_add_weak_pointer (G_OBJECT (timeout), &weak_timeout);
  tcase->setup (&f);

  op->cancellable = G_CANCELLABLE (timeout);
  op->then = fixture_then;
  op->data = &f;
  f.run->in_api = TRUE;
  tcase->start (&f, op);
  f.run->in_api = FALSE;
  g_assert_false (op->done);
  if (tcase->n_waiting != NULL)
    {
      if (expired)
        g_assert_cmpuint (tcase->n_waiting (&f), ==, 0);
      else
        /* Queued, unless the machine stalled past the deadline. */
        g_assert_true (tcase->n_waiting (&f) == 1 || async_sync_timeout_has_expired (timeout));
    }

  test_run_until_done (f.run, op);
  test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* Not before the deadline. */
  g_assert_true (f.expired_in_callback);
  g_assert_true (f.held_in_callback == tcase->reports_held);
  if (tcase->n_waiting != NULL)
    g_assert_cmpuint (tcase->n_waiting (&f), ==, 0);
  /* A timeout does not cancel itself. */
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (timeout)));

  tcase->check (&f);

  op->cancellable = NULL;
  g_object_unref (timeout);
  test_run_unref_and_assert_finalized (f.run, f.object);
  g_assert_null (weak_timeout);
  test_run_free (f.run);
}

static void
test_timeout_timed_out (gconstpointer data)
{
  g_test_summary ("An operation still queued when the deadline passes fails "
                  "with G_IO_ERROR_TIMED_OUT (not CANCELLED), not before the "
                  "deadline, from the loop; it leaves the queue, takes or "
                  "inserts nothing (a Condition wait holds the lock again "
                  "when it reports), and nothing keeps the object alive.");

  run_case (data, async_sync_timeout_new (TIMEOUT_MS), FALSE);
}

static void
test_timeout_expired (gconstpointer data)
{
  g_test_summary ("An operation given an expired timeout fails with "
                  "G_IO_ERROR_TIMED_OUT from a later iteration without "
                  "queueing, taking or inserting anything.");

  run_case (data, async_sync_timeout_new (0), TRUE);
}

/* Blocks the loop (from inside one of its dispatches) until @timeout
 * has expired: the deadline's timer, on the same context, cannot run. */
static void
block_loop_until_expired (AsyncSyncTimeout *timeout)
{
  while (!async_sync_timeout_has_expired (timeout))
    g_usleep (1000);
}

typedef struct
{
  Fixture          *fixture;
  AsyncSyncTimeout *timeout;
} BlockedLoop;

static gboolean
refuse_in_blocked_loop (gpointer data)
{
  BlockedLoop *blocked = data;

  block_loop_until_expired (blocked->timeout);
  blocked->fixture->tcase->refuse (blocked->fixture);

  return G_SOURCE_REMOVE;
}

static void
test_timeout_refused_in_blocked_loop (gconstpointer data)
{
  const TimeoutCase *tcase = data;
  Fixture f = { tcase, test_run_new (3, tcase->finish), NULL, NULL, FALSE, FALSE };
  AsyncSyncTimeout *timeout = async_sync_timeout_new (TIMEOUT_MS);
  BlockedLoop blocked = { &f, timeout };
  TestOp *op = test_run_op (f.run, 0);

  g_test_summary ("Deadlines are decided by time, not by main-loop latency: "
                  "an operation whose deadline passed while its context was "
                  "blocked (its timer not run yet) is never granted: the "
                  "release, set or put that comes then goes past it, and it "
                  "fails with G_IO_ERROR_TIMED_OUT.");

  tcase->setup (&f);
  op->cancellable = G_CANCELLABLE (timeout);
  tcase->start (&f, op);
  test_run_in_source (f.run, refuse_in_blocked_loop, &blocked);

  test_run_until_done (f.run, op);
  test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  if (tcase->after_refused != NULL)
    tcase->after_refused (&f);

  test_run_unref_and_assert_finalized (f.run, f.object);
  test_run_free (f.run);
}

static void
test_timeout_properties (void)
{
  g_autoptr(AsyncSyncTimeout) timeout = NULL;
  g_autoptr(AsyncSyncTimeout) at = NULL;
  g_autoptr(AsyncSyncTimeout) past = NULL;
  g_autoptr(AsyncSyncTimeout) expired = NULL;
  GParamSpec *pspec;
  gint64 before, after, deadline = 0;

  g_test_summary ("new() sets the deadline relative to now and new_at() "
                  "absolutely (clamped at 0); get_deadline() and the "
                  "construct-only `deadline` property agree; has_expired() "
                  "follows the clock; an expired timeout is a GCancellable "
                  "that is not cancelled.");

  before = g_get_monotonic_time ();
  timeout = async_sync_timeout_new (LONG_TIMEOUT_MS);
  after = g_get_monotonic_time ();
  g_assert_true (G_IS_CANCELLABLE (timeout));
  g_assert_cmpint (async_sync_timeout_get_deadline (timeout), >=, before + LONG_TIMEOUT_MS * 1000);
  g_assert_cmpint (async_sync_timeout_get_deadline (timeout), <=, after + LONG_TIMEOUT_MS * 1000);
  g_object_get (timeout, "deadline", &deadline, NULL);
  g_assert_cmpint (deadline, ==, async_sync_timeout_get_deadline (timeout));
  g_assert_false (async_sync_timeout_has_expired (timeout));

  at = async_sync_timeout_new_at (after + 12345678);
  g_assert_cmpint (async_sync_timeout_get_deadline (at), ==, after + 12345678);
  g_assert_false (async_sync_timeout_has_expired (at));

  past = async_sync_timeout_new_at (-5);
  g_assert_cmpint (async_sync_timeout_get_deadline (past), ==, 0);
  g_assert_true (async_sync_timeout_has_expired (past));

  expired = async_sync_timeout_new (0);
  g_assert_true (async_sync_timeout_has_expired (expired));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (expired)));
  g_assert_true (g_cancellable_set_error_if_cancelled (G_CANCELLABLE (expired), NULL) == FALSE);

  g_cancellable_cancel (G_CANCELLABLE (at));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (at)));
  g_assert_false (async_sync_timeout_has_expired (at));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (timeout), "deadline");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_INT64);
  g_assert_true ((pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0);
  g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);

  /* Without a deadline: never expires. */
  g_clear_object (&timeout);
  timeout = g_object_new (ASYNC_SYNC_TYPE_TIMEOUT, NULL);
  g_assert_cmpint (async_sync_timeout_get_deadline (timeout), ==, G_MAXINT64);
  g_assert_false (async_sync_timeout_has_expired (timeout));
}

/* The op's callback records whether the lock is held there. */
static void
record_condition_locked (TestOp  *op,
                         GObject *source)
{
  op->locked_in_callback = async_sync_condition_is_locked (ASYNC_SYNC_CONDITION (source));
}

static void
test_timeout_grant_wins (void)
{
  TestRun *run = test_run_new (2, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  AsyncSyncTimeout *timeout = async_sync_timeout_new (LONG_TIMEOUT_MS);
  gpointer weak_lock = lock, weak_timeout = timeout;
  TestOp *a = test_run_op (run, 0);

  g_test_summary ("A grant before the deadline wins: the operation succeeds "
                  "and its deadline timer is disarmed, so that nothing keeps "
                  "the object or the timeout alive afterwards (with a "
                  "one-minute deadline, both are finalized at once).");

  g_object_add_weak_pointer (G_OBJECT (lock), &weak_lock);
  g_object_add_weak_pointer (G_OBJECT (timeout), &weak_timeout);
  g_assert_true (async_sync_lock_try_acquire (lock));
  a->cancellable = G_CANCELLABLE (timeout);
  async_sync_lock_acquire_async (lock, a->cancellable, test_op_callback, test_op_start (a));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 1);
  g_assert_true (async_sync_lock_release (lock, NULL));
  test_run_until_done (run, a);
  test_op_assert_ok (a);
  g_assert_true (async_sync_lock_is_locked (lock));
  g_assert_true (async_sync_lock_release (lock, NULL));

  a->cancellable = NULL;
  g_object_unref (timeout);
  g_object_unref (lock);
  test_run_drain (run);
  g_assert_null (weak_lock);
  g_assert_null (weak_timeout);

  test_run_free (run);
}

static void
test_timeout_grant_wins_deadline_passing (void)
{
  TestRun *run = test_run_new (1, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  AsyncSyncTimeout *timeout = async_sync_timeout_new (TIMEOUT_MS);
  TestOp *a = test_run_op (run, 0);

  g_test_summary ("Granted before the deadline, but the deadline passes "
                  "before its callback ran: the operation still succeeds "
                  "and owns the lock.");

  g_assert_true (async_sync_lock_try_acquire (lock));
  a->cancellable = G_CANCELLABLE (timeout);
  async_sync_lock_acquire_async (lock, a->cancellable, test_op_callback, test_op_start (a));
  g_assert_true (async_sync_lock_release (lock, NULL));
  test_run_until_timeout_passed (run, timeout);
  test_run_until_done (run, a);
  test_op_assert_ok (a);
  g_assert_true (async_sync_lock_is_locked (lock));
  g_assert_true (async_sync_lock_release (lock, NULL));

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_timeout_condition_notified_wins (void)
{
  TestRun *run = test_run_new (1, condition_wait_finish);
  AsyncSyncCondition *condition = async_sync_condition_new (NULL);
  AsyncSyncTimeout *timeout = async_sync_timeout_new (TIMEOUT_MS);
  TestOp *a = test_run_op (run, 0);

  g_test_summary ("A Condition wait notified before its deadline succeeds, "
                  "even if the deadline passes while it waits to get the "
                  "lock back.");

  g_assert_true (async_sync_condition_try_acquire (condition));
  a->cancellable = G_CANCELLABLE (timeout);
  a->then = record_condition_locked;
  async_sync_condition_wait_async (condition, a->cancellable, test_op_callback, test_op_start (a));
  g_assert_true (async_sync_condition_try_acquire (condition));
  g_assert_true (async_sync_condition_notify (condition, 1, NULL));

  test_run_until_timeout_passed (run, timeout);
  g_assert_false (a->done);
  g_assert_true (async_sync_condition_release (condition, NULL));
  test_run_until_done (run, a);
  test_op_assert_ok (a);
  g_assert_true (a->locked_in_callback);
  g_assert_true (async_sync_condition_release (condition, NULL));

  test_run_unref_and_assert_finalized (run, condition);
  test_run_free (run);
}

static void
test_timeout_condition_wait_reacquires (void)
{
  TestRun *run = test_run_new (1, condition_wait_finish);
  AsyncSyncCondition *condition = async_sync_condition_new (NULL);
  AsyncSyncLock *lock = async_sync_condition_get_lock (condition);
  AsyncSyncTimeout *timeout = async_sync_timeout_new (TIMEOUT_MS);
  TestOp *a = test_run_op (run, 0);

  g_test_summary ("A Condition wait whose deadline passes while another "
                  "holds the lock reports TIMED_OUT only once it holds the "
                  "lock again: it queues for the lock at the deadline.");

  g_assert_true (async_sync_condition_try_acquire (condition));
  a->cancellable = G_CANCELLABLE (timeout);
  a->then = record_condition_locked;
  async_sync_condition_wait_async (condition, a->cancellable, test_op_callback, test_op_start (a));
  g_assert_true (async_sync_condition_try_acquire (condition));
  g_assert_cmpuint (async_sync_condition_get_n_waiting (condition), ==, 1);

  test_run_until_timeout_passed (run, timeout);
  g_assert_cmpuint (async_sync_condition_get_n_waiting (condition), ==, 0);
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 1);
  g_assert_false (a->done);

  g_assert_true (async_sync_condition_release (condition, NULL));
  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (a->locked_in_callback);
  g_assert_true (async_sync_lock_is_locked (lock));
  g_assert_true (async_sync_condition_release (condition, NULL));

  test_run_unref_and_assert_finalized (run, condition);
  test_run_free (run);
}

static void
test_timeout_condition_wait_for_spans_wake_ups (void)
{
  TestRun *run = test_run_new (1, condition_wait_for_finish);
  AsyncSyncCondition *condition = async_sync_condition_new (NULL);
  AsyncSyncTimeout *timeout = async_sync_timeout_new (TIMEOUT_MS);
  TestOp *a = test_run_op (run, 0);
  guint n_calls = 0;

  g_test_summary ("A wait_for woken up with its predicate still false goes "
                  "back to waiting under the same deadline, then fails with "
                  "TIMED_OUT holding the lock.");

  g_assert_true (async_sync_condition_try_acquire (condition));
  a->cancellable = G_CANCELLABLE (timeout);
  a->then = record_condition_locked;
  async_sync_condition_wait_for_async (condition, never_true, &n_calls, NULL, a->cancellable,
                                       test_op_callback, test_op_start (a));
  g_assert_cmpuint (n_calls, ==, 1);

  g_assert_true (async_sync_condition_try_acquire (condition));
  g_assert_true (async_sync_condition_notify_all (condition, NULL));
  g_assert_true (async_sync_condition_release (condition, NULL));
  while (n_calls < 2 && !a->done)
    g_main_context_iteration (run->context, TRUE);

  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (async_sync_timeout_has_expired (timeout));
  g_assert_true (a->locked_in_callback);
  g_assert_cmpuint (async_sync_condition_get_n_waiting (condition), ==, 0);
  g_assert_true (async_sync_condition_release (condition, NULL));

  test_run_unref_and_assert_finalized (run, condition);
  test_run_free (run);
}

static void
test_timeout_cancelled (void)
{
  TestRun *run = test_run_new (2, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);

  g_test_summary ("Cancelling a timeout with g_cancellable_cancel() before "
                  "its deadline gives G_IO_ERROR_CANCELLED, queued or "
                  "already cancelled at the call.");

  g_assert_true (async_sync_lock_try_acquire (lock));
  a->cancellable = G_CANCELLABLE (async_sync_timeout_new (LONG_TIMEOUT_MS));
  async_sync_lock_acquire_async (lock, a->cancellable, test_op_callback, test_op_start (a));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 1);
  g_cancellable_cancel (a->cancellable);
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  b->cancellable = G_CANCELLABLE (async_sync_timeout_new (LONG_TIMEOUT_MS));
  g_cancellable_cancel (b->cancellable);
  async_sync_lock_acquire_async (lock, b->cancellable, test_op_callback, test_op_start (b));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  test_run_until_done (run, b);
  test_op_assert_error (b, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (async_sync_lock_release (lock, NULL));

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_timeout_cancel_before_deadline_noticed_after (void)
{
  TestRun *run = test_run_new (2, lock_acquire_finish);
  AsyncSyncCondition *condition = async_sync_condition_new (NULL);
  AsyncSyncLock *lock = async_sync_condition_get_lock (condition);
  AsyncSyncTimeout *timeout = async_sync_timeout_new (TIMEOUT_MS);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);

  g_test_summary ("A timeout cancelled by hand before its deadline reports "
                  "G_IO_ERROR_CANCELLED even where that is noticed after the "
                  "deadline: an operation started later, and a wait_for "
                  "whose predicate is checked again after it.");

  g_cancellable_cancel (G_CANCELLABLE (timeout));
  block_loop_until_expired (timeout);
  g_assert_true (async_sync_lock_try_acquire (lock));
  a->cancellable = g_object_ref (G_CANCELLABLE (timeout));
  async_sync_lock_acquire_async (lock, a->cancellable, test_op_callback, test_op_start (a));
  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (timeout);

  /* Notified (the cancellation then no longer applies), cancelled, and
   * its predicate checked again once the deadline has passed. */
  timeout = async_sync_timeout_new (TIMEOUT_MS);
  b->finish = condition_wait_for_finish;
  b->cancellable = G_CANCELLABLE (timeout);
  async_sync_condition_wait_for_async (condition, never_true, NULL, NULL, b->cancellable,
                                       test_op_callback, test_op_start (b));
  g_assert_true (async_sync_condition_try_acquire (condition));
  g_assert_true (async_sync_condition_notify_all (condition, NULL));
  g_cancellable_cancel (b->cancellable);
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 1);
  block_loop_until_expired (timeout);
  g_assert_true (async_sync_condition_release (condition, NULL));
  test_run_until_done (run, b);
  test_op_assert_error (b, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (async_sync_condition_release (condition, NULL));

  test_run_unref_and_assert_finalized (run, condition);
  test_run_free (run);
}

static gboolean
cancel_in_blocked_loop (gpointer data)
{
  AsyncSyncTimeout *timeout = data;

  block_loop_until_expired (timeout);
  g_cancellable_cancel (G_CANCELLABLE (timeout));

  return G_SOURCE_REMOVE;
}

static void
test_timeout_cancel_after_deadline (void)
{
  TestRun *run = test_run_new (2, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  AsyncSyncTimeout *timeout = async_sync_timeout_new (TIMEOUT_MS);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);

  g_test_summary ("A timeout cancelled by hand after its deadline passed "
                  "reports G_IO_ERROR_TIMED_OUT: for an operation queued "
                  "while the loop was blocked past the deadline, and for one "
                  "started afterwards.");

  g_assert_true (async_sync_lock_try_acquire (lock));
  a->cancellable = g_object_ref (G_CANCELLABLE (timeout));
  async_sync_lock_acquire_async (lock, a->cancellable, test_op_callback, test_op_start (a));
  test_run_in_source (run, cancel_in_blocked_loop, timeout);
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  b->cancellable = G_CANCELLABLE (timeout);
  async_sync_lock_acquire_async (lock, b->cancellable, test_op_callback, test_op_start (b));
  test_run_until_done (run, b);
  test_op_assert_error (b, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (async_sync_lock_release (lock, NULL));

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_timeout_bounds_sequence (void)
{
  TestRun *run = test_run_new (3, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (0);
  AsyncSyncTimeout *timeout = async_sync_timeout_new (200);
  gint64 deadline = async_sync_timeout_get_deadline (timeout);
  TestOp *first = test_run_op (run, 0);
  TestOp *second = test_run_op (run, 1);
  TestOp *third = test_run_op (run, 2);

  g_test_summary ("One timeout bounds successive operations with one "
                  "absolute deadline: the first is granted in time, the "
                  "second times out at the same deadline, a third started "
                  "afterwards fails at once.");

  g_assert_true (async_sync_lock_try_acquire (lock));
  first->cancellable = g_object_ref (G_CANCELLABLE (timeout));
  async_sync_lock_acquire_async (lock, first->cancellable, test_op_callback, test_op_start (first));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 1);
  g_assert_true (async_sync_lock_release (lock, NULL));
  test_run_until_done (run, first);
  test_op_assert_ok (first);

  second->finish = semaphore_acquire_finish;
  second->cancellable = g_object_ref (G_CANCELLABLE (timeout));
  async_sync_semaphore_acquire_async (semaphore, second->cancellable, test_op_callback, test_op_start (second));
  test_run_until_done (run, second);
  test_op_assert_error (second, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time (), >=, deadline);
  g_assert_cmpint (async_sync_timeout_get_deadline (timeout), ==, deadline);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (semaphore), ==, 0);

  /* The lock is held (by first): third would queue, but it is too late. */
  third->cancellable = g_object_ref (G_CANCELLABLE (timeout));
  async_sync_lock_acquire_async (lock, third->cancellable, test_op_callback, test_op_start (third));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  test_run_until_done (run, third);
  test_op_assert_error (third, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (async_sync_lock_release (lock, NULL));

  g_object_unref (timeout);
  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_timeout_head_serves_those_behind (void)
{
  TestRun *run = test_run_new (2, semaphore_acquire_many_finish);
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (1);
  AsyncSyncRWLock *lock;
  TestOp *big = test_run_op (run, 0);
  TestOp *small = test_run_op (run, 1);

  g_test_summary ("A request at the head that times out lets those behind "
                  "it in, as a cancellation does: a weighted semaphore "
                  "request, and a writer holding back readers.");

  big->cancellable = G_CANCELLABLE (async_sync_timeout_new (TIMEOUT_MS));
  async_sync_semaphore_acquire_many_async (semaphore, 3, big->cancellable, test_op_callback, test_op_start (big));
  async_sync_semaphore_acquire_many_async (semaphore, 1, NULL, test_op_callback, test_op_start (small));
  test_run_until_n_done (run, 2);
  test_run_assert_order (run, 2, 0, 1);
  test_op_assert_error (big, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  test_op_assert_ok (small);
  g_assert_cmpuint (async_sync_semaphore_get_value (semaphore), ==, 0);
  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_free (run);

  run = test_run_new (2, rw_lock_write_finish);
  lock = async_sync_rw_lock_new ();
  big = test_run_op (run, 0);
  small = test_run_op (run, 1);
  small->finish = rw_lock_read_finish;
  g_assert_true (async_sync_rw_lock_try_read_acquire (lock));
  big->cancellable = G_CANCELLABLE (async_sync_timeout_new (TIMEOUT_MS));
  async_sync_rw_lock_write_acquire_async (lock, big->cancellable, test_op_callback, test_op_start (big));
  async_sync_rw_lock_read_acquire_async (lock, NULL, test_op_callback, test_op_start (small));
  g_assert_cmpuint (async_sync_rw_lock_get_n_readers (lock), ==, 1);
  test_run_until_n_done (run, 2);
  test_run_assert_order (run, 2, 0, 1);
  test_op_assert_error (big, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  test_op_assert_ok (small);
  g_assert_cmpuint (async_sync_rw_lock_get_n_readers (lock), ==, 2);
  g_assert_true (async_sync_rw_lock_read_release (lock, NULL));
  g_assert_true (async_sync_rw_lock_read_release (lock, NULL));
  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
test_timeout_expired_takes_nothing (void)
{
  TestRun *run = test_run_new (7, lock_acquire_finish);
  AsyncSyncTimeout *expired = async_sync_timeout_new_at (0);
  AsyncSyncLock *lock = async_sync_lock_new ();
  AsyncSyncSemaphore *semaphore = async_sync_semaphore_new (1);
  AsyncSyncEvent *event = async_sync_event_new ();
  AsyncSyncBarrier *barrier = async_sync_barrier_new (1);
  AsyncSyncQueue *queue = async_sync_queue_new (G_TYPE_OBJECT, 0);
  AsyncSyncRWLock *rw_lock = async_sync_rw_lock_new ();
  g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) got = NULL;
  guint i;

  g_test_summary ("An expired timeout fails the operation with TIMED_OUT "
                  "even where it could have succeeded at once, taking or "
                  "inserting nothing: free lock, semaphore permit, set "
                  "event, one-party barrier, queue put and get, free "
                  "read-write lock.");

  for (i = 0; i < 7; i++)
    test_run_op (run, i)->cancellable = g_object_ref (G_CANCELLABLE (expired));

  async_sync_lock_acquire_async (lock, G_CANCELLABLE (expired), test_op_callback, test_op_start (test_run_op (run, 0)));
  test_run_op (run, 1)->finish = semaphore_acquire_finish;
  async_sync_semaphore_acquire_async (semaphore, G_CANCELLABLE (expired), test_op_callback, test_op_start (test_run_op (run, 1)));
  async_sync_event_set (event);
  test_run_op (run, 2)->finish = event_wait_finish;
  async_sync_event_wait_async (event, G_CANCELLABLE (expired), test_op_callback, test_op_start (test_run_op (run, 2)));
  test_run_op (run, 3)->finish = barrier_wait_finish;
  async_sync_barrier_wait_async (barrier, G_CANCELLABLE (expired), test_op_callback, test_op_start (test_run_op (run, 3)));
  test_run_op (run, 4)->finish = queue_put_finish;
  async_sync_queue_put_async (queue, item, G_CANCELLABLE (expired), test_op_callback, test_op_start (test_run_op (run, 4)));
  g_assert_true (async_sync_queue_is_empty (queue));
  g_assert_true (async_sync_queue_try_put (queue, item, NULL));
  test_run_op (run, 5)->finish = queue_get_finish;
  async_sync_queue_get_async (queue, G_CANCELLABLE (expired), test_op_callback, test_op_start (test_run_op (run, 5)));
  test_run_op (run, 6)->finish = rw_lock_read_finish;
  async_sync_rw_lock_read_acquire_async (rw_lock, G_CANCELLABLE (expired), test_op_callback, test_op_start (test_run_op (run, 6)));

  g_assert_false (async_sync_lock_is_locked (lock));
  g_assert_cmpuint (async_sync_semaphore_get_value (semaphore), ==, 1);
  g_assert_cmpuint (async_sync_queue_get_length (queue), ==, 1);
  g_assert_cmpuint (async_sync_rw_lock_get_n_readers (rw_lock), ==, 0);
  g_assert_cmpuint (run->n_done, ==, 0);

  test_run_until_n_done (run, 7);
  test_run_assert_order_range (run, 0, 6);
  for (i = 0; i < 7; i++)
    test_op_assert_error (test_run_op (run, i), G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  g_assert_false (async_sync_lock_is_locked (lock));
  g_assert_cmpuint (async_sync_semaphore_get_value (semaphore), ==, 1);
  g_assert_true (async_sync_event_is_set (event));
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
  got = async_sync_queue_try_get (queue, NULL);
  g_assert_true (got == item);
  g_assert_true (async_sync_queue_is_empty (queue));
  g_assert_cmpuint (async_sync_rw_lock_get_n_readers (rw_lock), ==, 0);

  g_object_unref (expired);
  test_run_unref_and_assert_finalized (run, rw_lock);
  test_run_unref_and_assert_finalized (run, queue);
  test_run_unref_and_assert_finalized (run, barrier);
  test_run_unref_and_assert_finalized (run, event);
  test_run_unref_and_assert_finalized (run, semaphore);
  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

/* Blocking calls in a worker thread: the deadline timer runs on the
 * blocking call's private context. */
typedef struct
{
  AsyncSyncLock      *lock;
  AsyncSyncCondition *condition;
  AsyncSyncQueue     *queue;
} Blocking;

static gpointer
blocking_thread (gpointer data)
{
  Blocking *blocking = data;
  g_autoptr(AsyncSyncTimeout) timeout = async_sync_timeout_new (TIMEOUT_MS);
  g_autoptr(AsyncSyncTimeout) timeout2 = NULL;
  g_autoptr(AsyncSyncTimeout) timeout3 = NULL;
  GError *error = NULL;

  g_assert_false (async_sync_lock_acquire (blocking->lock, G_CANCELLABLE (timeout), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (async_sync_timeout_has_expired (timeout));
  g_clear_error (&error);

  g_assert_true (async_sync_condition_acquire (blocking->condition, NULL, &error));
  timeout2 = async_sync_timeout_new (TIMEOUT_MS);
  g_assert_false (async_sync_condition_wait (blocking->condition, G_CANCELLABLE (timeout2), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (async_sync_timeout_has_expired (timeout2));
  g_assert_true (async_sync_condition_is_locked (blocking->condition));
  g_assert_true (async_sync_condition_release (blocking->condition, NULL));
  g_clear_error (&error);

  timeout3 = async_sync_timeout_new (TIMEOUT_MS);
  g_assert_null (async_sync_queue_get (blocking->queue, G_CANCELLABLE (timeout3), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (async_sync_timeout_has_expired (timeout3));
  g_clear_error (&error);

  return NULL;
}

static void
test_timeout_blocking (void)
{
  TestRun *run = test_run_new (0, lock_acquire_finish);
  Blocking blocking = {
    async_sync_lock_new (), async_sync_condition_new (NULL),
    async_sync_queue_new (G_TYPE_OBJECT, 0),
  };
  GThread *thread;

  g_test_summary ("Blocking calls in a worker thread time out with "
                  "TIMED_OUT while this thread does not iterate any "
                  "context: lock acquire, Condition wait (the lock held "
                  "again on return), queue get.");

  g_assert_true (async_sync_lock_try_acquire (blocking.lock));
  thread = g_thread_new ("blocking", blocking_thread, &blocking);
  g_thread_join (thread);
  g_assert_true (async_sync_lock_is_locked (blocking.lock));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (blocking.lock), ==, 0);
  g_assert_true (async_sync_lock_release (blocking.lock, NULL));
  g_assert_false (async_sync_condition_is_locked (blocking.condition));

  test_run_unref_and_assert_finalized (run, blocking.queue);
  test_run_unref_and_assert_finalized (run, blocking.condition);
  test_run_unref_and_assert_finalized (run, blocking.lock);
  test_run_free (run);
}

static gpointer
async_in_thread (gpointer data)
{
  TestRun *run = test_run_new (1, lock_acquire_finish);
  TestOp *op = test_run_op (run, 0);

  op->cancellable = G_CANCELLABLE (async_sync_timeout_new (TIMEOUT_MS));
  async_sync_lock_acquire_async (data, op->cancellable, test_op_callback, test_op_start (op));
  test_run_until_done (run, op);
  test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (async_sync_timeout_has_expired (ASYNC_SYNC_TIMEOUT (op->cancellable)));
  test_run_free (run);

  return NULL;
}

static void
test_timeout_thread_context (void)
{
  TestRun *run = test_run_new (0, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  GThread *thread;

  g_test_summary ("The deadline timer runs on the context of the waiting "
                  "call: an acquire_async made from another thread's "
                  "context times out there, the lock's home context never "
                  "iterated.");

  g_assert_true (async_sync_lock_try_acquire (lock));
  thread = g_thread_new ("async", async_in_thread, lock);
  g_thread_join (thread);
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
  g_assert_true (async_sync_lock_release (lock, NULL));

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

/* Releases the lock from another thread as soon as the deadline passed,
 * racing the waiter's deadline timer. */
typedef struct
{
  AsyncSyncLock    *lock;
  AsyncSyncTimeout *timeout;
} RaceRelease;

static gpointer
release_at_deadline_thread (gpointer data)
{
  RaceRelease *race = data;

  while (!async_sync_timeout_has_expired (race->timeout))
    g_thread_yield ();
  g_assert_true (async_sync_lock_release (race->lock, NULL));

  return NULL;
}

#define N_RACES 100

static void
test_timeout_races_release (void)
{
  TestRun *run = test_run_new (N_RACES, lock_acquire_finish);
  AsyncSyncLock *lock = async_sync_lock_new ();
  guint k, n_granted = 0;

  g_test_summary ("A release made by another thread right at the deadline "
                  "races the deadline timer: either the acquisition "
                  "succeeds and owns the lock, or it fails with TIMED_OUT "
                  "and the lock ends up free, never both or neither.");

  for (k = 0; k < N_RACES; k++)
    {
      TestOp *op = test_run_op (run, k);
      RaceRelease race;
      GThread *thread;

      g_assert_true (async_sync_lock_try_acquire (lock));
      op->cancellable = G_CANCELLABLE (async_sync_timeout_new (1));
      race.lock = lock;
      race.timeout = ASYNC_SYNC_TIMEOUT (op->cancellable);
      async_sync_lock_acquire_async (lock, op->cancellable, test_op_callback, test_op_start (op));
      thread = g_thread_new ("release", release_at_deadline_thread, &race);
      test_run_until_done (run, op);
      g_thread_join (thread);
      test_run_drain (run);

      g_assert_cmpuint (async_sync_lock_get_n_waiting (lock), ==, 0);
      if (op->ok)
        {
          n_granted++;
          g_assert_true (async_sync_lock_is_locked (lock));
          g_assert_true (async_sync_lock_release (lock, NULL));
        }
      else
        {
          test_op_assert_error (op, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
          g_assert_false (async_sync_lock_is_locked (lock));
        }
    }
  g_test_message ("%u of %u granted before the timer fired", n_granted, N_RACES);

  test_run_unref_and_assert_finalized (run, lock);
  test_run_free (run);
}

static void
start_barrier_wait (AsyncSyncBarrier *barrier,
                    TestOp           *op)
{
  async_sync_barrier_wait_async (barrier, op->cancellable, test_op_callback, test_op_start (op));
}

static void
test_timeout_barrier_held_arrival (void)
{
  TestRun *run = test_run_new (5, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  TestOp *c = test_run_op (run, 2);
  guint i;

  g_test_summary ("A barrier arrival held while a cycle drains keeps its "
                  "deadline when it joins the next cycle: it times out "
                  "there and leaves the count.");

  start_barrier_wait (barrier, test_run_op (run, 0));
  start_barrier_wait (barrier, test_run_op (run, 1));
  c->cancellable = G_CANCELLABLE (async_sync_timeout_new (TIMEOUT_MS));
  start_barrier_wait (barrier, c);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);

  test_run_until_n_done (run, 2);
  test_op_assert_ok (test_run_op (run, 0));
  test_op_assert_ok (test_run_op (run, 1));
  g_assert_true (async_sync_barrier_get_n_waiting (barrier) == 1 || c->done);

  test_run_until_done (run, c);
  test_op_assert_error (c, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);

  start_barrier_wait (barrier, test_run_op (run, 3));
  test_run_drain (run);
  g_assert_false (test_run_op (run, 3)->done);
  start_barrier_wait (barrier, test_run_op (run, 4));
  test_run_until_n_done (run, 5);
  for (i = 3; i < 5; i++)
    test_op_assert_ok (test_run_op (run, i));

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_timeout_criticals (void)
{
  g_test_summary ("NULL or wrong-type arguments log a critical and return.");

  if (g_test_subprocess ())
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();

      test_trap_criticals_nonfatal ();
      g_assert_cmpint (async_sync_timeout_get_deadline (NULL), ==, 0);
      g_assert_false (async_sync_timeout_has_expired ((AsyncSyncTimeout *) cancellable));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*async_sync_timeout_get_deadline*ASYNC_SYNC_IS_TIMEOUT (self)*"
                             "*CRITICAL*async_sync_timeout_has_expired*ASYNC_SYNC_IS_TIMEOUT (self)*");
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Timeout/properties/deadline-and-has-expired", test_timeout_properties);
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree gchar *timed_out = g_strdup_printf ("/AsyncSync/Timeout/timed-out/%s", cases[i].name);
      g_autofree gchar *expired = g_strdup_printf ("/AsyncSync/Timeout/expired/%s", cases[i].name);
      g_autofree gchar *refused = g_strdup_printf ("/AsyncSync/Timeout/blocked-loop/never-granted-after-deadline/%s",
                                                   cases[i].name);

      g_test_add_data_func (timed_out, &cases[i], test_timeout_timed_out);
      g_test_add_data_func (expired, &cases[i], test_timeout_expired);
      g_test_add_data_func (refused, &cases[i], test_timeout_refused_in_blocked_loop);
    }
  g_test_add_func ("/AsyncSync/Timeout/expired/could-succeed-takes-nothing", test_timeout_expired_takes_nothing);
  g_test_add_func ("/AsyncSync/Timeout/grant-wins/timer-disarmed-nothing-kept-alive", test_timeout_grant_wins);
  g_test_add_func ("/AsyncSync/Timeout/grant-wins/deadline-passing-after-grant", test_timeout_grant_wins_deadline_passing);
  g_test_add_func ("/AsyncSync/Timeout/grant-wins/condition-notified-before-deadline", test_timeout_condition_notified_wins);
  g_test_add_func ("/AsyncSync/Timeout/condition/wait-reports-with-lock-held", test_timeout_condition_wait_reacquires);
  g_test_add_func ("/AsyncSync/Timeout/condition/wait-for-deadline-spans-wake-ups", test_timeout_condition_wait_for_spans_wake_ups);
  g_test_add_func ("/AsyncSync/Timeout/cancel/cancelling-the-timeout-gives-cancelled", test_timeout_cancelled);
  g_test_add_func ("/AsyncSync/Timeout/cancel/before-deadline-is-cancelled-even-noticed-after-it",
                   test_timeout_cancel_before_deadline_noticed_after);
  g_test_add_func ("/AsyncSync/Timeout/cancel/after-deadline-is-timed-out", test_timeout_cancel_after_deadline);
  g_test_add_func ("/AsyncSync/Timeout/sequence/one-timeout-bounds-successive-operations", test_timeout_bounds_sequence);
  g_test_add_func ("/AsyncSync/Timeout/queue-rule/timed-out-head-serves-those-behind", test_timeout_head_serves_those_behind);
  g_test_add_func ("/AsyncSync/Timeout/blocking/worker-calls-time-out", test_timeout_blocking);
  g_test_add_func ("/AsyncSync/Timeout/threads/timer-on-the-waiting-context", test_timeout_thread_context);
  g_test_add_func ("/AsyncSync/Timeout/threads/release-racing-the-deadline", test_timeout_races_release);
  g_test_add_func ("/AsyncSync/Timeout/barrier/held-arrival-keeps-its-deadline", test_timeout_barrier_held_arrival);
  g_test_add_func ("/AsyncSync/Timeout/criticals/null-and-wrong-type-arguments", test_timeout_criticals);

  return g_test_run ();
}
