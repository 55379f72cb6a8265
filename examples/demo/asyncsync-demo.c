/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* asyncsync-demo: asyncio's five synchronization primitives, replayed on the
 * GLib main loop with asyncsync-glib, one scenario after the other:
 *
 *   1. a Lock guarding a shared resource;
 *   2. five tasks waiting on an Event that another task sets;
 *   3. five tasks in Condition.wait, woken by notify_all;
 *   4. a Semaphore letting only 2 of 5 tasks run at once;
 *   5. a BoundedSemaphore released once too often.
 *
 * A "task" here is what an asyncio coroutine becomes in C: a chain of
 * callbacks, each starting the next asynchronous step.  Everything runs in
 * the main thread on the default GMainContext, and every line of the
 * timeline starts with the milliseconds elapsed since the demo started.
 *
 * `asyncsync-demo --fast` shrinks every delay to at most 1 ms (for tests).
 */

#include <asyncsync-glib/asyncsync-glib.h>

#include <stdlib.h>

#define N_LOCK_TASKS       3
#define N_EVENT_TASKS      5
#define N_CONDITION_TASKS  5
#define N_SEMAPHORE_TASKS  5
#define SEMAPHORE_VALUE    2

static gint64   demo_start;
static gboolean fast = FALSE;

/* One scenario: the primitive its tasks share, and what they did with it. */
typedef struct
{
  const char *tag;            /* the timeline's second column */
  gpointer    primitive;      /* the Lock, Event, ... (owned) */
  guint       n_unfinished;   /* the scenario ends when this drops to 0 */
  guint       n_inside;       /* tasks using the guarded resource now */
  guint       max_inside;     /* the most there ever were at once */
} Scenario;

/* One task of a scenario; freed by task_finish(). */
typedef struct
{
  Scenario *scenario;
  guint     id;               /* 1, 2, ... in the order the tasks start */
} Task;

typedef void (*ScenarioStartFunc) (Scenario *scenario);

static void say (Scenario   *scenario,
                 const char *format,
                 ...) G_GNUC_PRINTF (2, 3);

static void
say (Scenario   *scenario,
     const char *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_print ("[%4" G_GINT64_FORMAT " ms] %-9s %s\n",
           (g_get_monotonic_time () - demo_start) / 1000,
           scenario->tag, message);
}

/* Every operation in this demo is expected to succeed, but for the
 * BoundedSemaphore's extra release in scenario 5. */
G_GNUC_NORETURN static void
die (const char   *what,
     const GError *error)
{
  g_printerr ("asyncsync-demo: %s failed: %s\n", what, error->message);
  exit (EXIT_FAILURE);
}

/* @ms milliseconds, or at most 1 ms with --fast. */
static guint
delay (guint ms)
{
  return fast ? MIN (ms, 1) : ms;
}

static Task *
task_new (Scenario *scenario,
          guint     id)
{
  Task *task = g_new0 (Task, 1);

  task->scenario = scenario;
  task->id = id;
  scenario->n_unfinished++;

  return task;
}

static void
task_finish (Task *task)
{
  task->scenario->n_unfinished--;
  g_free (task);
}

/* The guarded resource: entering and leaving it keeps the count that
 * scenarios 1 and 4 report. */
static guint
resource_enter (Scenario *scenario)
{
  scenario->n_inside++;
  scenario->max_inside = MAX (scenario->max_inside, scenario->n_inside);
  return scenario->n_inside;
}

static guint
resource_leave (Scenario *scenario)
{
  return --scenario->n_inside;
}

/* ------------------------------------------------------------------------
 * 1. Lock: `async with lock:` around a resource only one task may use.
 */

static void
lock_task_done (gpointer user_data)
{
  Task *task = user_data;
  AsyncSyncLock *lock = task->scenario->primitive;
  g_autoptr(GError) error = NULL;

  resource_leave (task->scenario);
  say (task->scenario, "task %u releases the lock", task->id);

  /* With tasks queued, release hands the lock straight to the first of
   * them: is_locked() stays TRUE and no one can barge in between.  Its
   * callback runs later, from the main loop, never from inside release. */
  if (!async_sync_lock_release (lock, &error))
    die ("lock release", error);

  task_finish (task);
}

static void
lock_task_acquired (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Task *task = user_data;
  AsyncSyncLock *lock = ASYNC_SYNC_LOCK (source);
  g_autoptr(GError) error = NULL;

  if (!async_sync_lock_acquire_finish (lock, result, &error))
    die ("lock acquire", error);

  say (task->scenario, "task %u acquired the lock (%u using the resource, %u waiting)",
       task->id, resource_enter (task->scenario),
       async_sync_lock_get_n_waiting (lock));

  /* Hold the lock across an asynchronous step: that is what a GMutex
   * cannot do. */
  g_timeout_add_once (delay (50), lock_task_done, task);
}

