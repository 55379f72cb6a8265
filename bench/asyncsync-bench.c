/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * asyncsync-bench: the benchmark scenarios B0..B13 in C (B10..B13: Queue,
 * Barrier, Timeout, RWLock); the manual's "Benchmarks" chapter
 * (docs/reference/asyncsync-glib/benchmarks.xml) explains each one.
 *
 * Each scenario runs on a fresh GMainContext, pushed thread-default and
 * driven by g_main_loop_run() as an application would, times itself with
 * CLOCK_MONOTONIC, and checks its own result (counts, FIFO order, mutual
 * exclusion): a wrong result prints a message and exits with status 1.
 *
 *   asyncsync-bench [--scenario B3] [--runs 5] [--scale 0.01] [--json] [--diag]
 *
 * --diag adds a source that counts main-loop iterations and reports them
 * per operation (it costs a little per iteration: never use it for timing).
 *
 * Metrics are per operation (ns/op), except B6.mem (bytes per parked
 * waiter, from the resident set growth in /proc/self/statm).  bench/report.py
 * reads the --json output; build-aux/bench runs everything.
 */

#include <asyncsync-glib/asyncsync-glib.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FAIL(...) G_STMT_START {                                        \
    g_printerr ("asyncsync-bench: %s: ", current_scenario);            \
    g_printerr (__VA_ARGS__);                                           \
    g_printerr ("\n");                                                  \
    exit (1);                                                           \
  } G_STMT_END

#define CHECK(cond, ...) G_STMT_START {                                 \
    if (G_UNLIKELY (!(cond)))                                           \
      FAIL (__VA_ARGS__);                                               \
  } G_STMT_END

static const gchar *current_scenario = "";
static gdouble opt_scale = 1.0;
static gboolean opt_diag = FALSE;
static const gchar *opt_sub = NULL;  /* --scenario B8.lifo.100k: one part of B8 */

/* ---- results --------------------------------------------------------- */

typedef struct
{
  gchar  *name;
  gchar  *unit;
  guint64 n;        /* operations per sample */
  GArray *samples;  /* of gdouble */
  GArray *iters;    /* of gdouble: main-loop iterations per op (--diag) */
} Metric;

static GPtrArray *metrics;  /* in first-report order */

static Metric *
metric_get (const gchar *name,
            const gchar *unit,
            guint64      n)
{
  Metric *m;
  guint i;

  for (i = 0; i < metrics->len; i++)
    {
      m = g_ptr_array_index (metrics, i);
      if (strcmp (m->name, name) == 0)
        return m;
    }

  m = g_new0 (Metric, 1);
  m->name = g_strdup (name);
  m->unit = g_strdup (unit);
  m->n = n;
  m->samples = g_array_new (FALSE, FALSE, sizeof (gdouble));
  m->iters = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_ptr_array_add (metrics, m);

  return m;
}

static void
report (const gchar *name,
        const gchar *unit,
        guint64      n,
        gdouble      value)
{
  Metric *m = metric_get (name, unit, n);

  g_array_append_val (m->samples, value);
}

static void report_iterations (const gchar *name, guint64 n_ops);

/* --clock=cpu: the process's CPU time, which leaves out the time other
 * processes had the CPU (every scenario but B9 is single-threaded and
 * never blocks); B9 always uses wall time. */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static gint64
clock_ns (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gint64
now_ns (void)
{
  return clock_ns (bench_clock);
}

static gint64
wall_ns (void)
{
  return clock_ns (CLOCK_MONOTONIC);
}

static guint64
scaled (gdouble base,
        guint64 minimum)
{
  guint64 n = (guint64) (base * opt_scale + 0.5);

  return MAX (n, minimum);
}

static gint64
rss_bytes (void)
{
  gchar *contents = NULL;
  gint64 size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL))
    return 0;
  if (sscanf (contents, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &size, &resident) != 2)
    resident = 0;
  g_free (contents);

  return resident * sysconf (_SC_PAGESIZE);
}

static gint64
heap_bytes (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (gint64) info.uordblks + (gint64) info.hblkhd;
}

/* ---- one scenario's main context ------------------------------------- */

static GMainContext *ctx;
static GMainLoop *loop;
static guint64 n_iterations;

/* --diag: a source that is never ready and counts its prepare calls, one
 * per main-loop iteration. */
static gboolean
counter_prepare (GSource *source,
                 gint    *timeout)
{
  n_iterations++;
  *timeout = -1;
  return FALSE;
}

static GSourceFuncs counter_funcs = { .prepare = counter_prepare };

static void
ctx_begin (void)
{
  ctx = g_main_context_new ();
  g_main_context_push_thread_default (ctx);
  loop = g_main_loop_new (ctx, FALSE);

  if (opt_diag)
    {
      GSource *source = g_source_new (&counter_funcs, sizeof (GSource));

      g_source_set_priority (source, G_PRIORITY_HIGH);
      g_source_attach (source, ctx);
      g_source_unref (source);
    }
  n_iterations = 0;
}

static void
report_iterations (const gchar *name,
                   guint64      n_ops)
{
  Metric *m;
  gdouble per_op;

  if (!opt_diag)
    return;

  m = metric_get (name, "ns/op", n_ops);
  per_op = (gdouble) n_iterations / (gdouble) n_ops;
  g_array_append_val (m->iters, per_op);
}

static void
ctx_end (void)
{
  while (g_main_context_iteration (ctx, FALSE))
    ;
  g_main_loop_unref (loop);
  loop = NULL;
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  ctx = NULL;
}

/* An idle on the scenario's context (g_idle_add() uses the global one). */
static void
idle_on_ctx (GSourceFunc func,
             gpointer    data)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, ctx);
  g_source_unref (source);
}

