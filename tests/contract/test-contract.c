/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The contract every waiting call keeps, whatever its class: grants in call
 * order without barging, no callback inside an API call, waiters keep their
 * object alive (and an object whose home context never runs again is
 * freed), cancellation while queued (also through an AsyncSyncTimeout) and
 * after a grant (the grant wins), 10,000 waiters cancelled last-first, the
 * blocking form granted and cancelled from another thread, criticals for a
 * bad object, cancellable or result, and a dispatcher that yields to the
 * rest of the main loop.  The Error domain is tested here too: every class
 * reports through it.
 *
 * Each waiting call is one row of `rows[]` below (a Contract: how to make
 * an object it waits on, how to start it, how to let it through); each rule
 * is one test function, run once per row as /AsyncSync/Contract/RULE/ROW.
 * The class files (tests/unit/) keep only the rules of their own class.
 */

#include "async-sync-test-harness.h"

#define N_CANCEL   10000
#define N_DISPATCH 10000

/* The dispatcher's documented bounds (see the "Contexts and threads"
 * chapter of the manual): at most BATCH_MAX completions per turn, and at
 * least BATCH_MIN (it reads the clock only every BATCH_MIN completions). */
#define BATCH_MAX 1024
#define BATCH_MIN 32

/* Starts a row's `_async` call on @object (cast, not checked: the criticals
 * test passes NULL and objects of another class). */
typedef void (*ContractStartFunc) (gpointer             object,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
typedef gboolean (*ContractBlockingFunc) (gpointer       object,
                                          GCancellable  *cancellable,
                                          GError       **error);
typedef GObject *(*ContractMakeFunc) (guint n_waiters);
typedef void (*ContractObjectFunc) (gpointer object);
typedef gboolean (*ContractTryFunc) (gpointer object);

/*
 * Contract:
 * @name: the last component of the test paths
 * @make: a new object on which the call waits, for up to @n_waiters calls
 * @start: the `_async` call
 * @finish: its `_finish`
 * @blocking: its blocking form
 * @grant: lets the head waiter through (every waiter, if @wakes_all)
 * @wakes_all: whether @grant lets every queued waiter through at once
 * @make_free: puts the object in a state where the next call is granted
 *   at once; %NULL if there is none (a Condition wait always waits)
 * @try_take: the call that takes without waiting; it must fail while
 *   waiters are queued or a grant is on its way to one; %NULL if none
 * @n_waiting: how many calls are queued; %NULL if the class does not say
 * @then: runs in each callback, granted or failed (a Condition wait
 *   returns holding the lock, which the test releases there)
 * @property: the property that @make_free changes; %NULL if none
 */
typedef struct
{
  const gchar         *name;
  ContractMakeFunc     make;
  ContractStartFunc    start;
  TestFinishFunc       finish;
  ContractBlockingFunc blocking;
  ContractObjectFunc   grant;
  gboolean             wakes_all;
  ContractObjectFunc   make_free;
  ContractTryFunc      try_take;
  TestCountFunc        n_waiting;
  TestOpFunc           then;
  const gchar         *property;
} Contract;

/* ---- Lock ---- */

static GObject *
lock_make (guint n_waiters)
{
  AsyncSyncLock *lock = async_sync_lock_new ();

  g_assert_true (async_sync_lock_try_acquire (lock));
  return G_OBJECT (lock);
}

static gboolean
lock_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_lock_acquire_finish ((AsyncSyncLock *) source, result, error);
}

static void
lock_release (gpointer object)
{
  g_assert_true (async_sync_lock_release (object, NULL));
}

/* ---- Event ---- */

static GObject *
event_make (guint n_waiters)
{
  return G_OBJECT (async_sync_event_new ());
}

static gboolean
event_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_event_wait_finish ((AsyncSyncEvent *) source, result, error);
}

/* ---- Condition: acquire is a Lock's; wait waits for notify ---- */

static GObject *
condition_make_locked (guint n_waiters)
{
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);

  g_assert_true (async_sync_condition_try_acquire (cond));
  return G_OBJECT (cond);
}

static gboolean
condition_acquire_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_condition_acquire_finish ((AsyncSyncCondition *) source, result, error);
}

static void
condition_release (gpointer object)
{
  g_assert_true (async_sync_condition_release (object, NULL));
}

static GObject *
condition_make (guint n_waiters)
{
  return G_OBJECT (async_sync_condition_new (NULL));
}

/* `async with cond: await cond.wait()`: takes the free lock, then waits. */
static void
condition_wait_start (gpointer             object,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  if (ASYNC_SYNC_IS_CONDITION (object))
    g_assert_true (async_sync_condition_try_acquire (object));
  async_sync_condition_wait_async (object, cancellable, callback, user_data);
}

static gboolean
condition_wait_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_condition_wait_finish ((AsyncSyncCondition *) source, result, error);
}

static gboolean
condition_wait_blocking (gpointer       object,
                         GCancellable  *cancellable,
                         GError       **error)
{
  gboolean ok;

  if (!async_sync_condition_acquire (object, NULL, error))
    return FALSE;
  ok = async_sync_condition_wait (object, cancellable, error);
  condition_release (object);

  return ok;
}

static void
condition_notify_one (gpointer object)
{
  g_assert_true (async_sync_condition_try_acquire (object));
  g_assert_true (async_sync_condition_notify (object, 1, NULL));
  condition_release (object);
}

/* A wait ends holding the lock, granted or failed. */
static void
condition_release_in_callback (TestOp  *op,
                               GObject *source)
{
  op->run->in_api = TRUE;
  condition_release (source);
  op->run->in_api = FALSE;
}

