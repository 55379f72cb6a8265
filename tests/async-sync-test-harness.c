/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "async-sync-test-harness.h"

#include <string.h>

/**
 * test_run_new:
 * @n_ops: how many operations the test may start
 * @finish: the `_finish` function of those operations
 *
 * Creates a main context, pushes it as the thread-default one (so that
 * everything the test creates has it as home, and every `_async` call
 * completes on it), and prepares @n_ops operations with ids 0..n_ops-1.
 */
TestRun *
test_run_new (guint          n_ops,
              TestFinishFunc finish)
{
  TestRun *run = g_new0 (TestRun, 1);
  guint i;

  run->context = g_main_context_new ();
  g_main_context_push_thread_default (run->context);
  run->order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_ops);
  run->n_ops = n_ops;
  run->ops = g_new0 (TestOp, n_ops);
  for (i = 0; i < n_ops; i++)
    {
      run->ops[i].run = run;
      run->ops[i].id = i;
      run->ops[i].finish = finish;
    }

  return run;
}

/**
 * test_run_free:
 *
 * Runs what is left on the context, checks that every operation started
 * has completed exactly once (nothing lost, nothing pending), then pops
 * and frees the context.
 */
void
test_run_free (TestRun *run)
{
  guint i;

  test_run_drain (run);

  for (i = 0; i < run->n_ops; i++)
    {
      TestOp *op = &run->ops[i];

      if (op->started)
        g_assert_true (op->done);
      g_clear_error (&op->error);
      g_clear_object (&op->cancellable);
    }

  g_main_context_pop_thread_default (run->context);
  g_main_context_unref (run->context);
  g_array_unref (run->order);
  g_free (run->ops);
  g_free (run);
}

TestOp *
test_run_op (TestRun *run,
             guint    id)
{
  g_assert_cmpuint (id, <, run->n_ops);

  return &run->ops[id];
}

/* The loop drivers: iterate the test's context, blocking, until the
 * condition holds.  A lost completion hangs here, and the test times out. */
void
test_run_until_done (TestRun *run,
                     TestOp  *op)
{
  while (!op->done)
    {
      g_main_context_iteration (run->context, TRUE);
      run->n_iterations++;
    }
}

void
test_run_until_n_done (TestRun *run,
                       guint    n_done)
{
  while (run->n_done < n_done)
    {
      g_main_context_iteration (run->context, TRUE);
      run->n_iterations++;
    }
}

void
test_run_until_flag (TestRun        *run,
                     const gboolean *flag)
{
  while (!*flag)
    {
      g_main_context_iteration (run->context, TRUE);
      run->n_iterations++;
    }
}

/* Runs everything that is ready, without blocking. */
void
test_drain_context (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
}

void
test_never_called_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_error ("a callback ran for a call that was refused");
}

gboolean
test_cancel_in_source (gpointer data)
{
  g_cancellable_cancel (data);

  return G_SOURCE_REMOVE;
}

/**
 * test_wait_for_count:
 *
 * Waits, from another thread than the one about to block, until
 * @count (@object) reaches @n: a worker thread has queued its blocking call.
 * (Polling the observable state is the only way to know that a thread is
 * about to block; it yields rather than sleeps.)
 */
void
test_wait_for_count (TestCountFunc count,
                     gpointer      object,
                     guint         n)
{
  while (count (object) < n)
    g_thread_yield ();
}

void
test_run_drain (TestRun *run)
{
  test_drain_context (run->context);
}

/**
 * test_run_unref_and_assert_finalized:
 *
 * Drops the caller's reference to @object, runs what is left on the
 * context (a pending notification holds a reference until it is emitted),
 * and checks through a weak pointer that @object was finalized.
 */
void
test_run_unref_and_assert_finalized (TestRun  *run,
                                     gpointer  object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  test_run_drain (run);
  g_assert_null (weak);
}

typedef struct
{
  TestRun    *run;
  GSourceFunc func;
  gpointer    data;
  gboolean    ran;
} InSource;

static gboolean
in_source_cb (gpointer user_data)
{
  InSource *in_source = user_data;

  in_source->run->in_api = TRUE;
  in_source->func (in_source->data);
  in_source->run->in_api = FALSE;
  in_source->ran = TRUE;

  return G_SOURCE_REMOVE;
}