/* ---- B0: the floor ---------------------------------------------------- */

static struct
{
  guint64 n, target;
} b0;

static void b0_floor_async (void);

static void
b0_floor_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CHECK (g_task_propagate_boolean (G_TASK (result), NULL), "task failed");

  if (++b0.n == b0.target)
    g_main_loop_quit (loop);
  else
    b0_floor_async ();
}

/* The bare `_async` function: a GTask returned at once, inside the call;
 * GTask defers the callback to an idle on the caller's context. */
static void
b0_floor_async (void)
{
  GTask *task = g_task_new (NULL, NULL, b0_floor_cb, NULL);

  g_task_set_source_tag (task, b0_floor_async);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
b0_iter_cb (gpointer user_data)
{
  if (++b0.n == b0.target)
    {
      g_main_loop_quit (loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
scenario_b0 (void)
{
  gint64 t0, t1;

  ctx_begin ();
  b0.n = 0;
  b0.target = scaled (1e6, 10);
  t0 = now_ns ();
  b0_floor_async ();
  g_main_loop_run (loop);
  t1 = now_ns ();
  CHECK (b0.n == b0.target, "%" G_GUINT64_FORMAT " callbacks", b0.n);
  report ("B0", "ns/op", b0.target, (gdouble) (t1 - t0) / b0.target);
  report_iterations ("B0", b0.target);
  ctx_end ();

  /* One bare main-loop iteration: an idle that stays ready. */
  ctx_begin ();
  b0.n = 0;
  b0.target = scaled (1e6, 10);
  idle_on_ctx (b0_iter_cb, NULL);
  t0 = now_ns ();
  g_main_loop_run (loop);
  t1 = now_ns ();
  CHECK (b0.n == b0.target, "%" G_GUINT64_FORMAT " iterations", b0.n);
  report ("B0.iter", "ns/op", b0.target, (gdouble) (t1 - t0) / b0.target);
  report_iterations ("B0.iter", b0.target);
  ctx_end ();
}

/* ---- B1: uncontended acquire_async ------------------------------------ */

static struct
{
  AsyncSyncLock *lock;
  guint64 n, target;
} b1;

static void
b1_acquired (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CHECK (async_sync_lock_acquire_finish (b1.lock, result, NULL), "acquire failed");
  CHECK (async_sync_lock_release (b1.lock, NULL), "release failed");

  if (++b1.n == b1.target)
    g_main_loop_quit (loop);
  else
    async_sync_lock_acquire_async (b1.lock, NULL, b1_acquired, NULL);
}

static void
scenario_b1 (void)
{
  gint64 t0, t1;

  ctx_begin ();
  b1.lock = async_sync_lock_new ();
  b1.n = 0;
  b1.target = scaled (1e6, 10);
  t0 = now_ns ();
  async_sync_lock_acquire_async (b1.lock, NULL, b1_acquired, NULL);
  g_main_loop_run (loop);
  t1 = now_ns ();
  CHECK (b1.n == b1.target, "%" G_GUINT64_FORMAT " acquisitions", b1.n);
  CHECK (!async_sync_lock_is_locked (b1.lock), "lock left locked");
  report ("B1", "ns/op", b1.target, (gdouble) (t1 - t0) / b1.target);
  report_iterations ("B1", b1.target);
  ctx_end ();
  g_object_unref (b1.lock);
}

/* ---- B2: try_acquire + release ---------------------------------------- */

static void
scenario_b2 (void)
{
  AsyncSyncLock *lock;
  guint64 i, n = scaled (1e7, 10);
  guint64 acquired = 0;
  gint64 t0, t1;

  ctx_begin ();
  lock = async_sync_lock_new ();

  t0 = now_ns ();
  for (i = 0; i < n; i++)
    {
      acquired += async_sync_lock_try_acquire (lock);
      async_sync_lock_release (lock, NULL);
    }
  t1 = now_ns ();

  CHECK (acquired == n, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " try_acquire succeeded",
         acquired, n);
  CHECK (async_sync_lock_try_acquire (lock), "free lock refused");
  CHECK (!async_sync_lock_try_acquire (lock), "held lock taken twice");
  CHECK (async_sync_lock_release (lock, NULL), "release failed");
  CHECK (!async_sync_lock_is_locked (lock), "lock left locked");
  report ("B2", "ns/op", n, (gdouble) (t1 - t0) / n);
  ctx_end ();
  g_object_unref (lock);
}

/* ---- B3, B4: contended Lock; B5: Semaphore ----------------------------- */

typedef struct _Contention Contention;

typedef struct
{
  Contention *s;
  guint       id;
  guint64     rounds;
} Worker;

struct _Contention
{
  AsyncSyncLock      *lock;   /* B3, B4 */
  AsyncSyncSemaphore *sem;    /* B5 */
  guint               n_tasks;
  guint64             n_rounds;
  guint               max_holders;
  guint               holders;
  guint64             grants;
  guint               finished;
  Worker             *workers;
};

static Contention cont;

static void contention_acquired (GObject *source, GAsyncResult *result, gpointer user_data);

static void
contention_acquire (Worker *w)
{
  if (cont.lock != NULL)
    async_sync_lock_acquire_async (cont.lock, NULL, contention_acquired, w);
  else
    async_sync_semaphore_acquire_async (cont.sem, NULL, contention_acquired, w);
}

/* Gives back what @w holds; queues it again if it has rounds left. */
static void
contention_release (Worker *w)
{
  cont.holders--;
  if (cont.lock != NULL)
    CHECK (async_sync_lock_release (cont.lock, NULL), "release failed");
  else
    CHECK (async_sync_semaphore_release (cont.sem, NULL), "release failed");

  if (++w->rounds < cont.n_rounds)
    contention_acquire (w);
  else if (++cont.finished == cont.n_tasks)
    g_main_loop_quit (loop);
}

static gboolean
contention_idle_release (gpointer user_data)
{
  contention_release (user_data);
  return G_SOURCE_REMOVE;
}

/* B3 and B5 hold across one idle; B4 releases at once. */
static gboolean contention_hold_across_idle;

static void
contention_acquired (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Worker *w = user_data;
  gboolean ok;

  if (cont.lock != NULL)
    ok = async_sync_lock_acquire_finish (cont.lock, result, NULL);
  else
    ok = async_sync_semaphore_acquire_finish (cont.sem, result, NULL);
  CHECK (ok, "acquire failed");

  cont.holders++;
  CHECK (cont.holders <= cont.max_holders, "%u holders at once (at most %u)",
         cont.holders, cont.max_holders);
  /* Strict FIFO: every task queues again behind the others, so grants go
   * round-robin. */
  CHECK (cont.grants % cont.n_tasks == w->id,
         "grant %" G_GUINT64_FORMAT " went to task %u (FIFO order broken)",
         cont.grants, w->id);
  cont.grants++;

  if (contention_hold_across_idle)
    idle_on_ctx (contention_idle_release, w);
  else
    contention_release (w);
}

static void
contention_run (const gchar *name,
                guint        n_tasks,
                guint64      n_rounds,
                guint        permits,
                gboolean     hold_across_idle)
{
  guint64 total = (guint64) n_tasks * n_rounds;
  gint64 t0, t1;
  guint i;

  ctx_begin ();
  memset (&cont, 0, sizeof cont);
  if (permits == 0)
    {
      cont.lock = async_sync_lock_new ();
      cont.max_holders = 1;
    }
  else
    {
      cont.sem = async_sync_semaphore_new (permits);
      cont.max_holders = permits;
    }
  cont.n_tasks = n_tasks;
  cont.n_rounds = n_rounds;
  cont.workers = g_new0 (Worker, n_tasks);
  contention_hold_across_idle = hold_across_idle;

  t0 = now_ns ();
  for (i = 0; i < n_tasks; i++)
    {
      cont.workers[i].s = &cont;
      cont.workers[i].id = i;
      contention_acquire (&cont.workers[i]);
    }
  g_main_loop_run (loop);
  t1 = now_ns ();

  CHECK (cont.grants == total, "%" G_GUINT64_FORMAT " grants, expected %" G_GUINT64_FORMAT,
         cont.grants, total);
  CHECK (cont.holders == 0, "%u holders left", cont.holders);
  for (i = 0; i < n_tasks; i++)
    CHECK (cont.workers[i].rounds == n_rounds, "task %u did %" G_GUINT64_FORMAT " rounds",
           i, cont.workers[i].rounds);
  if (cont.lock != NULL)
    CHECK (!async_sync_lock_is_locked (cont.lock), "lock left locked");
  else
    CHECK (async_sync_semaphore_get_value (cont.sem) == permits, "semaphore value %u",
           async_sync_semaphore_get_value (cont.sem));

  report (name, "ns/op", total, (gdouble) (t1 - t0) / total);
  report_iterations (name, total);
  ctx_end ();

  g_clear_object (&cont.lock);
  g_clear_object (&cont.sem);
  g_free (cont.workers);
}

static void
scenario_b3 (void)
{
  contention_run ("B3", 100, scaled (1000, 2), 0, TRUE);
}

static void
scenario_b4 (void)
{
  contention_run ("B4", 100, scaled (1e4, 2), 0, FALSE);
}

static void
scenario_b5 (void)
{
  contention_run ("B5", 1000, scaled (100, 2), 10, TRUE);
}

/* ---- B6: Event --------------------------------------------------------- */

static struct
{
  AsyncSyncEvent *event;
  guint64 n, target;
  gint64 t_last;
} b6;

static void
b6_woken (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  CHECK (async_sync_event_wait_finish (b6.event, result, NULL), "wait failed");
  CHECK (GPOINTER_TO_SIZE (user_data) == b6.n, "waiter %" G_GSIZE_FORMAT " woke as #%"
         G_GUINT64_FORMAT " (FIFO order broken)", GPOINTER_TO_SIZE (user_data), b6.n);

  if (++b6.n == b6.target)
    {
      b6.t_last = now_ns ();
      g_main_loop_quit (loop);
    }
}

static void
scenario_b6 (void)
{
  gint64 rss0, rss1, heap0, heap1, t0, t1;
  guint64 i;

  ctx_begin ();
  b6.event = async_sync_event_new ();
  b6.n = 0;
  b6.target = scaled (1e5, 10);

  /* Settle: the dispatcher exists, the heap is warm. */
  async_sync_event_set (b6.event);
  async_sync_event_clear (b6.event);
  while (g_main_context_iteration (ctx, FALSE))
    ;

  rss0 = rss_bytes ();
  heap0 = heap_bytes ();
  t0 = now_ns ();
  for (i = 0; i < b6.target; i++)
    async_sync_event_wait_async (b6.event, NULL, b6_woken, GSIZE_TO_POINTER (i));
  t1 = now_ns ();
  rss1 = rss_bytes ();
  heap1 = heap_bytes ();
  CHECK (async_sync_event_get_n_waiting (b6.event) == b6.target, "%u waiting",
         async_sync_event_get_n_waiting (b6.event));

  report ("B6.park", "ns/op", b6.target, (gdouble) (t1 - t0) / b6.target);
  report ("B6.mem", "bytes", b6.target, (gdouble) (rss1 - rss0) / b6.target);
  report ("B6.heap", "bytes", b6.target, (gdouble) (heap1 - heap0) / b6.target);

  n_iterations = 0;
  t0 = now_ns ();
  async_sync_event_set (b6.event);
  g_main_loop_run (loop);

  CHECK (b6.n == b6.target, "%" G_GUINT64_FORMAT " woken", b6.n);
  CHECK (async_sync_event_get_n_waiting (b6.event) == 0, "waiters left");
  report ("B6", "ns/op", b6.target, (gdouble) (b6.t_last - t0) / b6.target);
  report_iterations ("B6", b6.target);
  ctx_end ();
  g_object_unref (b6.event);
}

/* ---- B7: Condition ----------------------------------------------------- */

static struct
{
  AsyncSyncCondition *cond;
  guint64 parked, woken, target;
  gint64 t_last;
} b7;

static void
b7_woken (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  CHECK (async_sync_condition_wait_finish (b7.cond, result, NULL), "wait failed");
  CHECK (GPOINTER_TO_SIZE (user_data) == b7.woken, "waiter %" G_GSIZE_FORMAT " re-acquired as #%"
         G_GUINT64_FORMAT " (FIFO order broken)", GPOINTER_TO_SIZE (user_data), b7.woken);

  if (++b7.woken == b7.target)
    b7.t_last = now_ns ();
  CHECK (async_sync_condition_release (b7.cond, NULL), "release failed");
  if (b7.woken == b7.target)
    g_main_loop_quit (loop);
}

static void
b7_acquired (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CHECK (async_sync_condition_acquire_finish (b7.cond, result, NULL), "acquire failed");
  async_sync_condition_wait_async (b7.cond, NULL, b7_woken, user_data);
  if (++b7.parked == b7.target)
    g_main_loop_quit (loop);
}

static void
scenario_b7 (void)
{
  gint64 t0;
  guint64 i;

  ctx_begin ();
  b7.cond = async_sync_condition_new (NULL);
  b7.parked = b7.woken = 0;
  b7.target = scaled (1e5, 10);

  /* Park every waiter: acquire, then wait (which hands the lock on). */
  for (i = 0; i < b7.target; i++)
    async_sync_condition_acquire_async (b7.cond, NULL, b7_acquired, GSIZE_TO_POINTER (i));
  g_main_loop_run (loop);
  CHECK (async_sync_condition_get_n_waiting (b7.cond) == b7.target, "%u waiting",
         async_sync_condition_get_n_waiting (b7.cond));
  CHECK (!async_sync_condition_is_locked (b7.cond), "lock held after parking");

  n_iterations = 0;
  t0 = now_ns ();
  CHECK (async_sync_condition_try_acquire (b7.cond), "free lock refused");
  CHECK (async_sync_condition_notify_all (b7.cond, NULL), "notify_all failed");
  CHECK (async_sync_condition_release (b7.cond, NULL), "release failed");
  g_main_loop_run (loop);

  CHECK (b7.woken == b7.target, "%" G_GUINT64_FORMAT " woken", b7.woken);
  CHECK (!async_sync_condition_is_locked (b7.cond), "lock left locked");
  report ("B7", "ns/op", b7.target, (gdouble) (b7.t_last - t0) / b7.target);
  report_iterations ("B7", b7.target);
  ctx_end ();
  g_object_unref (b7.cond);
}

/* ---- B8: cancellation -------------------------------------------------- */

static struct
{
  AsyncSyncLock *lock;
  guint64 n, target;
  gboolean lifo;
} b8;

static void
b8_cancelled (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gsize id = GPOINTER_TO_SIZE (user_data);
  gsize expected = b8.lifo ? b8.target - 1 - b8.n : b8.n;

  CHECK (!async_sync_lock_acquire_finish (b8.lock, result, &error), "cancelled waiter got the lock");
  CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "not G_IO_ERROR_CANCELLED");
  CHECK (id == expected, "waiter %" G_GSIZE_FORMAT " completed as #%" G_GUINT64_FORMAT
         " (expected %" G_GSIZE_FORMAT ")", id, b8.n, expected);

  if (++b8.n == b8.target)
    g_main_loop_quit (loop);
}

static void
b8_run (guint64  n,
        gboolean lifo,
        gdouble  base)
{
  GCancellable **cancellables = g_new (GCancellable *, n);
  gchar *name = g_strdup_printf ("B8.%s.%s", lifo ? "lifo" : "fifo",
                                 base >= 1e5 ? "100k" : "10k");
  gchar *cancel_name = g_strconcat (name, ".cancel", NULL);
  gint64 t0, t1, t2;
  guint64 i;

  if (opt_sub != NULL && g_ascii_strcasecmp (opt_sub, name) != 0)
    {
      g_free (cancellables);
      g_free (cancel_name);
      g_free (name);
      return;
    }

  ctx_begin ();
  b8.lock = async_sync_lock_new ();
  b8.n = 0;
  b8.target = n;
  b8.lifo = lifo;

  CHECK (async_sync_lock_try_acquire (b8.lock), "free lock refused");
  for (i = 0; i < n; i++)
    {
      cancellables[i] = g_cancellable_new ();
      async_sync_lock_acquire_async (b8.lock, cancellables[i], b8_cancelled, GSIZE_TO_POINTER (i));
    }
  CHECK (async_sync_lock_get_n_waiting (b8.lock) == n, "%u waiting",
         async_sync_lock_get_n_waiting (b8.lock));

  n_iterations = 0;
  t0 = now_ns ();
  for (i = 0; i < n; i++)
    g_cancellable_cancel (cancellables[lifo ? n - 1 - i : i]);
  t1 = now_ns ();
  g_main_loop_run (loop);
  t2 = now_ns ();

  CHECK (b8.n == n, "%" G_GUINT64_FORMAT " callbacks", b8.n);
  CHECK (async_sync_lock_get_n_waiting (b8.lock) == 0, "waiters left");
  CHECK (async_sync_lock_is_locked (b8.lock), "the holder lost the lock");
  CHECK (async_sync_lock_release (b8.lock, NULL), "release failed");
  CHECK (!async_sync_lock_is_locked (b8.lock), "lock handed to a cancelled waiter");

  /* Whole cost: cancel, then every callback has run. */
  report (name, "ns/op", n, (gdouble) (t2 - t0) / n);
  report (cancel_name, "ns/op", n, (gdouble) (t1 - t0) / n);
  report_iterations (name, n);
  ctx_end ();

  for (i = 0; i < n; i++)
    g_object_unref (cancellables[i]);
  g_free (cancellables);
  g_object_unref (b8.lock);
  g_free (cancel_name);
  g_free (name);
}

static void
scenario_b8 (void)
{
  b8_run (scaled (1e4, 10), FALSE, 1e4);
  b8_run (scaled (1e5, 10), FALSE, 1e5);
  b8_run (scaled (1e4, 10), TRUE, 1e4);
  b8_run (scaled (1e5, 10), TRUE, 1e5);
}

/* ---- B9: two threads, two contexts, one Lock --------------------------- */

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  guint64       n;
} B9Thread;

static struct
{
  AsyncSyncLock *lock;
  guint64 target;
  gint holder;   /* atomic: 0 free, else the holding thread's 1-based id */
  B9Thread threads[2];
} b9;

static void
b9_acquired (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  B9Thread *t = user_data;
  gint id = (gint) (t - b9.threads) + 1;

  CHECK (async_sync_lock_acquire_finish (b9.lock, result, NULL), "acquire failed");
  CHECK (g_main_context_is_owner (t->context), "callback on the wrong context");
  CHECK (g_atomic_int_compare_and_exchange (&b9.holder, 0, id), "two holders at once");
  t->n++;
  CHECK (g_atomic_int_compare_and_exchange (&b9.holder, id, 0), "two holders at once");
  CHECK (async_sync_lock_release (b9.lock, NULL), "release failed");

  if (t->n < b9.target)
    async_sync_lock_acquire_async (b9.lock, NULL, b9_acquired, t);
  else
    g_main_loop_quit (t->loop);
}

static gpointer
b9_thread (gpointer user_data)
{
  B9Thread *t = user_data;

  g_main_context_push_thread_default (t->context);
  async_sync_lock_acquire_async (b9.lock, NULL, b9_acquired, t);
  g_main_loop_run (t->loop);
  while (g_main_context_iteration (t->context, FALSE))
    ;
  g_main_context_pop_thread_default (t->context);

  return NULL;
}

static void
scenario_b9 (void)
{
  GThread *threads[2];
  gint64 t0, t1;
  guint i;

  ctx_begin ();
  b9.lock = async_sync_lock_new ();
  b9.target = scaled (1e5, 10);
  b9.holder = 0;
  for (i = 0; i < 2; i++)
    {
      b9.threads[i].context = g_main_context_new ();
      b9.threads[i].loop = g_main_loop_new (b9.threads[i].context, FALSE);
      b9.threads[i].n = 0;
    }

  t0 = wall_ns ();
  for (i = 0; i < 2; i++)
    threads[i] = g_thread_new ("b9", b9_thread, &b9.threads[i]);
  for (i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  t1 = wall_ns ();

  for (i = 0; i < 2; i++)
    {
      CHECK (b9.threads[i].n == b9.target, "thread %u: %" G_GUINT64_FORMAT " acquisitions",
             i, b9.threads[i].n);
      g_main_loop_unref (b9.threads[i].loop);
      g_main_context_unref (b9.threads[i].context);
    }
  CHECK (!async_sync_lock_is_locked (b9.lock), "lock left locked");
  report ("B9", "ns/op", 2 * b9.target, (gdouble) (t1 - t0) / (2 * b9.target));
  ctx_end ();
  g_object_unref (b9.lock);
}

/* ---- B10: Queue throughput --------------------------------------------- */

/* Items come from a pool larger than what can be in flight (maxsize + the
 * one being put + the one being got), so item k is pool[k % size] and the
 * consumer checking that identity proves every item arrives once, in order. */
#define B10_POOL 256

static struct
{
  AsyncSyncQueue *queue;
  GObject *pool[B10_POOL];
  guint64 put, got, target;
} b10;

static void b10_put_next (void);
static void b10_get_next (void);

static void
b10_put_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CHECK (async_sync_queue_put_finish (b10.queue, result, NULL), "put failed");
  if (++b10.put < b10.target)
    b10_put_next ();
}

static void
b10_put_next (void)
{
  async_sync_queue_put_async (b10.queue, b10.pool[b10.put % B10_POOL], NULL, b10_put_done, NULL);
}

static void
b10_got (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GObject *item = async_sync_queue_get_finish (b10.queue, result, NULL);

  CHECK (item != NULL, "get failed");
  CHECK (item == b10.pool[b10.got % B10_POOL], "item %" G_GUINT64_FORMAT
         " out of order, lost or duplicated", b10.got);
  g_object_unref (item);

  if (++b10.got == b10.target)
    g_main_loop_quit (loop);
  else
    b10_get_next ();
}

static void
b10_get_next (void)
{
  async_sync_queue_get_async (b10.queue, NULL, b10_got, NULL);
}

static void
scenario_b10 (void)
{
  gint64 t0, t1;
  guint i;

  ctx_begin ();
  b10.queue = async_sync_queue_new (G_TYPE_OBJECT, 100);
  for (i = 0; i < B10_POOL; i++)
    b10.pool[i] = g_object_new (G_TYPE_OBJECT, NULL);
  b10.put = b10.got = 0;
  b10.target = scaled (1e5, 10);

  t0 = now_ns ();
  b10_put_next ();
  b10_get_next ();
  g_main_loop_run (loop);
  t1 = now_ns ();

  CHECK (b10.put == b10.target && b10.got == b10.target, "%" G_GUINT64_FORMAT " put, %"
         G_GUINT64_FORMAT " got", b10.put, b10.got);
  CHECK (async_sync_queue_is_empty (b10.queue), "items left in the queue");
  for (i = 0; i < B10_POOL; i++)
    {
      CHECK (b10.pool[i]->ref_count == 1, "item %u: %u references left", i,
             b10.pool[i]->ref_count);
      g_object_unref (b10.pool[i]);
    }
  report ("B10", "ns/op", b10.target, (gdouble) (t1 - t0) / b10.target);
  report_iterations ("B10", b10.target);
  ctx_end ();
  g_object_unref (b10.queue);
}

/* ---- B11: Barrier ------------------------------------------------------ */

typedef struct
{
  guint   id;
  guint64 cycle;
} B11Party;

static struct
{
  AsyncSyncBarrier *barrier;
  guint n_parties;
  guint64 n_cycles, waits, finished;
  guint8 *seen;      /* n_cycles x n_parties: index seen in that cycle */
  B11Party *parties;
} b11;

static void
b11_passed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  B11Party *p = user_data;
  guint index = G_MAXUINT;

  CHECK (async_sync_barrier_wait_finish (b11.barrier, result, &index, NULL), "wait failed");
  CHECK (index < b11.n_parties, "index %u of %u parties", index, b11.n_parties);
  CHECK (!b11.seen[p->cycle * b11.n_parties + index], "cycle %" G_GUINT64_FORMAT
         ": index %u returned twice", p->cycle, index);
  b11.seen[p->cycle * b11.n_parties + index] = 1;
  b11.waits++;

  if (++p->cycle < b11.n_cycles)
    async_sync_barrier_wait_async (b11.barrier, NULL, b11_passed, p);
  else if (++b11.finished == b11.n_parties)
    g_main_loop_quit (loop);
}

static void
scenario_b11 (void)
{
  guint64 total, i;
  gint64 t0, t1;
  guint j;

  ctx_begin ();
  b11.n_parties = 100;
  b11.n_cycles = scaled (1000, 2);
  total = b11.n_parties * b11.n_cycles;
  b11.barrier = async_sync_barrier_new (b11.n_parties);
  b11.seen = g_malloc0 (total);
  b11.parties = g_new0 (B11Party, b11.n_parties);
  b11.waits = b11.finished = 0;

  t0 = now_ns ();
  for (j = 0; j < b11.n_parties; j++)
    {
      b11.parties[j].id = j;
      async_sync_barrier_wait_async (b11.barrier, NULL, b11_passed, &b11.parties[j]);
    }
  g_main_loop_run (loop);
  t1 = now_ns ();

  CHECK (b11.waits == total, "%" G_GUINT64_FORMAT " waits, expected %" G_GUINT64_FORMAT,
         b11.waits, total);
  for (i = 0; i < total; i++)
    CHECK (b11.seen[i], "cycle %" G_GUINT64_FORMAT ": index %" G_GUINT64_FORMAT " missing",
           i / b11.n_parties, i % b11.n_parties);
  CHECK (async_sync_barrier_get_n_waiting (b11.barrier) == 0, "parties left waiting");
  CHECK (!async_sync_barrier_is_broken (b11.barrier), "barrier broken");
  report ("B11", "ns/op", total, (gdouble) (t1 - t0) / total);
  report_iterations ("B11", total);
  ctx_end ();
  g_object_unref (b11.barrier);
  g_free (b11.seen);
  g_free (b11.parties);
}

/* ---- B12: uncontended acquire with a timeout --------------------------- */

static struct
{
  AsyncSyncLock *lock;
  guint64 n, target;
} b12;

static void b12_next (void);

static void
b12_acquired (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncSyncTimeout *timeout = user_data;

  CHECK (async_sync_lock_acquire_finish (b12.lock, result, NULL), "acquire failed");
  CHECK (async_sync_lock_release (b12.lock, NULL), "release failed");
  g_object_unref (timeout);

  if (++b12.n == b12.target)
    g_main_loop_quit (loop);
  else
    b12_next ();
}

/* A fresh timeout per acquisition, as `async with asyncio.timeout (1)`. */
static void
b12_next (void)
{
  AsyncSyncTimeout *timeout = async_sync_timeout_new (1000);

  async_sync_lock_acquire_async (b12.lock, G_CANCELLABLE (timeout), b12_acquired, timeout);
}

static void
scenario_b12 (void)
{
  gint64 t0, t1;

  ctx_begin ();
  b12.lock = async_sync_lock_new ();
  b12.n = 0;
  b12.target = scaled (1e5, 10);
  t0 = now_ns ();
  b12_next ();
  g_main_loop_run (loop);
  t1 = now_ns ();
  CHECK (b12.n == b12.target, "%" G_GUINT64_FORMAT " acquisitions", b12.n);
  CHECK (!async_sync_lock_is_locked (b12.lock), "lock left locked");
  report ("B12", "ns/op", b12.target, (gdouble) (t1 - t0) / b12.target);
  report_iterations ("B12", b12.target);
  ctx_end ();
  g_object_unref (b12.lock);
}

/* ---- B13: RWLock, readers and a writer --------------------------------- */

typedef struct
{
  gboolean writer;
  guint64  rounds;
} B13Task;

static struct
{
  AsyncSyncRWLock *rw;
  guint n_tasks;
  guint64 n_rounds, grants;
  guint readers, finished;
  gboolean writing;
  B13Task *tasks;
} b13;

static void b13_acquired (GObject *source, GAsyncResult *result, gpointer user_data);

static void
b13_acquire (B13Task *t)
{
  if (t->writer)
    async_sync_rw_lock_write_acquire_async (b13.rw, NULL, b13_acquired, t);
  else
    async_sync_rw_lock_read_acquire_async (b13.rw, NULL, b13_acquired, t);
}

static gboolean
b13_idle_release (gpointer user_data)
{
  B13Task *t = user_data;

  if (t->writer)
    {
      b13.writing = FALSE;
      CHECK (async_sync_rw_lock_write_release (b13.rw, NULL), "write release failed");
    }
  else
    {
      b13.readers--;
      CHECK (async_sync_rw_lock_read_release (b13.rw, NULL), "read release failed");
    }

  if (++t->rounds < b13.n_rounds)
    b13_acquire (t);
  else if (++b13.finished == b13.n_tasks)
    g_main_loop_quit (loop);

  return G_SOURCE_REMOVE;
}

static void
b13_acquired (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  B13Task *t = user_data;

  if (t->writer)
    {
      CHECK (async_sync_rw_lock_write_acquire_finish (b13.rw, result, NULL), "write acquire failed");
      CHECK (!b13.writing && b13.readers == 0, "writer admitted beside %u readers%s",
             b13.readers, b13.writing ? " and a writer" : "");
      b13.writing = TRUE;
    }
  else
    {
      CHECK (async_sync_rw_lock_read_acquire_finish (b13.rw, result, NULL), "read acquire failed");
      CHECK (!b13.writing, "reader admitted beside the writer");
      b13.readers++;
    }
  b13.grants++;
  idle_on_ctx (b13_idle_release, t);
}

static void
scenario_b13 (void)
{
  guint64 total;
  gint64 t0, t1;
  guint i;

  ctx_begin ();
  b13.rw = async_sync_rw_lock_new ();
  b13.n_tasks = 11;  /* 10 readers and 1 writer */
  b13.n_rounds = scaled (1000, 2);
  b13.grants = 0;
  b13.readers = b13.finished = 0;
  b13.writing = FALSE;
  b13.tasks = g_new0 (B13Task, b13.n_tasks);
  total = b13.n_tasks * b13.n_rounds;

  t0 = now_ns ();
  for (i = 0; i < b13.n_tasks; i++)
    {
      b13.tasks[i].writer = i == b13.n_tasks / 2;
      b13_acquire (&b13.tasks[i]);
    }
  g_main_loop_run (loop);
  t1 = now_ns ();

  CHECK (b13.grants == total, "%" G_GUINT64_FORMAT " grants, expected %" G_GUINT64_FORMAT,
         b13.grants, total);
  for (i = 0; i < b13.n_tasks; i++)
    CHECK (b13.tasks[i].rounds == b13.n_rounds, "task %u did %" G_GUINT64_FORMAT " rounds",
           i, b13.tasks[i].rounds);
  CHECK (b13.readers == 0 && !b13.writing, "holders left");
  CHECK (async_sync_rw_lock_get_n_readers (b13.rw) == 0 &&
         !async_sync_rw_lock_is_write_locked (b13.rw), "lock left held");
  report ("B13", "ns/op", total, (gdouble) (t1 - t0) / total);
  report_iterations ("B13", total);
  ctx_end ();
  g_object_unref (b13.rw);
  g_free (b13.tasks);
}

/* ---- main -------------------------------------------------------------- */

typedef struct
{
  const gchar *name;
  void (*run) (void);
  const gchar *what;
} Scenario;

static const Scenario scenarios[] = {
  { "B0", scenario_b0, "floor: bare GTask round trip; B0.iter: one main-loop iteration" },
  { "B1", scenario_b1, "uncontended acquire_async -> callback -> release" },
  { "B2", scenario_b2, "try_acquire + release" },
  { "B3", scenario_b3, "Lock, 100 tasks x 1000 rounds, held across one idle" },
  { "B4", scenario_b4, "Lock, 100 tasks x 1e4, pure hand-off" },
  { "B5", scenario_b5, "Semaphore(10), 1000 tasks x 100 rounds, held across one idle" },
  { "B6", scenario_b6, "Event, 1e5 waiters, set(): time to last callback; B6.mem bytes/waiter" },
  { "B7", scenario_b7, "Condition, 1e5 waiters, notify_all(): time to last re-acquire" },
  { "B8", scenario_b8, "cancel 1e4 / 1e5 queued waiters, FIFO and LIFO order" },
  { "B9", scenario_b9, "2 threads, own contexts, one Lock, 1e5 acquisitions each" },
  { "B10", scenario_b10, "Queue(maxsize 100), 1 producer + 1 consumer, 1e5 items: ns per put+get" },
  { "B11", scenario_b11, "Barrier, 100 parties x 1000 cycles: ns per party-wait" },
  { "B12", scenario_b12, "uncontended acquire_async with a fresh Timeout each, 1e5" },
  { "B13", scenario_b13, "RWLock, 10 readers + 1 writer x 1000 rounds, held across one idle" },
};

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return (x > y) - (x < y);
}

