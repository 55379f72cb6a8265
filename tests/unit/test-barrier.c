/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#define N_THREADS 4
#define N_CYCLES  1000

/* The index a wait completed with is kept in op->data, plus one (NULL: no
 * index).  The finish function finds the op through the result's user
 * data, which test_op_start() made the op. */
static gboolean
barrier_wait_finish (GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  TestOp *op = g_async_result_get_user_data (result);
  guint index = G_MAXUINT;
  gboolean ok;

  ok = async_sync_barrier_wait_finish (ASYNC_SYNC_BARRIER (source), result, &index, error);
  if (ok)
    op->data = GUINT_TO_POINTER (index + 1);
  else
    g_assert_cmpuint (index, ==, G_MAXUINT);

  return ok;
}

static guint
op_index (TestOp *op)
{
  test_op_assert_ok (op);
  g_assert_nonnull (op->data);

  return GPOINTER_TO_UINT (op->data) - 1;
}

static void
start_wait (AsyncSyncBarrier *barrier,
            TestOp           *op)
{
  async_sync_barrier_wait_async (barrier, op->cancellable, test_op_callback, test_op_start (op));
}

/* Starts the wait with run->in_api set: no callback may run inside. */
static void
start_wait_in_api (AsyncSyncBarrier *barrier,
                   TestOp           *op)
{
  op->run->in_api = TRUE;
  start_wait (barrier, op);
  op->run->in_api = FALSE;
}

/* Checks that ops first..first+n-1 completed with indices 0..n-1 given in
 * that (arrival) order. */
static void
assert_cycle (TestRun *run,
              guint    first,
              guint    n)
{
  guint i;

  for (i = 0; i < n; i++)
    g_assert_cmpuint (op_index (test_run_op (run, first + i)), ==, i);
}

/* The n_waiting seen by each callback, in callback order. */
static GArray *seen_n_waiting;

static void
record_n_waiting (TestOp  *op,
                  GObject *source)
{
  guint n_waiting = async_sync_barrier_get_n_waiting (ASYNC_SYNC_BARRIER (source));

  g_array_append_val (seen_n_waiting, n_waiting);
}