/**
 * test_run_in_source:
 *
 * Calls @func from inside a main-loop dispatch on the test's context, with
 * @run->in_api set around it.  That is where GTask would invoke a callback
 * synchronously if a primitive returned a task from inside the call (its
 * creation iteration being over), so a callback that runs inside @func
 * trips the assertion in test_op_callback().
 */
void
test_run_in_source (TestRun     *run,
                    GSourceFunc  func,
                    gpointer     data)
{
  InSource in_source = { run, func, data, FALSE };
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, in_source_cb, &in_source, NULL);
  g_source_attach (source, run->context);
  g_source_unref (source);

  test_run_until_flag (run, &in_source.ran);
}

/* Checks the completion order: the ids given, in this order, and no other. */
void
test_run_assert_order (TestRun *run,
                       guint    n,
                       ...)
{
  va_list args;
  guint i;

  g_assert_cmpuint (run->order->len, ==, n);

  va_start (args, n);
  for (i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (run->order, guint, i), ==, va_arg (args, guint));
  va_end (args);
}

/* Checks that the completion order is first, first +/- 1, ..., last. */
void
test_run_assert_order_range (TestRun *run,
                             guint    first,
                             guint    last)
{
  gint step = first <= last ? 1 : -1;
  guint n = (first <= last ? last - first : first - last) + 1;
  guint i;

  g_assert_cmpuint (run->order->len, ==, n);

  for (i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (run->order, guint, i), ==, first + (gint) i * step);
}

/* The operation's cancellable, created on first use. */
GCancellable *
test_op_cancellable (TestOp *op)
{
  if (op->cancellable == NULL)
    op->cancellable = g_cancellable_new ();

  return op->cancellable;
}

/**
 * test_op_start:
 *
 * Records the calling thread and its thread-default context, where the
 * callback must run; returns @op, to pass as the `_async` call's user data.
 */
gpointer
test_op_start (TestOp *op)
{
  g_assert_false (op->started);

  op->started = TRUE;
  op->thread = g_thread_self ();
  op->context = g_main_context_ref_thread_default ();
  /* The reference is only for the comparison: the run owns the context. */
  g_main_context_unref (op->context);

  return op;
}

void
test_op_callback (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TestOp *op = user_data;
  TestRun *run = op->run;

  /* Never from inside an API call, never twice, on the caller's thread and
   * on the context that was thread-default when the call was made. */
  g_assert_false (run->in_api);
  g_assert_true (op->started);
  g_assert_false (op->done);
  g_assert_true (g_thread_self () == op->thread);
  g_assert_true (g_main_context_is_owner (op->context));
  g_assert_true (g_main_context_get_thread_default () == op->context);
  g_assert_true (G_IS_OBJECT (source));
  g_assert_true (g_async_result_get_user_data (result) == op);

  run->depth++;
  run->max_depth = MAX (run->max_depth, run->depth);

  op->ok = op->finish (source, result, &op->error);
  g_assert_true (op->ok == (op->error == NULL));
  op->done = TRUE;
  g_array_append_val (run->order, op->id);
  run->n_done++;

  if (op->then != NULL)
    op->then (op, source);

  run->depth--;
}

void
test_op_assert_ok (TestOp *op)
{
  g_assert_true (op->done);
  g_assert_no_error (op->error);
  g_assert_true (op->ok);
}

void
test_op_assert_error (TestOp *op,
                      GQuark  domain,
                      gint    code)
{
  g_assert_true (op->done);
  g_assert_error (op->error, domain, code);
  g_assert_false (op->ok);
}

/* In a subprocess: let criticals be logged (to stderr) and return, as they
 * do outside tests, so that the child can check that nothing changed. */
void
test_trap_criticals_nonfatal (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;

  return G_SOURCE_REMOVE;
}

/**
 * test_run_until_timeout_passed:
 *
 * Iterates the test's context until @timeout's deadline has passed and
 * every timer armed on that context for it has been dispatched: a marker
 * timer is set to fire 2-3 ms after the deadline (later than any waiter's
 * deadline timer, which is ready at the deadline itself), and GLib
 * dispatches all ready sources of one priority in the same iteration.
 */
