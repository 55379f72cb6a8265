/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-pause-resume.c: pause and resume workers with an Event.
 *
 * The event means "running".  Each worker waits on it before every step,
 * so clearing it pauses them all at their next step and setting it wakes
 * them all.  A step that was already woken still runs: a wake-up is never
 * lost.  Exits 0 if no step ran while the workers were paused and every
 * worker finished.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_WORKERS 3
#define N_STEPS   10

typedef struct
{
  AsyncSyncEvent *running;
  GCancellable   *cancellable;
  guint           index;
  guint           steps_done;
  gboolean        finished;
} Worker;

static guint total_steps;

static void worker_next (Worker *worker);

static void
resumed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Worker *worker = user_data;

  if (!async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source), result, NULL))
    {
      worker->finished = TRUE;   /* cancelled: the application quits */
      return;
    }

  worker->steps_done++;          /* one unit of work */
  total_steps++;
  worker_next (worker);
}

static void
worker_next (Worker *worker)
{
  if (worker->steps_done == N_STEPS)
    {
      worker->finished = TRUE;
      return;
    }

  /* Completes in a later main-loop iteration, at once if the event is set. */
  async_sync_event_wait_async (worker->running, worker->cancellable, resumed, worker);
}

static gboolean
all_finished (Worker *workers)
{
  guint i;

  for (i = 0; i < N_WORKERS; i++)
    if (!workers[i].finished)
      return FALSE;

  return TRUE;
}

int
main (void)
{
  g_autoptr(AsyncSyncEvent) running = async_sync_event_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Worker workers[N_WORKERS];
  guint paused_at, i;
  gboolean ok = TRUE;

  async_sync_event_set (running);
  for (i = 0; i < N_WORKERS; i++)
    {
      workers[i] = (Worker) { running, cancellable, i, 0, FALSE };
      worker_next (&workers[i]);
    }

  while (total_steps < N_STEPS)
    g_main_context_iteration (NULL, TRUE);

  /* Pause.  Workers already woken finish their step, then park. */
  async_sync_event_clear (running);
  while (async_sync_event_get_n_waiting (running) < N_WORKERS)
    g_main_context_iteration (NULL, TRUE);
  paused_at = total_steps;
  g_print ("paused after %u steps, %u workers waiting\n",
           paused_at, async_sync_event_get_n_waiting (running));

  /* Whatever else the main loop does now, no worker moves. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  if (total_steps != paused_at)
    ok = FALSE;

  /* Resume: every parked worker wakes up. */
  async_sync_event_set (running);
  while (!all_finished (workers))
    g_main_context_iteration (NULL, TRUE);

  for (i = 0; i < N_WORKERS; i++)
    {
      g_print ("worker %u: %u steps\n", i, workers[i].steps_done);
      if (workers[i].steps_done != N_STEPS)
        ok = FALSE;
    }

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