/* ---- Semaphore, BoundedSemaphore, weighted acquire ---- */

static GObject *
semaphore_make (guint n_waiters)
{
  return G_OBJECT (async_sync_semaphore_new (0));
}

static GObject *
bounded_semaphore_make (guint n_waiters)
{
  AsyncSyncBoundedSemaphore *sem = async_sync_bounded_semaphore_new (1);

  g_assert_true (async_sync_semaphore_try_acquire (ASYNC_SYNC_SEMAPHORE (sem)));
  return G_OBJECT (sem);
}

static gboolean
semaphore_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_semaphore_acquire_finish ((AsyncSyncSemaphore *) source, result, error);
}

static void
semaphore_release (gpointer object)
{
  g_assert_true (async_sync_semaphore_release (object, NULL));
}

#define WEIGHT 2

static void
semaphore_acquire_two_start (gpointer             object,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  async_sync_semaphore_acquire_many_async (object, WEIGHT, cancellable, callback, user_data);
}

static gboolean
semaphore_acquire_two_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_semaphore_acquire_many_finish ((AsyncSyncSemaphore *) source, result, error);
}

static gboolean
semaphore_acquire_two (gpointer object, GCancellable *cancellable, GError **error)
{
  return async_sync_semaphore_acquire_many (object, WEIGHT, cancellable, error);
}

static gboolean
semaphore_try_acquire_two (gpointer object)
{
  return async_sync_semaphore_try_acquire_many (object, WEIGHT);
}

static void
semaphore_release_two (gpointer object)
{
  g_assert_true (async_sync_semaphore_release_many (object, WEIGHT, NULL));
}

/* ---- Barrier: the waiters are parties; one more arrival releases them ---- */

static GObject *
barrier_make (guint n_waiters)
{
  return G_OBJECT (async_sync_barrier_new (n_waiters + 1));
}

static gboolean
barrier_finish (GObject *source, GAsyncResult *result, GError **error)
{
  guint index = G_MAXUINT;
  gboolean ok;

  ok = async_sync_barrier_wait_finish ((AsyncSyncBarrier *) source, result, &index, error);
  g_assert_true (ok == (index != G_MAXUINT));

  return ok;
}

static gboolean
barrier_wait (gpointer object, GCancellable *cancellable, GError **error)
{
  return async_sync_barrier_wait (object, cancellable, NULL, error);
}

static void
barrier_arrival_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_assert_true (async_sync_barrier_wait_finish (ASYNC_SYNC_BARRIER (source), result, NULL, NULL));
}

/* The parties still missing arrive: the waiting ones are released. */
static void
barrier_fill (gpointer object)
{
  guint missing = async_sync_barrier_get_parties (object) - async_sync_barrier_get_n_waiting (object);

  while (missing-- > 0)
    async_sync_barrier_wait_async (object, NULL, barrier_arrival_cb, NULL);
}

static void
barrier_start (gpointer             object,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  async_sync_barrier_wait_async (object, cancellable, callback, user_data);
}

/* ---- Queue: get waits for an item, put for room, join for task_done ---- */

static GObject *
queue_make_empty (guint n_waiters)
{
  return G_OBJECT (async_sync_queue_new (G_TYPE_OBJECT, 0));
}

static void
queue_put_new_item (gpointer object)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);

  g_assert_true (async_sync_queue_try_put (object, item, NULL));
  g_object_unref (item);
}

static void
queue_get_and_drop (gpointer object)
{
  GObject *item = async_sync_queue_try_get (object, NULL);

  g_assert_nonnull (item);
  g_object_unref (item);
}

static gboolean
queue_try_get_and_drop (gpointer object)
{
  GObject *item = async_sync_queue_try_get (object, NULL);
  gboolean ok = item != NULL;

  g_clear_object (&item);
  return ok;
}

static gboolean
queue_get_finish (GObject *source, GAsyncResult *result, GError **error)
{
  GObject *item = async_sync_queue_get_finish ((AsyncSyncQueue *) source, result, error);
  gboolean ok = item != NULL;

  g_clear_object (&item);
  return ok;
}

static gboolean
queue_get_blocking (gpointer object, GCancellable *cancellable, GError **error)
{
  GObject *item = async_sync_queue_get (object, cancellable, error);
  gboolean ok = item != NULL;

  g_clear_object (&item);
  return ok;
}

static GObject *
queue_make_full (guint n_waiters)
{
  GObject *queue = G_OBJECT (async_sync_queue_new (G_TYPE_OBJECT, 1));

  queue_put_new_item (queue);
  return queue;
}

static void
queue_put_start (gpointer             object,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);

  async_sync_queue_put_async (object, item, cancellable, callback, user_data);
  g_object_unref (item);
}

static gboolean
queue_put_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_queue_put_finish ((AsyncSyncQueue *) source, result, error);
}

static gboolean
queue_put_blocking (gpointer object, GCancellable *cancellable, GError **error)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);
  gboolean ok = async_sync_queue_put (object, item, cancellable, error);

  g_object_unref (item);
  return ok;
}

static gboolean
queue_try_put_new_item (gpointer object)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);
  gboolean ok = async_sync_queue_try_put (object, item, NULL);

  g_object_unref (item);
  return ok;
}

/* One item put and taken, not yet marked done: join waits. */
static GObject *
queue_make_unfinished (guint n_waiters)
{
  GObject *queue = queue_make_empty (n_waiters);

  queue_put_new_item (queue);
  queue_get_and_drop (queue);
  return queue;
}