static gdouble
median_of (GArray *values)
{
  GArray *sorted;
  gdouble median;

  if (values->len == 0)
    return 0;

  sorted = g_array_copy (values);
  g_array_sort (sorted, compare_doubles);
  if (sorted->len % 2 == 1)
    median = g_array_index (sorted, gdouble, sorted->len / 2);
  else
    median = (g_array_index (sorted, gdouble, sorted->len / 2 - 1) +
              g_array_index (sorted, gdouble, sorted->len / 2)) / 2;
  g_array_unref (sorted);

  return median;
}

static gdouble
min_of (GArray *values)
{
  gdouble v = G_MAXDOUBLE;
  guint i;

  for (i = 0; i < values->len; i++)
    v = MIN (v, g_array_index (values, gdouble, i));
  return v;
}

static gdouble
max_of (GArray *values)
{
  gdouble v = -G_MAXDOUBLE;
  guint i;

  for (i = 0; i < values->len; i++)
    v = MAX (v, g_array_index (values, gdouble, i));
  return v;
}

static void
print_json (guint n_runs)
{
  GString *out = g_string_new (NULL);
  guint i, j;

  g_string_append_printf (out,
                          "{\"impl\": \"asyncsync-glib\", \"version\": \"%s\", "
                          "\"runtime\": \"GLib %u.%u.%u\", \"scale\": %g, \"runs\": %u, \"clock\": \"%s\",\n"
                          " \"metrics\": {",
                          PACKAGE_VERSION, glib_major_version, glib_minor_version,
                          glib_micro_version, opt_scale, n_runs,
                          bench_clock == CLOCK_MONOTONIC ? "wall" : "cpu");
  for (i = 0; i < metrics->len; i++)
    {
      Metric *m = g_ptr_array_index (metrics, i);

      g_string_append_printf (out, "%s\n  \"%s\": {\"unit\": \"%s\", \"n\": %" G_GUINT64_FORMAT
                              ", \"samples\": [", i > 0 ? "," : "", m->name, m->unit, m->n);
      for (j = 0; j < m->samples->len; j++)
        g_string_append_printf (out, "%s%.3f", j > 0 ? ", " : "",
                                g_array_index (m->samples, gdouble, j));
      g_string_append (out, "]");
      if (m->iters->len > 0)
        g_string_append_printf (out, ", \"iterations_per_op\": %.4f", median_of (m->iters));
      g_string_append (out, "}");
    }
  g_string_append (out, "\n }\n}\n");
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
}

