/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The test harness shared by the C tests: a private main context per test,
 * and a recorder for `_async` operations that checks, in every callback,
 * the rules every primitive must keep (never inside an API call, never
 * nested, on the caller's thread and context) and logs completion order.
 */

#include <asyncsync-glib/asyncsync-glib.h>

G_BEGIN_DECLS

typedef struct _TestRun TestRun;
typedef struct _TestOp  TestOp;

/* A `_finish` function seen through GObject, so that one callback serves
 * every class. */
typedef gboolean (*TestFinishFunc) (GObject       *source,
                                    GAsyncResult  *result,
                                    GError       **error);

/* What an operation does in its callback, after `_finish`. */
typedef void (*TestOpFunc) (TestOp  *op,
                            GObject *source);

/*
 * TestRun:
 * @context: the test's own main context, thread-default while the run lives
 * @order: ids of the completed operations, in completion order
 * @n_done: how many operations completed
 * @in_api: set by the test around an API call that must not run any
 *   callback; every callback asserts it is %FALSE
 * @depth: callbacks currently running (nested if > 1)
 * @max_depth: the deepest nesting seen
 * @n_iterations: iterations done through test_run_until*()
 */
struct _TestRun
{
  GMainContext *context;
  GArray       *order;
  guint         n_done;
  gboolean      in_api;
  guint         depth;
  guint         max_depth;
  guint         n_iterations;
  TestOp       *ops;
  guint         n_ops;
};

/*
 * TestOp:
 * One `_async` call.  test_op_callback() is its GAsyncReadyCallback.
 */
struct _TestOp
{
  TestRun       *run;
  guint          id;
  TestFinishFunc finish;
  TestOpFunc     then;
  gpointer       data;
  GCancellable  *cancellable;
  GThread       *thread;      /* the caller's: where the callback must run */
  GMainContext  *context;     /* the caller's thread-default context */
  gboolean       started;
  gboolean       done;
  gboolean       ok;
  GError        *error;
  gboolean       locked_in_callback;  /* filled in by some TestOpFuncs */
};

TestRun  *test_run_new               (guint           n_ops,
                                      TestFinishFunc  finish);
void      test_run_free              (TestRun        *run);
TestOp   *test_run_op                (TestRun        *run,
                                      guint           id);
void      test_run_until_done        (TestRun        *run,
                                      TestOp         *op);
void      test_run_until_n_done      (TestRun        *run,
                                      guint           n_done);
void      test_run_until_flag        (TestRun        *run,
                                      const gboolean *flag);
void      test_run_drain             (TestRun        *run);
void      test_run_in_source         (TestRun        *run,
                                      GSourceFunc     func,
                                      gpointer        data);
void      test_run_assert_order      (TestRun        *run,
                                      guint           n,
                                      ...);
void      test_run_assert_order_range (TestRun       *run,
                                      guint           first,
                                      guint           last);

GCancellable *test_op_cancellable    (TestOp         *op);
gpointer  test_op_start              (TestOp         *op);
void      test_op_callback           (GObject        *source,
                                      GAsyncResult   *result,
                                      gpointer        user_data);
void      test_op_assert_ok          (TestOp         *op);
void      test_op_assert_error       (TestOp         *op,
                                      GQuark          domain,
                                      gint            code);

void      test_run_unref_and_assert_finalized (TestRun *run,
                                      gpointer        object);

void      test_drain_context         (GMainContext   *context);

/* A GAsyncReadyCallback for calls that must never complete (refused by a
 * critical): fails the test if it runs. */
void      test_never_called_cb       (GObject        *source,
                                      GAsyncResult   *result,
                                      gpointer        user_data);
/* A GSourceFunc that cancels the GCancellable @data, once: a cancellation
 * made from a main-loop dispatch (see test_run_in_source()). */
gboolean  test_cancel_in_source      (gpointer        data);

/* Reads a count of @object, such as async_sync_lock_get_n_waiting(). */
typedef guint (*TestCountFunc) (gpointer object);

void      test_wait_for_count        (TestCountFunc   count,
                                      gpointer        object,
                                      guint           n);
void      test_trap_criticals_nonfatal (void);

void      test_run_until_timeout_passed (TestRun     *run,
                                      AsyncSyncTimeout *timeout);

/*
 * TestBusySource:
 * An idle source that is always ready (an application doing chunked work
 * in an idle that keeps returning %G_SOURCE_CONTINUE): it counts its runs
 * and the largest number of completions that ran between two of its runs.
 */
typedef struct
{
  TestRun *run;
  GSource *source;
  guint    n_runs;
  guint    n_done_at_last_run;
  guint    max_completions_between_runs;
} TestBusySource;

void      test_busy_source_start     (TestBusySource *busy,
                                      TestRun        *run,
                                      gint            priority);
void      test_busy_source_stop      (TestBusySource *busy);
gboolean  test_run_until_n_done_within (TestRun      *run,
                                      guint           n_done,
                                      guint           max_iterations);

/* Makes an object (under the thread-default context), and changes it so
 * that a property notification is pending. */
typedef GObject *(*TestMakeFunc)   (void);
typedef void     (*TestChangeFunc) (GObject *object);

void      test_assert_freed_with_home_never_run (TestMakeFunc   make,
                                      TestChangeFunc  change);

G_END_DECLS