static void
lock_scenario_start (Scenario *scenario)
{
  AsyncSyncLock *lock = async_sync_lock_new ();

  scenario->primitive = lock;
  say (scenario, "== 1. A Lock guarding a shared resource, %u tasks", N_LOCK_TASKS);

  for (guint i = 1; i <= N_LOCK_TASKS; i++)
    {
      Task *task = task_new (scenario, i);

      say (scenario, "task %u wants the lock", task->id);
      /* Waiters are served first come, first served. */
      async_sync_lock_acquire_async (lock, NULL, lock_task_acquired, task);
    }
}

/* ------------------------------------------------------------------------
 * 2. Event: five tasks wait until another one says go.
 */

static void
event_task_received (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Task *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source), result, &error))
    die ("event wait", error);

  say (task->scenario, "task %u: Received event", task->id);
  task_finish (task);
}

static void
event_signal (gpointer user_data)
{
  Task *task = user_data;
  AsyncSyncEvent *event = task->scenario->primitive;

  say (task->scenario, "Signalling the event");
  async_sync_event_set (event);

  /* set() wakes every waiter queued now, but runs none of their callbacks
   * itself: they run from the main loop once we return, so this line is
   * printed before any "Received event", as in asyncio. */
  say (task->scenario, "Event signalled");
  task_finish (task);
}

static void
event_scenario_start (Scenario *scenario)
{
  AsyncSyncEvent *event = async_sync_event_new ();

  scenario->primitive = event;
  say (scenario, "== 2. %u tasks waiting on an Event that another task sets",
       N_EVENT_TASKS);

  for (guint i = 1; i <= N_EVENT_TASKS; i++)
    {
      Task *task = task_new (scenario, i);

      say (scenario, "task %u: Waiting", task->id);
      async_sync_event_wait_async (event, NULL, event_task_received, task);
    }

  g_timeout_add_once (delay (200), event_signal, task_new (scenario, 0));
}

/* ------------------------------------------------------------------------
 * 3. Condition: `async with cond: await cond.wait()` in five tasks, and a
 *    sixth that takes the lock and calls notify_all().
 */

static void
condition_task_woken (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Task *task = user_data;
  AsyncSyncCondition *cond = ASYNC_SYNC_CONDITION (source);
  g_autoptr(GError) error = NULL;

  /* Whatever the outcome, wait holds the lock again when it completes. */
  if (!async_sync_condition_wait_finish (cond, result, &error))
    die ("condition wait", error);

  if (!async_sync_condition_release (cond, &error))
    die ("condition release", error);

  say (task->scenario, "task %u: Condition successful", task->id);
  task_finish (task);
}

static void
condition_task_acquired (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Task *task = user_data;
  AsyncSyncCondition *cond = ASYNC_SYNC_CONDITION (source);
  g_autoptr(GError) error = NULL;

  if (!async_sync_condition_acquire_finish (cond, result, &error))
    die ("condition acquire", error);

  /* wait releases the lock while it waits, so the next task gets it. */
  async_sync_condition_wait_async (cond, NULL, condition_task_woken, task);
}

static void
condition_notifier_acquired (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  Task *task = user_data;
  AsyncSyncCondition *cond = ASYNC_SYNC_CONDITION (source);
  g_autoptr(GError) error = NULL;

  if (!async_sync_condition_acquire_finish (cond, result, &error))
    die ("condition acquire", error);

  say (task->scenario, "Notifying the waiters (%u waiting)",
       async_sync_condition_get_n_waiting (cond));

  /* notify_all needs the lock held (else ASYNC_SYNC_ERROR_NOT_LOCKED).  The
   * woken tasks queue for the lock and get it one by one after this
   * release. */
  if (!async_sync_condition_notify_all (cond, &error) ||
      !async_sync_condition_release (cond, &error))
    die ("condition notify_all", error);

  task_finish (task);
}

static void
condition_signal (gpointer user_data)
{
  Task *task = user_data;

  /* The lock's queue is FIFO: every waiter asked for the lock before this
   * call, so each of them is inside wait() by the time we hold it. */
  async_sync_condition_acquire_async (task->scenario->primitive, NULL,
                                      condition_notifier_acquired, task);
}

static void
condition_scenario_start (Scenario *scenario)
{
  /* NULL: the condition makes its own lock. */
  AsyncSyncCondition *cond = async_sync_condition_new (NULL);

  scenario->primitive = cond;
  say (scenario, "== 3. %u tasks in Condition.wait, woken by notify_all",
       N_CONDITION_TASKS);

  for (guint i = 1; i <= N_CONDITION_TASKS; i++)
    {
      Task *task = task_new (scenario, i);

      say (scenario, "task %u: Waiting", task->id);
      async_sync_condition_acquire_async (cond, NULL, condition_task_acquired, task);
    }

  g_timeout_add_once (delay (200), condition_signal, task_new (scenario, 0));
}

