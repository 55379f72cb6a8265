/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-barrier.c: workers that meet after each phase, with a Barrier.
 *
 * Three workers compute a part of each of three phases; a phase can start
 * only once every part of the previous one is done and merged.  Each
 * worker waits on a Barrier of three parties at the end of its part.  The
 * party that gets index 0 merges the phase (the job of threading.Barrier's
 * `action`): waiters on one main context complete in the order of their
 * indices, so the merge runs before any other worker resumes.  A part
 * takes a few main-loop turns, different for each worker and phase.
 * Exits 0 if no worker started a phase before the previous one was
 * complete and merged, each phase was merged once, and each cycle gave
 * out the indices 0, 1 and 2.
 */
#include <asyncsync-glib/asyncsync-glib.h>

#define N_WORKERS 3
#define N_PHASES  3

typedef struct
{
  AsyncSyncBarrier *barrier;
  guint             finished[N_PHASES];   /* parts done, per phase */
  guint             merged;               /* phases merged */
  guint             indices[N_PHASES];    /* bit i: index i was given */
  gboolean          out_of_step;          /* a worker ran ahead: a bug */
  guint             n_done;
} Job;

typedef struct
{
  Job   *job;
  guint  id;
  guint  phase;
  guint  turns;
} Worker;

static void worker_start_phase (Worker *worker);

static void
passed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Worker *worker = user_data;
  Job *job = worker->job;
  g_autoptr(GError) error = NULL;
  guint index;

  if (!async_sync_barrier_wait_finish (job->barrier, result, &index, &error))
    g_error ("worker %u: %s", worker->id, error->message);  /* aborted or reset */

  job->out_of_step |= job->finished[worker->phase] != N_WORKERS;
  job->indices[worker->phase] |= 1u << index;
  g_print ("worker %u: passes phase %u with index %u\n", worker->id, worker->phase, index);

  if (index == 0)
    {
      /* The first to resume: merge the parts before anyone goes on. */
      job->merged++;
      g_print ("worker %u: merges phase %u\n", worker->id, worker->phase);
    }

  if (++worker->phase < N_PHASES)
    worker_start_phase (worker);
  else
    job->n_done++;
}

static gboolean
part_done (gpointer user_data)
{
  Worker *worker = user_data;
  Job *job = worker->job;

  if (--worker->turns > 0)
    return G_SOURCE_CONTINUE;

  job->finished[worker->phase]++;
  g_print ("worker %u: part of phase %u done (%u of %u waiting)\n", worker->id,
           worker->phase, async_sync_barrier_get_n_waiting (job->barrier) + 1,
           async_sync_barrier_get_parties (job->barrier));
  async_sync_barrier_wait_async (job->barrier, NULL, passed, worker);

  return G_SOURCE_REMOVE;
}

static void
worker_start_phase (Worker *worker)
{
  Job *job = worker->job;

  /* The previous phase must be complete and merged. */
  job->out_of_step |= worker->phase > 0 && job->merged != worker->phase;
  worker->turns = 1 + (worker->id * 2 + worker->phase) % 3;
  g_idle_add (part_done, worker);
}

int
main (void)
{
  Job job = { async_sync_barrier_new (N_WORKERS), { 0 }, 0, { 0 }, FALSE, 0 };
  Worker workers[N_WORKERS];
  gboolean ok = TRUE;
  guint i;

  for (i = 0; i < N_WORKERS; i++)
    {
      workers[i] = (Worker) { &job, i, 0, 0 };
      worker_start_phase (&workers[i]);
    }

  while (job.n_done < N_WORKERS)
    g_main_context_iteration (NULL, TRUE);

  for (i = 0; i < N_PHASES; i++)
    ok &= job.indices[i] == (1u << N_WORKERS) - 1;
  ok &= !job.out_of_step && job.merged == N_PHASES &&
        !async_sync_barrier_is_broken (job.barrier);
  g_print ("%u phases merged, workers in step: %s\n", job.merged,
           job.out_of_step ? "no" : "yes");

  /* Every completion ran: the barrier is no longer referenced. */
  g_object_unref (job.barrier);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