static void
queue_task_done (gpointer object)
{
  g_assert_true (async_sync_queue_task_done (object, NULL));
}

/* Marks every item done: a join is granted at once. */
static void
queue_task_done_all (gpointer object)
{
  while (async_sync_queue_task_done (object, NULL))
    ;
}

static gboolean
queue_join_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_queue_join_finish ((AsyncSyncQueue *) source, result, error);
}

/* ---- RWLock: readers and writers queue behind a writer ---- */

static GObject *
rw_lock_make (guint n_waiters)
{
  AsyncSyncRWLock *lock = async_sync_rw_lock_new ();

  g_assert_true (async_sync_rw_lock_try_write_acquire (lock));
  return G_OBJECT (lock);
}

static void
rw_lock_write_release (gpointer object)
{
  g_assert_true (async_sync_rw_lock_write_release (object, NULL));
}

/* Readers, once admitted, share the lock: only a writer is released. */
static void
rw_lock_release_writer (gpointer object)
{
  if (async_sync_rw_lock_is_write_locked (object))
    rw_lock_write_release (object);
}

static gboolean
rw_lock_read_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_rw_lock_read_acquire_finish ((AsyncSyncRWLock *) source, result, error);
}

static gboolean
rw_lock_write_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return async_sync_rw_lock_write_acquire_finish ((AsyncSyncRWLock *) source, result, error);
}

#define START(f) ((ContractStartFunc) (void (*) (void)) (f))
#define BLOCKING(f) ((ContractBlockingFunc) (void (*) (void)) (f))
#define TRY(f) ((ContractTryFunc) (void (*) (void)) (f))
#define OBJECT_FUNC(f) ((ContractObjectFunc) (void (*) (void)) (f))
#define COUNT(f) ((TestCountFunc) (void (*) (void)) (f))

static const Contract rows[] = {
  { "lock-acquire", lock_make,
    START (async_sync_lock_acquire_async), lock_finish, BLOCKING (async_sync_lock_acquire),
    lock_release, FALSE, lock_release,
    TRY (async_sync_lock_try_acquire), COUNT (async_sync_lock_get_n_waiting), NULL, "locked" },
  { "event-wait", event_make,
    START (async_sync_event_wait_async), event_finish, BLOCKING (async_sync_event_wait),
    OBJECT_FUNC (async_sync_event_set), TRUE, OBJECT_FUNC (async_sync_event_set),
    NULL, COUNT (async_sync_event_get_n_waiting), NULL, "is-set" },
  { "condition-acquire", condition_make_locked,
    START (async_sync_condition_acquire_async), condition_acquire_finish,
    BLOCKING (async_sync_condition_acquire),
    condition_release, FALSE, condition_release,
    TRY (async_sync_condition_try_acquire), NULL, NULL, NULL },
  { "condition-wait", condition_make,
    condition_wait_start, condition_wait_finish, condition_wait_blocking,
    condition_notify_one, FALSE, NULL,
    NULL, COUNT (async_sync_condition_get_n_waiting), condition_release_in_callback, NULL },
  { "semaphore-acquire", semaphore_make,
    START (async_sync_semaphore_acquire_async), semaphore_finish,
    BLOCKING (async_sync_semaphore_acquire),
    semaphore_release, FALSE, semaphore_release,
    TRY (async_sync_semaphore_try_acquire), COUNT (async_sync_semaphore_get_n_waiting), NULL, "value" },
  { "bounded-semaphore-acquire", bounded_semaphore_make,
    START (async_sync_semaphore_acquire_async), semaphore_finish,
    BLOCKING (async_sync_semaphore_acquire),
    semaphore_release, FALSE, semaphore_release,
    TRY (async_sync_semaphore_try_acquire), COUNT (async_sync_semaphore_get_n_waiting), NULL, "value" },
  { "semaphore-acquire-many", semaphore_make,
    semaphore_acquire_two_start, semaphore_acquire_two_finish, semaphore_acquire_two,
    semaphore_release_two, FALSE, semaphore_release_two,
    semaphore_try_acquire_two, COUNT (async_sync_semaphore_get_n_waiting), NULL, "value" },
  { "barrier-wait", barrier_make,
    barrier_start, barrier_finish, barrier_wait,
    barrier_fill, TRUE, NULL,
    NULL, COUNT (async_sync_barrier_get_n_waiting), NULL, NULL },
  { "queue-get", queue_make_empty,
    START (async_sync_queue_get_async), queue_get_finish, queue_get_blocking,
    queue_put_new_item, FALSE, queue_put_new_item,
    queue_try_get_and_drop, NULL, NULL, "length" },
  { "queue-put", queue_make_full,
    queue_put_start, queue_put_finish, queue_put_blocking,
    queue_get_and_drop, FALSE, queue_get_and_drop,
    queue_try_put_new_item, NULL, NULL, "length" },
  { "queue-join", queue_make_unfinished,
    START (async_sync_queue_join_async), queue_join_finish, BLOCKING (async_sync_queue_join),
    queue_task_done, TRUE, queue_task_done_all,
    NULL, NULL, NULL, NULL },
  { "rw-lock-read", rw_lock_make,
    START (async_sync_rw_lock_read_acquire_async), rw_lock_read_finish,
    BLOCKING (async_sync_rw_lock_read_acquire),
    rw_lock_release_writer, TRUE, rw_lock_release_writer,
    NULL, COUNT (async_sync_rw_lock_get_n_waiting), NULL, "write-locked" },
  { "rw-lock-write", rw_lock_make,
    START (async_sync_rw_lock_write_acquire_async), rw_lock_write_finish,
    BLOCKING (async_sync_rw_lock_write_acquire),
    rw_lock_write_release, FALSE, rw_lock_write_release,
    TRY (async_sync_rw_lock_try_write_acquire), COUNT (async_sync_rw_lock_get_n_waiting), NULL, "write-locked" },
};