/* ------------------------------------------------------------------------
 * 4. Semaphore: `async with sem:` lets at most SEMAPHORE_VALUE tasks in.
 */

static void
semaphore_task_done (gpointer user_data)
{
  Task *task = user_data;
  g_autoptr(GError) error = NULL;

  say (task->scenario, "task %u done (%u running)",
       task->id, resource_leave (task->scenario));

  /* Hands the permit to the first queued task, if any. */
  if (!async_sync_semaphore_release (task->scenario->primitive, &error))
    die ("semaphore release", error);

  task_finish (task);
}

static void
semaphore_task_acquired (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Task *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, &error))
    die ("semaphore acquire", error);

  say (task->scenario, "task %u runs (%u running)",
       task->id, resource_enter (task->scenario));

  /* Tasks of different lengths, so the permits change hands out of order. */
  g_timeout_add_once (delay (60 + 20 * (task->id % 3)), semaphore_task_done, task);
}

static void
semaphore_scenario_start (Scenario *scenario)
{
  AsyncSyncSemaphore *sem = async_sync_semaphore_new (SEMAPHORE_VALUE);

  scenario->primitive = sem;
  say (scenario, "== 4. A Semaphore of value %u shared by %u tasks",
       SEMAPHORE_VALUE, N_SEMAPHORE_TASKS);

  for (guint i = 1; i <= N_SEMAPHORE_TASKS; i++)
    {
      Task *task = task_new (scenario, i);

      say (scenario, "task %u wants a permit", task->id);
      async_sync_semaphore_acquire_async (sem, NULL, semaphore_task_acquired, task);
    }
}

static void
semaphore_scenario_report (Scenario *scenario)
{
  say (scenario, "at most %u of %u tasks ran at once (limit %u)",
       scenario->max_inside, N_SEMAPHORE_TASKS, SEMAPHORE_VALUE);
}

/* ------------------------------------------------------------------------
 * 5. BoundedSemaphore: one release too many is an error, not a new permit.
 */

static void
bounded_task_acquired (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Task *task = user_data;
  AsyncSyncSemaphore *sem = ASYNC_SYNC_SEMAPHORE (source);
  g_autoptr(GError) error = NULL;

  if (!async_sync_semaphore_acquire_finish (sem, result, &error))
    die ("bounded semaphore acquire", error);
  say (task->scenario, "acquired (value %u)", async_sync_semaphore_get_value (sem));

  if (!async_sync_semaphore_release (sem, &error))
    die ("bounded semaphore release", error);
  say (task->scenario, "released (value %u)", async_sync_semaphore_get_value (sem));

  /* asyncio raises ValueError here; we get ASYNC_SYNC_ERROR_VALUE, and the
   * value does not change. */
  if (async_sync_semaphore_release (sem, &error))
    say (task->scenario, "released again: this should not happen");
  else if (g_error_matches (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE))
    say (task->scenario, "released again: ASYNC_SYNC_ERROR_VALUE: %s", error->message);
  else
    die ("bounded semaphore release", error);

  say (task->scenario, "value still %u (bound %u)",
       async_sync_semaphore_get_value (sem),
       async_sync_bounded_semaphore_get_bound (ASYNC_SYNC_BOUNDED_SEMAPHORE (sem)));

  task_finish (task);
}

static void
bounded_scenario_start (Scenario *scenario)
{
  AsyncSyncBoundedSemaphore *sem = async_sync_bounded_semaphore_new (1);

  scenario->primitive = sem;
  say (scenario, "== 5. A BoundedSemaphore of value 1, released once too often");

  async_sync_semaphore_acquire_async (ASYNC_SYNC_SEMAPHORE (sem), NULL,
                                      bounded_task_acquired, task_new (scenario, 1));
}

/* ------------------------------------------------------------------------ */

static void
run_scenario (const char        *tag,
              ScenarioStartFunc  start,
              ScenarioStartFunc  report)
{
  Scenario scenario = { .tag = tag };

  start (&scenario);

  /* Every callback of every task is dispatched from here. */
  while (scenario.n_unfinished > 0)
    g_main_context_iteration (NULL, TRUE);

  if (report != NULL)
    report (&scenario);

  g_clear_object (&scenario.primitive);
}

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    { "fast", 0, 0, G_OPTION_ARG_NONE, &fast, "Shrink every delay to at most 1 ms", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  context = g_option_context_new ("- asyncio's synchronization primitives on the GLib main loop");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("asyncsync-demo: %s\n", error->message);
      return EXIT_FAILURE;
    }

  demo_start = g_get_monotonic_time ();

  run_scenario ("lock", lock_scenario_start, NULL);
  run_scenario ("event", event_scenario_start, NULL);
  run_scenario ("condition", condition_scenario_start, NULL);
  run_scenario ("semaphore", semaphore_scenario_start, semaphore_scenario_report);
  run_scenario ("bounded", bounded_scenario_start, NULL);

  return EXIT_SUCCESS;
}