static void
test_barrier_properties (void)
{
  TestRun *run = test_run_new (0, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (3);
  GParamSpec *pspec;
  guint parties = 0;
  gboolean broken = TRUE;

  g_test_summary ("A new barrier has its parties, nobody waiting and is not "
                  "broken; getters and the `parties` and `broken` properties "
                  "agree.");

  g_assert_true (ASYNC_SYNC_IS_BARRIER (barrier));
  g_assert_cmpuint (async_sync_barrier_get_parties (barrier), ==, 3);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_false (async_sync_barrier_is_broken (barrier));
  g_object_get (barrier, "parties", &parties, "broken", &broken, NULL);
  g_assert_cmpuint (parties, ==, 3);
  g_assert_false (broken);

  async_sync_barrier_abort (barrier);
  g_assert_true (async_sync_barrier_is_broken (barrier));
  g_object_get (barrier, "broken", &broken, NULL);
  g_assert_true (broken);
  async_sync_barrier_reset (barrier);
  g_assert_false (async_sync_barrier_is_broken (barrier));
  g_object_get (barrier, "broken", &broken, NULL);
  g_assert_false (broken);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (barrier), "parties");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT);
  g_assert_true ((pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0);
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->minimum, ==, 1);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (barrier), "broken");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_BOOLEAN);
  g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
  g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);

  test_run_unref_and_assert_finalized (run, barrier);

  barrier = g_object_new (ASYNC_SYNC_TYPE_BARRIER, "parties", 7, NULL);
  g_assert_cmpuint (async_sync_barrier_get_parties (barrier), ==, 7);
  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_indices (void)
{
  TestRun *run = test_run_new (3, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (3);
  guint i;

  g_test_summary ("Parties wait until the last one arrives; then all "
                  "complete, in arrival order, with indices 0..parties-1 "
                  "given in arrival order; no callback runs inside a call.");

  for (i = 0; i < 2; i++)
    {
      start_wait_in_api (barrier, test_run_op (run, i));
      g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, i + 1);
    }
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 0);

  start_wait_in_api (barrier, test_run_op (run, 2));
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_cmpuint (run->n_done, ==, 0);

  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  assert_cycle (run, 0, 3);
  g_assert_false (async_sync_barrier_is_broken (barrier));

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_reusable (void)
{
  TestRun *run = test_run_new (12, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  guint cycle;

  g_test_summary ("The barrier is reusable: cycle after cycle, each gets "
                  "indices 0..parties-1; arrivals made before the previous "
                  "cycle drained form the next cycles, in order.");

  /* One cycle at a time. */
  for (cycle = 0; cycle < 3; cycle++)
    {
      start_wait (barrier, test_run_op (run, 2 * cycle));
      g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 1);
      start_wait (barrier, test_run_op (run, 2 * cycle + 1));
      test_run_until_n_done (run, 2 * cycle + 2);
      assert_cycle (run, 2 * cycle, 2);
    }

  /* Three cycles' worth of arrivals at once. */
  for (cycle = 3; cycle < 6; cycle++)
    {
      start_wait (barrier, test_run_op (run, 2 * cycle));
      start_wait (barrier, test_run_op (run, 2 * cycle + 1));
    }
  test_run_until_n_done (run, 12);
  test_run_assert_order_range (run, 0, 11);
  for (cycle = 3; cycle < 6; cycle++)
    assert_cycle (run, 2 * cycle, 2);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_draining_holds_arrivals (void)
{
  TestRun *run = test_run_new (4, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);
  TestOp *d = test_run_op (run, 3);

  g_test_summary ("While a released cycle drains, a new arrival is held: "
                  "it joins the next cycle only once every party of the "
                  "released cycle has been completed (the first callback "
                  "still sees it outside the count, the last one inside).");

  seen_n_waiting = g_array_new (FALSE, FALSE, sizeof (guint));
  a->then = record_n_waiting;
  b->then = record_n_waiting;
  start_wait (barrier, a);
  start_wait (barrier, b);
  start_wait (barrier, c);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);

  test_run_until_n_done (run, 2);
  test_run_assert_order (run, 2, 0, 1);
  assert_cycle (run, 0, 2);
  g_assert_cmpuint (seen_n_waiting->len, ==, 2);
  g_assert_cmpuint (g_array_index (seen_n_waiting, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (seen_n_waiting, guint, 1), ==, 1);

  test_run_drain (run);
  g_assert_false (c->done);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 1);

  start_wait (barrier, d);
  test_run_until_n_done (run, 4);
  test_run_assert_order (run, 4, 0, 1, 2, 3);
  assert_cycle (run, 2, 2);

  g_clear_pointer (&seen_n_waiting, g_array_unref);
  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_draining_survives_reset (void)
{
  TestRun *run = test_run_new (4, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  TestOp *c = test_run_op (run, 2);

  g_test_summary ("A reset while a released cycle drains fails nobody: the "
                  "released parties succeed (grant wins) and an arrival held "
                  "for the next cycle is not part of any cycle yet, so it "
                  "waits on and completes with the next cycle.");

  start_wait (barrier, test_run_op (run, 0));
  start_wait (barrier, test_run_op (run, 1));
  start_wait (barrier, c);
  async_sync_barrier_reset (barrier);
  g_assert_false (async_sync_barrier_is_broken (barrier));

  test_run_until_n_done (run, 2);
  assert_cycle (run, 0, 2);
  test_run_drain (run);
  g_assert_false (c->done);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 1);

  start_wait (barrier, test_run_op (run, 3));
  test_run_until_n_done (run, 4);
  assert_cycle (run, 2, 2);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_reset (void)
{
  TestRun *run = test_run_new (6, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (3);
  guint i;

  g_test_summary ("reset() fails the parties waiting in the current cycle "
                  "with BROKEN_BARRIER (from a later iteration) and leaves "
                  "the barrier empty, not broken and usable: an arrival "
                  "during the reset waits for the next cycle.");

  start_wait (barrier, test_run_op (run, 0));
  start_wait (barrier, test_run_op (run, 1));
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 2);

  run->in_api = TRUE;
  async_sync_barrier_reset (barrier);
  run->in_api = FALSE;
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_false (async_sync_barrier_is_broken (barrier));
  g_assert_cmpuint (run->n_done, ==, 0);

  /* Arrives before the failed parties were completed. */
  start_wait (barrier, test_run_op (run, 2));

  test_run_until_n_done (run, 2);
  test_run_assert_order (run, 2, 0, 1);
  test_op_assert_error (test_run_op (run, 0), ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_BROKEN_BARRIER);
  test_op_assert_error (test_run_op (run, 1), ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_BROKEN_BARRIER);
  test_run_drain (run);
  g_assert_false (test_run_op (run, 2)->done);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 1);

  for (i = 3; i < 5; i++)
    start_wait (barrier, test_run_op (run, i));
  test_run_until_n_done (run, 5);
  assert_cycle (run, 2, 3);

  /* A reset with nobody waiting changes nothing. */
  async_sync_barrier_reset (barrier);
  test_run_drain (run);
  g_assert_cmpuint (run->n_done, ==, 5);
  g_assert_false (async_sync_barrier_is_broken (barrier));

  test_run_unref_and_assert_finalized (run, barrier);

  /* parties == 1 after a reset with nobody waiting: released at once. */
  barrier = async_sync_barrier_new (1);
  async_sync_barrier_reset (barrier);
  start_wait (barrier, test_run_op (run, 5));
  test_run_until_n_done (run, 6);
  g_assert_cmpuint (op_index (test_run_op (run, 5)), ==, 0);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

typedef struct
{
  guint    n_notified;
  gboolean last_value;
  GThread *thread;
  GMainContext *context;
} BrokenNotifications;

static void
broken_notified_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  BrokenNotifications *notifications = user_data;

  g_assert_true (g_thread_self () == notifications->thread);
  g_assert_true (g_main_context_is_owner (notifications->context));
  g_assert_cmpstr (pspec->name, ==, "broken");

  notifications->n_notified++;
  g_object_get (object, "broken", &notifications->last_value, NULL);
}

static void
test_barrier_abort (void)
{
  TestRun *run = test_run_new (8, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (3);
  BrokenNotifications notifications = { 0, FALSE, g_thread_self (), run->context };
  guint i;

  g_test_summary ("abort() fails the waiting parties and every later wait "
                  "with BROKEN_BARRIER, without queueing, until reset(); "
                  "is_broken() and `notify::broken` (coalesced, from the "
                  "loop) follow.");

  g_signal_connect (barrier, "notify::broken", G_CALLBACK (broken_notified_cb), &notifications);

  start_wait (barrier, test_run_op (run, 0));
  start_wait (barrier, test_run_op (run, 1));

  run->in_api = TRUE;
  async_sync_barrier_abort (barrier);
  run->in_api = FALSE;
  g_assert_true (async_sync_barrier_is_broken (barrier));
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_cmpuint (notifications.n_notified, ==, 0);

  /* Later arrivals fail too, even enough of them to fill a cycle. */
  for (i = 2; i < 5; i++)
    {
      start_wait_in_api (barrier, test_run_op (run, i));
      g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
    }

  test_run_until_n_done (run, 5);
  test_run_assert_order_range (run, 0, 4);
  for (i = 0; i < 5; i++)
    test_op_assert_error (test_run_op (run, i), ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_BROKEN_BARRIER);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);
  g_assert_true (notifications.last_value);
  g_assert_true (async_sync_barrier_is_broken (barrier));

  /* A second abort is no change. */
  async_sync_barrier_abort (barrier);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 1);

  async_sync_barrier_reset (barrier);
  g_assert_false (async_sync_barrier_is_broken (barrier));
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 2);
  g_assert_false (notifications.last_value);

  for (i = 5; i < 8; i++)
    start_wait (barrier, test_run_op (run, i));
  test_run_until_n_done (run, 8);
  assert_cycle (run, 5, 3);

  /* Broken then repaired between two iterations: coalesced away. */
  async_sync_barrier_abort (barrier);
  async_sync_barrier_reset (barrier);
  test_run_drain (run);
  g_assert_cmpuint (notifications.n_notified, ==, 2);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_abort_while_draining (void)
{
  TestRun *run = test_run_new (5, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);

  g_test_summary ("abort() while a released cycle drains: the released "
                  "parties still succeed (grant wins), the held arrival "
                  "fails; after reset() the barrier works again.");

  start_wait (barrier, test_run_op (run, 0));
  start_wait (barrier, test_run_op (run, 1));
  start_wait (barrier, test_run_op (run, 2));
  async_sync_barrier_abort (barrier);

  test_run_until_n_done (run, 3);
  assert_cycle (run, 0, 2);
  test_op_assert_error (test_run_op (run, 2), ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_BROKEN_BARRIER);

  async_sync_barrier_reset (barrier);
  start_wait (barrier, test_run_op (run, 3));
  start_wait (barrier, test_run_op (run, 4));
  test_run_until_n_done (run, 5);
  assert_cycle (run, 3, 2);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_cancel_leaves_count (void)
{
  TestRun *run = test_run_new (4, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (3);
  TestOp *a = test_run_op (run, 0);
  TestOp *b = test_run_op (run, 1);
  TestOp *c = test_run_op (run, 2);
  TestOp *d = test_run_op (run, 3);

  g_test_summary ("A waiting party that is cancelled leaves the count at "
                  "once: n_waiting drops, it fails with CANCELLED, and the "
                  "cycle needs another party to release.");

  start_wait (barrier, a);
  test_op_cancellable (b);
  start_wait (barrier, b);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 2);

  run->in_api = TRUE;
  g_cancellable_cancel (b->cancellable);
  run->in_api = FALSE;
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 1);
  test_run_until_done (run, b);
  test_op_assert_error (b, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  start_wait (barrier, c);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 2);
  test_run_drain (run);
  g_assert_false (a->done);
  g_assert_false (c->done);

  start_wait (barrier, d);
  test_run_until_n_done (run, 4);
  test_run_assert_order (run, 4, 1, 0, 2, 3);
  g_assert_cmpuint (op_index (a), ==, 0);
  g_assert_cmpuint (op_index (c), ==, 1);
  g_assert_cmpuint (op_index (d), ==, 2);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_cancel_held_arrival (void)
{
  TestRun *run = test_run_new (5, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  TestOp *c = test_run_op (run, 2);

  g_test_summary ("An arrival held while a cycle drains can be cancelled; "
                  "it never counts in the next cycle.");

  start_wait (barrier, test_run_op (run, 0));
  start_wait (barrier, test_run_op (run, 1));
  test_op_cancellable (c);
  start_wait (barrier, c);
  start_wait (barrier, test_run_op (run, 3));
  g_cancellable_cancel (c->cancellable);

  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  test_op_assert_error (c, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_cycle (run, 0, 2);
  test_run_drain (run);
  g_assert_false (test_run_op (run, 3)->done);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 1);

  start_wait (barrier, test_run_op (run, 4));
  test_run_until_n_done (run, 5);
  assert_cycle (run, 3, 2);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_cancel_pre_cancelled (void)
{
  TestRun *run = test_run_new (5, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  TestOp *a = test_run_op (run, 0);
  TestOp *d = test_run_op (run, 3);
  TestOp *e = test_run_op (run, 4);

  g_test_summary ("A pre-cancelled wait fails with CANCELLED from a later "
                  "iteration without counting, even as the last party; on "
                  "a broken barrier cancellation is reported first.");

  g_cancellable_cancel (test_op_cancellable (a));
  start_wait_in_api (barrier, a);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_false (a->done);
  test_run_until_done (run, a);
  test_op_assert_error (a, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  start_wait (barrier, test_run_op (run, 1));
  g_cancellable_cancel (test_op_cancellable (d));
  start_wait (barrier, d);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 1);
  test_run_until_done (run, d);
  test_op_assert_error (d, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (test_run_op (run, 1)->done);

  start_wait (barrier, test_run_op (run, 2));
  test_run_until_n_done (run, 4);
  assert_cycle (run, 1, 2);

  async_sync_barrier_abort (barrier);
  g_cancellable_cancel (test_op_cancellable (e));
  start_wait (barrier, e);
  test_run_until_done (run, e);
  test_op_assert_error (e, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_one_party (void)
{
  TestRun *run = test_run_new (3, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (1);
  guint i;

  g_test_summary ("With one party every wait is its own cycle: index 0, "
                  "completed from a later iteration, in call order.");

  for (i = 0; i < 3; i++)
    {
      start_wait_in_api (barrier, test_run_op (run, i));
      g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
    }
  g_assert_cmpuint (run->n_done, ==, 0);

  test_run_until_n_done (run, 3);
  test_run_assert_order (run, 3, 0, 1, 2);
  for (i = 0; i < 3; i++)
    g_assert_cmpuint (op_index (test_run_op (run, i)), ==, 0);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_criticals (void)
{
  g_test_summary ("parties == 0, NULL or wrong-type arguments log a "
                  "critical, return, and change nothing.");

  if (g_test_subprocess ())
    {
      TestRun *run = test_run_new (0, barrier_wait_finish);
      AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
      GObject *not_a_barrier = g_object_new (G_TYPE_OBJECT, NULL);
      GError *error = NULL;

      test_trap_criticals_nonfatal ();

      g_assert_null (async_sync_barrier_new (0));
      async_sync_barrier_reset (NULL);
      async_sync_barrier_abort ((AsyncSyncBarrier *) not_a_barrier);
      g_assert_cmpuint (async_sync_barrier_get_parties (NULL), ==, 0);
      g_assert_cmpuint (async_sync_barrier_get_n_waiting (NULL), ==, 0);
      g_assert_false (async_sync_barrier_is_broken (NULL));
      g_assert_no_error (error);

      test_run_drain (run);
      g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);
      g_assert_false (async_sync_barrier_is_broken (barrier));
      test_run_drain (run);
      g_object_unref (not_a_barrier);
      test_run_unref_and_assert_finalized (run, barrier);
      test_run_free (run);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*async_sync_barrier_new*parties >= 1*"
                             "*CRITICAL*async_sync_barrier_reset*ASYNC_SYNC_IS_BARRIER (self)*"
                             "*CRITICAL*async_sync_barrier_abort*ASYNC_SYNC_IS_BARRIER (self)*"
                             "*CRITICAL*async_sync_barrier_get_parties*ASYNC_SYNC_IS_BARRIER (self)*"
                             "*CRITICAL*async_sync_barrier_get_n_waiting*ASYNC_SYNC_IS_BARRIER (self)*"
                             "*CRITICAL*async_sync_barrier_is_broken*ASYNC_SYNC_IS_BARRIER (self)*");
}

/* N_THREADS parties, each its own thread: half wait through wait_async on
 * their own context, half through the blocking wait().  Each does one wait
 * per cycle and waits for it to complete before the next, so cycle k is
 * made of every thread's k-th wait. */
typedef struct
{
  AsyncSyncBarrier *barrier;
  guint             indices[N_CYCLES][N_THREADS];
} Cycles;

typedef struct
{
  Cycles  *cycles;
  guint    party;
} Party;

static gpointer
party_thread (gpointer data)
{
  Party *party = data;
  Cycles *cycles = party->cycles;
  guint k;

  if (party->party % 2 == 0)
    {
      TestRun *run = test_run_new (N_CYCLES, barrier_wait_finish);

      for (k = 0; k < N_CYCLES; k++)
        {
          TestOp *op = test_run_op (run, k);

          start_wait (cycles->barrier, op);
          test_run_until_done (run, op);
          cycles->indices[k][party->party] = op_index (op);
        }
      g_assert_cmpuint (run->max_depth, ==, 1);
      test_run_free (run);
    }
  else
    {
      for (k = 0; k < N_CYCLES; k++)
        {
          GError *error = NULL;
          guint index = G_MAXUINT;

          g_assert_true (async_sync_barrier_wait (cycles->barrier, NULL, &index, &error));
          g_assert_no_error (error);
          cycles->indices[k][party->party] = index;
        }
    }

  return NULL;
}

static void
test_barrier_threads (void)
{
  TestRun *run = test_run_new (0, barrier_wait_finish);
  Cycles *cycles = g_new0 (Cycles, 1);
  Party parties[N_THREADS];
  GThread *threads[N_THREADS];
  guint i, k;

  g_test_summary ("Four threads (two on their own main contexts, two "
                  "blocking) pass one barrier 1,000 times: in every cycle the "
                  "indices are exactly 0..3.");

  cycles->barrier = async_sync_barrier_new (N_THREADS);
  for (i = 0; i < N_THREADS; i++)
    {
      parties[i].cycles = cycles;
      parties[i].party = i;
      threads[i] = g_thread_new ("party", party_thread, &parties[i]);
    }
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  for (k = 0; k < N_CYCLES; k++)
    {
      guint seen = 0;

      for (i = 0; i < N_THREADS; i++)
        {
          g_assert_cmpuint (cycles->indices[k][i], <, N_THREADS);
          seen |= 1u << cycles->indices[k][i];
        }
      g_assert_cmpuint (seen, ==, (1u << N_THREADS) - 1);
    }
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (cycles->barrier), ==, 0);

  test_run_unref_and_assert_finalized (run, cycles->barrier);
  g_free (cycles);
  test_run_free (run);
}

typedef struct
{
  AsyncSyncBarrier *barrier;
  GCancellable     *cancellable;
  gboolean          ok;
  guint             index;
  GError           *error;
} BlockingWait;

static gpointer
blocking_wait_thread (gpointer data)
{
  BlockingWait *blocking = data;

  blocking->index = G_MAXUINT;
  blocking->ok = async_sync_barrier_wait (blocking->barrier, blocking->cancellable,
                                          &blocking->index, &blocking->error);

  return NULL;
}

static void
test_barrier_blocking (void)
{
  TestRun *run = test_run_new (1, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  BlockingWait blocking = { barrier, NULL, FALSE, 0, NULL };
  TestOp *op = test_run_op (run, 0);
  GThread *thread;

  g_test_summary ("async_sync_barrier_wait() blocks a worker thread until "
                  "the other party arrives, and returns its index; with "
                  "one party it returns at once.");

  thread = g_thread_new ("blocking", blocking_wait_thread, &blocking);
  test_wait_for_count ((TestCountFunc) async_sync_barrier_get_n_waiting, barrier, 1);
  start_wait (barrier, op);
  g_thread_join (thread);
  test_run_until_done (run, op);

  g_assert_no_error (blocking.error);
  g_assert_true (blocking.ok);
  g_assert_cmpuint (blocking.index, ==, 0);
  g_assert_cmpuint (op_index (op), ==, 1);
  test_run_unref_and_assert_finalized (run, barrier);

  barrier = async_sync_barrier_new (1);
  blocking.barrier = barrier;
  blocking_wait_thread (&blocking);
  g_assert_no_error (blocking.error);
  g_assert_true (blocking.ok);
  g_assert_cmpuint (blocking.index, ==, 0);

  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static void
test_barrier_blocking_cancelled (void)
{
  TestRun *run = test_run_new (0, barrier_wait_finish);
  AsyncSyncBarrier *barrier = async_sync_barrier_new (2);
  BlockingWait blocking = { barrier, g_cancellable_new (), TRUE, 0, NULL };
  GThread *thread;

  g_test_summary ("A blocked async_sync_barrier_wait() returns CANCELLED "
                  "when cancelled from another thread, and leaves the "
                  "count; an abort from another thread fails it with "
                  "BROKEN_BARRIER.");

  thread = g_thread_new ("blocking", blocking_wait_thread, &blocking);
  test_wait_for_count ((TestCountFunc) async_sync_barrier_get_n_waiting, barrier, 1);
  g_cancellable_cancel (blocking.cancellable);
  g_thread_join (thread);
  g_assert_error (blocking.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (blocking.ok);
  g_assert_cmpuint (blocking.index, ==, G_MAXUINT);
  g_assert_cmpuint (async_sync_barrier_get_n_waiting (barrier), ==, 0);

  g_clear_error (&blocking.error);
  g_clear_object (&blocking.cancellable);
  thread = g_thread_new ("blocking", blocking_wait_thread, &blocking);
  test_wait_for_count ((TestCountFunc) async_sync_barrier_get_n_waiting, barrier, 1);
  async_sync_barrier_abort (barrier);
  g_thread_join (thread);
  g_assert_error (blocking.error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_BROKEN_BARRIER);
  g_assert_false (blocking.ok);

  g_clear_error (&blocking.error);
  test_run_unref_and_assert_finalized (run, barrier);
  test_run_free (run);
}

static GObject *
make_barrier (void)
{
  return G_OBJECT (async_sync_barrier_new (2));
}

static void
abort_barrier (GObject *barrier)
{
  async_sync_barrier_abort (ASYNC_SYNC_BARRIER (barrier));
}

static void
test_barrier_freed_with_home_never_run (void)
{
  g_test_summary ("An object whose home context is never run again is "
                  "freed when its last reference goes, a property "
                  "notification pending there or not, and frees that "
                  "context in turn: neither keeps the other alive.");

  test_assert_freed_with_home_never_run (make_barrier, abort_barrier);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Barrier/properties/getters-and-properties", test_barrier_properties);
  g_test_add_func ("/AsyncSync/Barrier/wait/last-arrival-releases-unique-indices", test_barrier_indices);
  g_test_add_func ("/AsyncSync/Barrier/wait/reusable-across-cycles", test_barrier_reusable);
  g_test_add_func ("/AsyncSync/Barrier/wait/one-party-releases-each-wait", test_barrier_one_party);
  g_test_add_func ("/AsyncSync/Barrier/draining/holds-new-arrival-until-cycle-completed", test_barrier_draining_holds_arrivals);
  g_test_add_func ("/AsyncSync/Barrier/draining/held-arrival-survives-reset", test_barrier_draining_survives_reset);
  g_test_add_func ("/AsyncSync/Barrier/reset/fails-waiting-parties-then-usable", test_barrier_reset);
  g_test_add_func ("/AsyncSync/Barrier/abort/fails-current-and-future-until-reset", test_barrier_abort);
  g_test_add_func ("/AsyncSync/Barrier/abort/while-draining-released-parties-succeed", test_barrier_abort_while_draining);
  g_test_add_func ("/AsyncSync/Barrier/cancel/leaves-count", test_barrier_cancel_leaves_count);
  g_test_add_func ("/AsyncSync/Barrier/cancel/held-arrival-never-counts", test_barrier_cancel_held_arrival);
  g_test_add_func ("/AsyncSync/Barrier/cancel/pre-cancelled-does-not-count", test_barrier_cancel_pre_cancelled);
  g_test_add_func ("/AsyncSync/Barrier/lifetime/freed-with-home-context-never-run", test_barrier_freed_with_home_never_run);
  g_test_add_func ("/AsyncSync/Barrier/criticals/zero-parties-null-and-wrong-type-arguments", test_barrier_criticals);
  g_test_add_func ("/AsyncSync/Barrier/threads/four-parties-unique-indices-every-cycle", test_barrier_threads);
  g_test_add_func ("/AsyncSync/Barrier/blocking/wait-from-worker", test_barrier_blocking);
  g_test_add_func ("/AsyncSync/Barrier/blocking/wait-cancelled-or-aborted-from-other-thread", test_barrier_blocking_cancelled);

  return g_test_run ();
}