/* ---- helpers ---- */

static TestRun *
contract_run_new (const Contract *row,
                  guint           n_ops)
{
  TestRun *run = test_run_new (n_ops, row->finish);
  guint i;

  for (i = 0; i < n_ops; i++)
    test_run_op (run, i)->then = row->then;

  return run;
}

static void
contract_start (const Contract *row,
                gpointer        object,
                TestOp         *op)
{
  row->start (object, op->cancellable, test_op_callback, test_op_start (op));
}

/* Checks the queue length, where the class tells it. */
static void
assert_n_waiting (const Contract *row,
                  gpointer        object,
                  guint           n)
{
  if (row->n_waiting != NULL)
    g_assert_cmpuint (row->n_waiting (object), ==, n);
}

/* Grants, one by one (or all at once), until @n operations are done. */
static void
grant_until_n_done (const Contract *row,
                    TestRun        *run,
                    gpointer        object,
                    guint           n)
{
  while (run->n_done < n)
    {
      guint n_done = run->n_done;

      row->grant (object);
      test_run_until_n_done (run, n_done + 1);
    }
}

/* ---- the rules ---- */

static void
test_fifo (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 5);
  GObject *object = row->make (5);
  guint i;

  g_test_summary ("Queued calls are granted in the order they were made.");

  for (i = 0; i < 5; i++)
    {
      contract_start (row, object, test_run_op (run, i));
      assert_n_waiting (row, object, i + 1);
    }
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);

  grant_until_n_done (row, run, object, 5);

  test_run_assert_order (run, 5, 0, 1, 2, 3, 4);
  for (i = 0; i < 5; i++)
    test_op_assert_ok (test_run_op (run, i));
  assert_n_waiting (row, object, 0);
  g_assert_cmpuint (run->max_depth, ==, 1);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_no_barging (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 3);
  GObject *object = row->make (3);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);

  g_test_summary ("While a grant is on its way to a queued call (its "
                  "callback pending), and while calls are queued, the "
                  "non-waiting form fails and a new call queues behind.");

  contract_start (row, object, a);
  contract_start (row, object, b);
  g_assert_false (row->try_take (object));

  row->grant (object);
  /* a is granted, its callback pending; b is queued. */
  g_assert_false (a->done);
  g_assert_false (row->try_take (object));
  contract_start (row, object, c);
  assert_n_waiting (row, object, 2);

  grant_until_n_done (row, run, object, 3);
  test_run_assert_order (run, 3, 0, 1, 2);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

typedef struct
{
  const Contract *row;
  gpointer        object;
} Grant;

static gboolean
grant_in_source (gpointer data)
{
  Grant *grant = data;

  grant->row->grant (grant->object);

  return G_SOURCE_REMOVE;
}

typedef struct
{
  const Contract *row;
  gpointer        object;
  TestOp         *op;
} Start;

static gboolean
start_in_source (gpointer data)
{
  Start *start = data;

  contract_start (start->row, start->object, start->op);

  return G_SOURCE_REMOVE;
}

static void
test_no_callback_inside (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 4);
  GObject *object = row->make (4);
  Grant grant = { row, object };
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);
  TestOp *d = test_run_op (run, 3);
  Start start_d = { row, object, d };

  g_test_summary ("No callback runs inside the call, a grant or a "
                  "cancellation, even when made from a main-loop dispatch "
                  "where GTask would return synchronously; callbacks never "
                  "nest.");

  run->in_api = TRUE;
  contract_start (row, object, a);
  contract_start (row, object, b);
  run->in_api = FALSE;
  test_op_cancellable (c);
  contract_start (row, object, c);

  test_run_in_source (run, test_cancel_in_source, c->cancellable);
  test_run_until_done (run, c);
  test_op_assert_error (c, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  test_run_in_source (run, grant_in_source, &grant);
  test_run_until_done (run, a);
  test_op_assert_ok (a);
  if (!row->wakes_all)
    test_run_in_source (run, grant_in_source, &grant);
  test_run_until_done (run, b);
  test_op_assert_ok (b);

  /* Granted at once, where the class can: completes later all the same. */
  if (row->make_free != NULL)
    {
      row->make_free (object);
      test_run_in_source (run, start_in_source, &start_d);
      g_assert_false (d->done);
      test_run_until_done (run, d);
      test_op_assert_ok (d);
    }
  g_assert_cmpuint (run->max_depth, ==, 1);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_keep_alive (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 3);
  GObject *object = row->make (3);
  gpointer weak = object;
  guint i;

  g_test_summary ("Queued calls keep their object alive after its last "
                  "user reference is dropped; it is freed once they are done.");

  g_object_add_weak_pointer (object, &weak);
  for (i = 0; i < 3; i++)
    contract_start (row, object, test_run_op (run, i));
  g_object_unref (object);

  test_run_drain (run);
  g_assert_nonnull (weak);
  assert_n_waiting (row, weak, 3);

  while (run->n_done < 3)
    {
      guint n_done = run->n_done;

      g_assert_nonnull (weak);
      row->grant (weak);
      test_run_until_n_done (run, n_done + 1);
    }
  test_run_assert_order (run, 3, 0, 1, 2);

  test_run_drain (run);
  g_assert_null (weak);

  test_run_free (run);
}