void
test_run_until_timeout_passed (TestRun          *run,
                               AsyncSyncTimeout *timeout)
{
  gint64 remaining = async_sync_timeout_get_deadline (timeout) - g_get_monotonic_time ();
  gboolean fired = FALSE;
  GSource *marker;

  marker = g_timeout_source_new ((guint) (MAX (remaining, 0) / 1000 + 3));
  g_source_set_priority (marker, G_PRIORITY_DEFAULT);
  g_source_set_callback (marker, set_flag_cb, &fired, NULL);
  g_source_attach (marker, run->context);
  g_source_unref (marker);

  test_run_until_flag (run, &fired);
  g_assert_true (async_sync_timeout_has_expired (timeout));
}

static gboolean
busy_source_cb (gpointer user_data)
{
  TestBusySource *busy = user_data;
  guint n_done = busy->run->n_done;

  busy->n_runs++;
  busy->max_completions_between_runs = MAX (busy->max_completions_between_runs,
                                             n_done - busy->n_done_at_last_run);
  busy->n_done_at_last_run = n_done;

  return G_SOURCE_CONTINUE;
}

/**
 * test_busy_source_start:
 * @priority: its priority
 *
 * Attaches @busy to the test's context; it stays ready until
 * test_busy_source_stop().
 */
void
test_busy_source_start (TestBusySource *busy,
                        TestRun        *run,
                        gint            priority)
{
  memset (busy, 0, sizeof *busy);
  busy->run = run;
  busy->n_done_at_last_run = run->n_done;
  busy->source = g_idle_source_new ();
  g_source_set_priority (busy->source, priority);
  g_source_set_callback (busy->source, busy_source_cb, busy, NULL);
  g_source_attach (busy->source, run->context);
}

/* Destroys the source; the completions after its last run count too. */
void
test_busy_source_stop (TestBusySource *busy)
{
  busy->max_completions_between_runs = MAX (busy->max_completions_between_runs,
                                            busy->run->n_done - busy->n_done_at_last_run);
  g_source_destroy (busy->source);
  g_clear_pointer (&busy->source, g_source_unref);
}

/**
 * test_run_until_n_done_within:
 *
 * Iterates the test's context, blocking, until @n_done operations have
 * completed or @max_iterations iterations were made, whichever comes
 * first: a test of liveness fails instead of hanging.
 *
 * Returns: whether @n_done operations completed in time
 */
gboolean
test_run_until_n_done_within (TestRun *run,
                              guint    n_done,
                              guint    max_iterations)
{
  guint i;

  for (i = 0; i < max_iterations && run->n_done < n_done; i++)
    {
      g_main_context_iteration (run->context, TRUE);
      run->n_iterations++;
    }

  return run->n_done >= n_done;
}

typedef struct
{
  TestMakeFunc   make;
  TestChangeFunc change;
  gboolean       object_freed;
  gboolean       context_freed;
} HomeNeverRun;

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
never_dispatched (gpointer data)
{
  g_assert_not_reached ();
}

static gpointer
home_never_run_thread (gpointer data)
{
  HomeNeverRun *test = data;
  GMainContext *context = g_main_context_new ();
  GSource *marker = g_idle_source_new ();
  GObject *object;
  gpointer weak;

  /* The marker is destroyed (its destroy notify runs) only when the
   * context is finalized: the context is never iterated. */
  g_source_set_callback (marker, never_dispatched, &test->context_freed, set_flag);
  g_source_attach (marker, context);
  g_source_unref (marker);

  g_main_context_push_thread_default (context);
  object = test->make ();
  test->change (object);
  g_main_context_pop_thread_default (context);

  weak = object;
  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  test->object_freed = weak == NULL;
  if (weak != NULL)
    g_object_remove_weak_pointer (weak, &weak);

  g_main_context_unref (context);

  return NULL;
}

/**
 * test_assert_freed_with_home_never_run:
 *
 * Makes an object in a thread under a temporary context that is never
 * iterated, then changes it (a notification is pending on that context)
 * and drops it: the object must be finalized at once, and the context
 * when the thread drops it, pending notification and all.
 */
void
test_assert_freed_with_home_never_run (TestMakeFunc   make,
                                       TestChangeFunc change)
{
  HomeNeverRun test = { make, change, FALSE, FALSE };

  g_thread_join (g_thread_new ("home-never-run", home_never_run_thread, &test));
  g_assert_true (test.object_freed);
  g_assert_true (test.context_freed);
}