static void
print_text (void)
{
  guint i;

  g_print ("%-16s %12s %12s %12s  %-6s %s\n", "metric", "median", "min", "max", "unit",
           opt_diag ? "iterations/op" : "");
  for (i = 0; i < metrics->len; i++)
    {
      Metric *m = g_ptr_array_index (metrics, i);

      g_print ("%-16s %12.1f %12.1f %12.1f  %-6s", m->name, median_of (m->samples),
               min_of (m->samples), max_of (m->samples), m->unit);
      if (m->iters->len > 0)
        g_print (" %.4f", median_of (m->iters));
      g_print ("\n");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree gchar *opt_scenario = NULL;
  gint opt_runs = 1;
  g_autofree gchar *opt_clock = NULL;
  gboolean opt_json = FALSE, opt_list = FALSE;
  GOptionEntry entries[] = {
    { "scenario", 's', 0, G_OPTION_ARG_STRING, &opt_scenario,
      "Run only this scenario (B0..B13, or one part of B8: B8.lifo.100k)", "NAME" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Runs of each scenario (default 1)", "N" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &opt_scale, "Multiply every size by F (smoke: 0.01)", "F" },
    { "clock", 0, 0, G_OPTION_ARG_STRING, &opt_clock, "wall (default) or cpu: process CPU time (B9: always wall)", "CLOCK" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "Print JSON", NULL },
    { "diag", 0, 0, G_OPTION_ARG_NONE, &opt_diag, "Count main-loop iterations per op (slower)", NULL },
    { "list", 0, 0, G_OPTION_ARG_NONE, &opt_list, "List the scenarios", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- asyncsync-glib benchmarks");
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  gint run;
  guint i;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_scenario != NULL && g_ascii_strncasecmp (opt_scenario, "B8.", 3) == 0)
    {
      opt_sub = g_strdup (opt_scenario);
      opt_scenario[2] = '\0';
    }
  if (g_strcmp0 (opt_clock, "cpu") == 0)
    bench_clock = CLOCK_PROCESS_CPUTIME_ID;
  else if (opt_clock != NULL && g_strcmp0 (opt_clock, "wall") != 0)
    {
      g_printerr ("--clock must be wall or cpu\n");
      return 2;
    }
  if (opt_runs < 1 || opt_scale <= 0)
    {
      g_printerr ("--runs must be >= 1 and --scale > 0\n");
      return 2;
    }
  if (opt_list)
    {
      for (i = 0; i < G_N_ELEMENTS (scenarios); i++)
        g_print ("%s  %s\n", scenarios[i].name, scenarios[i].what);
      return 0;
    }

  metrics = g_ptr_array_new ();

  for (run = 0; run < opt_runs; run++)
    for (i = 0; i < G_N_ELEMENTS (scenarios); i++)
      {
        if (opt_scenario != NULL && g_ascii_strcasecmp (opt_scenario, scenarios[i].name) != 0)
          continue;
        found = TRUE;
        current_scenario = scenarios[i].name;
        scenarios[i].run ();
      }

  if (!found)
    {
      g_printerr ("unknown scenario %s (try --list)\n", opt_scenario);
      return 2;
    }

  if (opt_json)
    print_json (opt_runs);
  else
    print_text ();

  return 0;
}