/* Cancels the middle one of three queued calls through @cancellable. */
static void
assert_cancel_while_queued (const Contract *row,
                            GCancellable   *cancellable)
{
  TestRun *run = contract_run_new (row, 3);
  GObject *object = row->make (3);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);

  contract_start (row, object, a);
  b->cancellable = cancellable;
  contract_start (row, object, b);
  contract_start (row, object, c);
  assert_n_waiting (row, object, 3);

  run->in_api = TRUE;
  g_cancellable_cancel (b->cancellable);
  run->in_api = FALSE;
  assert_n_waiting (row, object, 2);
  g_assert_false (b->done);

  test_run_until_done (run, b);
  test_op_assert_error (b, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (a->done);
  g_assert_false (c->done);

  grant_until_n_done (row, run, object, 3);
  test_run_assert_order (run, 3, 1, 0, 2);
  test_op_assert_ok (a);
  test_op_assert_ok (c);
  assert_n_waiting (row, object, 0);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_cancel_while_queued (gconstpointer data)
{
  g_test_summary ("Cancelling a queued call removes it at once and fails "
                  "it with G_IO_ERROR_CANCELLED from a later iteration; the "
                  "others are still granted, in order.");

  assert_cancel_while_queued (data, g_cancellable_new ());
}

static void
test_cancel_timeout_while_queued (gconstpointer data)
{
  g_test_summary ("An AsyncSyncTimeout is a GCancellable: cancelling it "
                  "before its deadline cancels a queued call like any other.");

  assert_cancel_while_queued (data, G_CANCELLABLE (async_sync_timeout_new (3600 * 1000)));
}

/* Queues a call with @cancellable, grants it, then cancels: it succeeds. */
static void
assert_cancel_after_grant (const Contract *row,
                           GCancellable   *cancellable)
{
  TestRun *run = contract_run_new (row, 2);
  GObject *object = row->make (1);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);

  a->cancellable = cancellable;
  contract_start (row, object, a);
  row->grant (object);
  g_cancellable_cancel (a->cancellable);
  test_run_until_done (run, a);
  test_op_assert_ok (a);
  assert_n_waiting (row, object, 0);

  /* Granted at once, the object being free. */
  if (row->make_free != NULL)
    {
      row->make_free (object);
      test_op_cancellable (b);
      contract_start (row, object, b);
      g_cancellable_cancel (b->cancellable);
      test_run_until_done (run, b);
      test_op_assert_ok (b);
    }

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_cancel_after_grant (gconstpointer data)
{
  g_test_summary ("Once a call was granted, cancelling does nothing: it "
                  "succeeds (the grant wins), whether it was queued or "
                  "granted at once.");

  assert_cancel_after_grant (data, g_cancellable_new ());
}

static void
test_cancel_timeout_after_grant (gconstpointer data)
{
  g_test_summary ("The grant wins over an AsyncSyncTimeout cancelled "
                  "after it, as over any GCancellable.");

  assert_cancel_after_grant (data, G_CANCELLABLE (async_sync_timeout_new (3600 * 1000)));
}

static void
test_cancel_pre_cancelled (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 2);
  GObject *object = row->make (1);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);

  g_test_summary ("An already-cancelled cancellable fails the call from a "
                  "later iteration, without queueing, and without taking "
                  "what a free object would have granted.");

  g_cancellable_cancel (test_op_cancellable (a));
  run->in_api = TRUE;
  contract_start (row, object, a);
  run->in_api = FALSE;
  assert_n_waiting (row, object, 0);
  g_assert_false (a->done);
  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  if (row->make_free != NULL)
    {
      row->make_free (object);
      g_cancellable_cancel (test_op_cancellable (b));
      contract_start (row, object, b);
      test_run_until_done (run, b);
      test_op_assert_error (b, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      if (row->try_take != NULL)
        g_assert_true (row->try_take (object));
    }

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_cancel_reverse (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, N_CANCEL + 1);
  GObject *object = row->make (N_CANCEL);
  TestOp *after = test_run_op (run, N_CANCEL);
  guint i;

  g_test_summary ("10,000 queued calls cancelled last-first each leave the "
                  "queue at once and fail, in cancellation order, without "
                  "nesting callbacks; the object is left as it was: a new "
                  "call waits, and is granted.");

  for (i = 0; i < N_CANCEL; i++)
    {
      TestOp *op = test_run_op (run, i);

      test_op_cancellable (op);
      contract_start (row, object, op);
    }
  assert_n_waiting (row, object, N_CANCEL);

  for (i = N_CANCEL; i > 0; i--)
    {
      g_cancellable_cancel (test_run_op (run, i - 1)->cancellable);
      assert_n_waiting (row, object, i - 1);
    }

  test_run_until_n_done (run, N_CANCEL);
  test_run_assert_order_range (run, N_CANCEL - 1, 0);
  for (i = 0; i < N_CANCEL; i++)
    test_op_assert_error (test_run_op (run, i), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run->max_depth, ==, 1);

  contract_start (row, object, after);
  test_run_drain (run);
  g_assert_false (after->done);
  grant_until_n_done (row, run, object, N_CANCEL + 1);
  test_op_assert_ok (after);
  assert_n_waiting (row, object, 0);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

typedef struct
{
  const Contract *row;
  gpointer        object;
  GCancellable   *cancellable;
  gboolean        ok;
  GError         *error;
} Blocking;

static gpointer
blocking_thread (gpointer data)
{
  Blocking *blocking = data;

  blocking->ok = blocking->row->blocking (blocking->object, blocking->cancellable,
                                          &blocking->error);
  return NULL;
}

static void
test_blocking_granted (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 0);
  GObject *object = row->make (1);
  Blocking blocking = { row, object, NULL, FALSE, NULL };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_test_summary ("The blocking form, in a worker thread, waits until "
                  "another thread grants it, then returns granted (holding "
                  "what it took); on a free object it returns at once.");

  thread = g_thread_new ("blocking", blocking_thread, &blocking);
  /* Where the class counts its waiters, grant once the worker waits;
   * elsewhere the grant may come first, and the call takes it at once. */
  if (row->n_waiting != NULL)
    test_wait_for_count (row->n_waiting, object, 1);
  row->grant (object);
  g_thread_join (thread);

  g_assert_no_error (blocking.error);
  g_assert_true (blocking.ok);
  assert_n_waiting (row, object, 0);
  if (row->try_take != NULL)
    g_assert_false (row->try_take (object));

  if (row->make_free != NULL)
    {
      row->make_free (object);
      g_assert_true (row->blocking (object, NULL, &error));
      g_assert_no_error (error);
    }

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_blocking_cancelled (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 0);
  GObject *object = row->make (1);
  Blocking blocking = { row, object, g_cancellable_new (), TRUE, NULL };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_test_summary ("The blocking form, waiting in a worker thread, returns "
                  "G_IO_ERROR_CANCELLED when its cancellable is cancelled "
                  "from another thread; an already-cancelled one fails at "
                  "once.");

  thread = g_thread_new ("blocking", blocking_thread, &blocking);
  /* Where the class counts its waiters, cancel once the worker waits;
   * elsewhere the cancellation may come before or while it blocks. */
  if (row->n_waiting != NULL)
    test_wait_for_count (row->n_waiting, object, 1);
  g_cancellable_cancel (blocking.cancellable);
  g_thread_join (thread);

  g_assert_error (blocking.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (blocking.ok);
  assert_n_waiting (row, object, 0);

  g_assert_false (row->blocking (object, blocking.cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_clear_error (&blocking.error);
  g_clear_object (&blocking.cancellable);
  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
expect_critical (void)
{
  g_test_expect_message ("AsyncSync", G_LOG_LEVEL_CRITICAL, "*");
}

static void
test_criticals (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 0);
  GObject *object = row->make (1);
  GObject *not_ours = g_object_new (G_TYPE_OBJECT, NULL);
  GTask *foreign = g_task_new (not_ours, NULL, NULL, NULL);
  GTask *untagged = g_task_new (object, NULL, NULL, NULL);
  GError *error = NULL;

  g_test_summary ("A NULL or wrong-type object or cancellable, or a result "
                  "that is not the call's, logs a critical and returns; "
                  "nothing is queued and no callback runs.");

  expect_critical ();
  row->start (NULL, NULL, test_never_called_cb, NULL);
  expect_critical ();
  row->start (not_ours, NULL, test_never_called_cb, NULL);
  expect_critical ();
  row->start (object, (GCancellable *) not_ours, test_never_called_cb, NULL);
  expect_critical ();
  g_assert_false (row->blocking (NULL, NULL, &error));
  expect_critical ();
  g_assert_false (row->finish (object, G_ASYNC_RESULT (foreign), &error));
  expect_critical ();
  g_assert_false (row->finish (object, G_ASYNC_RESULT (untagged), &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  test_run_drain (run);
  assert_n_waiting (row, object, 0);

  g_task_return_boolean (foreign, TRUE);
  g_task_return_boolean (untagged, TRUE);
  g_object_unref (foreign);
  g_object_unref (untagged);
  g_object_unref (not_ours);
  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  guint         n_notified;
} HomeNotifications;

static void
notified_at_home_cb (GObject    *object,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  HomeNotifications *home = user_data;

  g_assert_true (g_thread_self () == home->thread);
  g_assert_true (g_main_context_is_owner (home->context));
  g_assert_true (g_main_context_get_thread_default () == home->context);
  home->n_notified++;
}

typedef struct
{
  const Contract *row;
  gpointer        object;
} ChangeInThread;

/* Changes the object from a thread with its own context, which it runs:
 * the notification must not be emitted there. */
static gpointer
change_thread (gpointer data)
{
  ChangeInThread *change = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  change->row->make_free (change->object);
  test_drain_context (context);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

static void
test_notified_on_home_context (gconstpointer data)
{
  const Contract *row = data;
  TestRun *run = contract_run_new (row, 0);
  GObject *object = row->make (1);
  HomeNotifications home = { g_thread_self (), run->context, 0 };
  ChangeInThread change = { row, object };
  g_autofree gchar *signal = g_strdup_printf ("notify::%s", row->property);
  GThread *thread;

  g_test_summary ("A change made in another thread is notified on the "
                  "object's home context, in its thread, and only there; "
                  "a home context blocked in poll() is woken up for it.");

  test_run_drain (run);
  g_signal_connect (object, signal, G_CALLBACK (notified_at_home_cb), &home);

  thread = g_thread_new ("change", change_thread, &change);
  while (home.n_notified < 1)
    g_main_context_iteration (run->context, TRUE);
  g_thread_join (thread);

  test_run_drain (run);
  g_assert_cmpuint (home.n_notified, ==, 1);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

/* The row under test_freed_with_home_never_run(): the harness's check
 * takes plain functions. */
static const Contract *home_row;

static GObject *
make_for_home (void)
{
  return home_row->make (1);
}

/* Frees what make() took, or makes a change: a notification is pending. */
static void
change_for_home (GObject *object)
{
  home_row->make_free (object);
}

static void
test_freed_with_home_never_run (gconstpointer data)
{
  g_test_summary ("An object whose home context is never run again is "
                  "freed when its last reference goes, property "
                  "notifications pending there or not, and frees that "
                  "context in turn: neither keeps the other alive.");

  home_row = data;
  test_assert_freed_with_home_never_run (make_for_home, change_for_home);
  home_row = NULL;
}

/* ---- the dispatcher: long runs of completions ---- */

/* TestOpFunc: the granted call lets the next one through, as a holder
 * releasing in its callback does: a chain of hand-offs. */
static void
grant_next (TestOp  *op,
            GObject *source)
{
  const Contract *row = op->data;

  if (row->then != NULL)
    row->then (op, source);
  if (!row->wakes_all && op->id + 1 < op->run->n_ops)
    {
      op->run->in_api = TRUE;
      row->grant (source);
      op->run->in_api = FALSE;
    }
}

/* Queues @n calls and lets the first through: @n completions follow
 * without the test's help, as a chain or all at once. */
static GObject *
start_long_run (const Contract *row,
                TestRun        *run)
{
  GObject *object = row->make (run->n_ops);
  guint i;

  for (i = 0; i < run->n_ops; i++)
    {
      TestOp *op = test_run_op (run, i);

      op->then = grant_next;
      op->data = (gpointer) row;
      contract_start (row, object, op);
    }
  row->grant (object);

  return object;
}

typedef struct
{
  TestRun *run;
  guint    n_done_seen;
  gboolean ran;
} Bystander;

static gboolean
bystander_cb (gpointer user_data)
{
  Bystander *bystander = user_data;

  bystander->n_done_seen = bystander->run->n_done;
  bystander->ran = TRUE;

  return G_SOURCE_REMOVE;
}

static void
assert_long_run_yields (const Contract *row,
                        gint            priority)
{
  TestRun *run = test_run_new (N_DISPATCH, row->finish);
  GObject *object = start_long_run (row, run);
  Bystander bystander = { run, 0, FALSE };
  GSource *source;

  source = g_idle_source_new ();
  g_source_set_priority (source, priority);
  g_source_set_callback (source, bystander_cb, &bystander, NULL);
  g_source_attach (source, run->context);
  g_source_unref (source);

  test_run_until_n_done (run, N_DISPATCH);
  test_run_assert_order_range (run, 0, N_DISPATCH - 1);
  g_assert_true (bystander.ran);
  g_assert_cmpuint (bystander.n_done_seen, <, N_DISPATCH);
  g_assert_cmpuint (run->max_depth, ==, 1);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_dispatch_yields (gconstpointer data)
{
  g_test_summary ("10,000 completions in a row (a chain of hand-offs, or a "
                  "wake-up of all) are dispatched in bounded slices: a "
                  "source of the lowest priority, ready meanwhile, runs "
                  "before they are over.");

  assert_long_run_yields (data, G_PRIORITY_LOW);
}

static void
assert_long_run_beside_busy_source (const Contract *row,
                                    gint            priority)
{
  TestRun *run = test_run_new (N_DISPATCH, row->finish);
  GObject *object = start_long_run (row, run);
  TestBusySource busy;

  test_busy_source_start (&busy, run, priority);
  /* Two iterations per batch at most: one for the batch, one for others.
   * A batch is of dispatch items, and a hand-off may queue two: the
   * completion, and its object's property notification (a Condition's
   * lock goes free and is taken again); so up to 2 N items. */
  test_run_until_n_done_within (run, N_DISPATCH, 2 * (2 * N_DISPATCH / BATCH_MIN + 1));
  test_busy_source_stop (&busy);
  g_assert_cmpuint (run->n_done, ==, N_DISPATCH);

  test_run_assert_order_range (run, 0, N_DISPATCH - 1);
  g_assert_cmpuint (busy.n_runs, >, 0);
  g_assert_cmpuint (busy.max_completions_between_runs, <=, BATCH_MAX);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

static void
test_dispatch_beside_busy_source (gconstpointer data)
{
  g_test_summary ("10,000 completions in a row beside an idle that is "
                  "always ready (chunked work in an application): they keep "
                  "flowing, one batch at a time, and the idle runs between "
                  "every two batches.");

  assert_long_run_beside_busy_source (data, G_PRIORITY_DEFAULT_IDLE);
}

/* The same two rules at every priority an application uses, on one row:
 * what they test is the dispatcher, the same for every class. */
static const struct
{
  const gchar *name;
  gint         priority;
} priorities[] = {
  { "default", G_PRIORITY_DEFAULT },
  { "high-idle", G_PRIORITY_HIGH_IDLE },
  { "redraw", G_PRIORITY_HIGH_IDLE + 20 },
  { "default-idle", G_PRIORITY_DEFAULT_IDLE },
  { "low", G_PRIORITY_LOW },
};

static void
test_dispatcher_yields_at (gconstpointer data)
{
  g_test_summary ("A chain of Lock hand-offs yields to a ready source of "
                  "this priority.");

  assert_long_run_yields (&rows[0], GPOINTER_TO_INT (data));
}

static void
test_dispatcher_beside_busy_source_at (gconstpointer data)
{
  g_test_summary ("A chain of Lock hand-offs keeps flowing beside an "
                  "always-ready idle of this priority, which is not starved.");

  assert_long_run_beside_busy_source (&rows[0], GPOINTER_TO_INT (data));
}

static void
test_dispatcher_drained_without_blocking (void)
{
  TestRun *run = test_run_new (N_DISPATCH, rows[0].finish);
  GObject *object = start_long_run (&rows[0], run);

  g_test_summary ("`while (g_main_context_iteration (ctx, FALSE));` runs "
                  "a run of completions longer than one batch to the end: "
                  "the iteration in which the dispatcher lets other sources "
                  "go first still reports that something was dispatched.");

  while (g_main_context_iteration (run->context, FALSE))
    ;
  g_assert_cmpuint (run->n_done, ==, N_DISPATCH);
  test_run_assert_order_range (run, 0, N_DISPATCH - 1);

  test_run_unref_and_assert_finalized (run, object);
  test_run_free (run);
}

/* ---- the error domain ---- */

static void
test_error_domain (void)
{
  static const struct
  {
    gint         code;
    const gchar *nick;
  } codes[] = {
    { ASYNC_SYNC_ERROR_NOT_LOCKED, "not-locked" },
    { ASYNC_SYNC_ERROR_VALUE, "value" },
    { ASYNC_SYNC_ERROR_BROKEN_BARRIER, "broken-barrier" },
  };
  GEnumClass *enum_class;
  guint i;

  g_test_summary ("The error domain and its enum are registered, with the "
                  "nicks bindings show, for every code a call can fail with.");

  g_assert_cmpstr (g_quark_to_string (ASYNC_SYNC_ERROR), ==, "async-sync-error-quark");
  g_assert_true (G_TYPE_IS_ENUM (ASYNC_SYNC_TYPE_ERROR));

  enum_class = g_type_class_ref (ASYNC_SYNC_TYPE_ERROR);
  for (i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      GEnumValue *value = g_enum_get_value (enum_class, codes[i].code);

      g_assert_nonnull (value);
      g_assert_cmpstr (value->value_nick, ==, codes[i].nick);
    }
  g_type_class_unref (enum_class);
}

static void
add_rule (const gchar   *rule,
          GTestDataFunc  func,
          gboolean     (*applies) (const Contract *row))
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree gchar *path = NULL;

      if (applies != NULL && !applies (&rows[i]))
        continue;
      path = g_strdup_printf ("/AsyncSync/Contract/%s/%s", rule, rows[i].name);
      g_test_add_data_func (path, &rows[i], func);
    }
}

static gboolean
has_try_take (const Contract *row)
{
  return row->try_take != NULL;
}

static gboolean
has_notified_property (const Contract *row)
{
  return row->property != NULL;
}

static gboolean
has_free_state (const Contract *row)
{
  return row->make_free != NULL;
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  add_rule ("fifo/grant-order-is-call-order", test_fifo, NULL);
  add_rule ("fifo/no-barging", test_no_barging, has_try_take);
  add_rule ("dispatch/no-callback-inside-api-calls", test_no_callback_inside, NULL);
  add_rule ("dispatch/long-run-yields-to-other-sources", test_dispatch_yields, NULL);
  add_rule ("dispatch/long-run-beside-always-ready-idle", test_dispatch_beside_busy_source, NULL);
  add_rule ("lifetime/waiters-keep-object-alive", test_keep_alive, NULL);
  add_rule ("lifetime/freed-with-home-context-never-run", test_freed_with_home_never_run, has_free_state);
  add_rule ("cancel/while-queued", test_cancel_while_queued, NULL);
  add_rule ("cancel/timeout-while-queued", test_cancel_timeout_while_queued, NULL);
  add_rule ("cancel/after-grant-succeeds", test_cancel_after_grant, NULL);
  add_rule ("cancel/timeout-after-grant-succeeds", test_cancel_timeout_after_grant, NULL);
  add_rule ("cancel/pre-cancelled-takes-nothing", test_cancel_pre_cancelled, NULL);
  add_rule ("cancel/reverse-order-10000", test_cancel_reverse, NULL);
  add_rule ("threads/change-notified-on-home-context", test_notified_on_home_context,
            has_notified_property);
  add_rule ("blocking/granted-from-worker", test_blocking_granted, NULL);
  add_rule ("blocking/cancelled-from-other-thread", test_blocking_cancelled, NULL);
  add_rule ("criticals/bad-object-cancellable-or-result", test_criticals, NULL);

  for (i = 0; i < G_N_ELEMENTS (priorities); i++)
    {
      g_autofree gchar *yields = g_strdup_printf ("/AsyncSync/Dispatcher/yields-to-source-at/%s",
                                                  priorities[i].name);
      g_autofree gchar *busy = g_strdup_printf ("/AsyncSync/Dispatcher/beside-always-ready-idle-at/%s",
                                                priorities[i].name);

      g_test_add_data_func (yields, GINT_TO_POINTER (priorities[i].priority),
                            test_dispatcher_yields_at);
      g_test_add_data_func (busy, GINT_TO_POINTER (priorities[i].priority),
                            test_dispatcher_beside_busy_source_at);
    }
  g_test_add_func ("/AsyncSync/Dispatcher/drained-by-non-blocking-iterations",
                   test_dispatcher_drained_without_blocking);
  g_test_add_func ("/AsyncSync/Error/domain-and-enum-registered", test_error_domain);

  return g_test_run ();
}
