/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seeded randomized model test: random sequences of operations on every
 * primitive, run on the library and on the reference model of
 * async-sync-model.c, compared after each step.
 *
 * Environment:
 *   ASYNC_SYNC_SEED=N           first seed (default: random, printed)
 *   ASYNC_SYNC_MODEL_SEEDS=N    how many seeds (default 3000)
 *   ASYNC_SYNC_MODEL_REPLAY=F   run the sequence in file F, step by step
 *   ASYNC_SYNC_MODEL_DUMP_SCENARIOS=DIR   write the directed scenarios there
 *
 * The seeds run in a child process, so that a crash or a sanitizer report
 * is caught like a mismatch.  A failing seed is shrunk (delta debugging:
 * remove operations while it still fails, each try in its own child) and
 * printed in the text form that ASYNC_SYNC_MODEL_REPLAY reads.
 */

#include "async-sync-model-check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_SEEDS 3000

typedef struct
{
  volatile guint32 current;
  volatile gint    done;
  gchar            report[16384];
} Shared;

static void
copy_report (Shared      *shared,
             const gchar *report)
{
  g_strlcpy (shared->report, report, sizeof shared->report);
}

static void
quiet_child (void)
{
  int fd = open ("/dev/null", O_WRONLY);

  if (fd >= 0)
    {
      dup2 (fd, STDOUT_FILENO);
      dup2 (fd, STDERR_FILENO);
      close (fd);
    }
}

static gint
wait_child (pid_t pid)
{
  int status;

  while (waitpid (pid, &status, 0) < 0)
    g_assert_cmpint (errno, ==, EINTR);

  return status;
}

static gboolean
status_ok (int status)
{
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static gchar *
describe_status (int status)
{
  if (WIFSIGNALED (status))
    return g_strdup_printf ("killed by signal %d (%s)", WTERMSIG (status), g_strsignal (WTERMSIG (status)));
  return g_strdup_printf ("exit status %d", WEXITSTATUS (status));
}

/* Runs @seq in a child; TRUE if it passed.  @verbose: print every step. */
static gboolean
run_isolated (const ModelSequence *seq,
              gboolean             verbose,
              gboolean             quiet)
{
  pid_t pid;

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* Freed by hand, not by g_autoptr: exit() does not leave this scope,
       * and LeakSanitizer need not find the pointer on the stack then. */
      GString *report = g_string_new (NULL);
      gboolean ok;

      if (quiet)
        quiet_child ();
      alarm (60);   /* a hang counts as a failure */
      ok = model_check_run (seq, verbose ? MODEL_CHECK_VERBOSE : MODEL_CHECK_NONE, report);
      if (!ok)
        {
          g_printerr ("\nMISMATCH:\n%s", report->str);
          /* A failed run leaves its objects behind on purpose: skip the
           * leak checkers' exit handlers, they would only add noise. */
          _exit (1);
        }
      g_string_free (report, TRUE);
      exit (0);
    }

  return status_ok (wait_child (pid));
}

static gboolean
fails (const ModelSequence *seq)
{
  return !run_isolated (seq, FALSE, TRUE);
}

/* Delta debugging: remove chunks of operations, halving the chunk size
 * when nothing can go, while the sequence still fails. */
static void
shrink (ModelSequence *seq)
{
  ModelSequence *candidate = g_new (ModelSequence, 1);
  guint chunk = MAX (seq->n_ops / 2, 1);
  guint i;

  while (seq->n_ops > 0)
    {
      gboolean removed = FALSE;
      guint start = 0;

      while (start < seq->n_ops)
        {
          guint end = MIN (start + chunk, seq->n_ops);

          *candidate = *seq;
          memmove (&candidate->ops[start], &seq->ops[end], (seq->n_ops - end) * sizeof (ModelOp));
          candidate->n_ops = seq->n_ops - (end - start);
          if (fails (candidate))
            {
              *seq = *candidate;
              removed = TRUE;
            }
          else
            {
              start = end;
            }
        }

      if (!removed)
        {
          if (chunk == 1)
            break;
          chunk = MAX (chunk / 2, 1);
        }
    }

  /* Then simpler operations: no cancellable where one is not needed. */
  for (i = 0; i < seq->n_ops; i++)
    if (model_op_is_async (&seq->ops[i]) && seq->ops[i].canc >= 0)
      {
        *candidate = *seq;
        candidate->ops[i].canc = -1;
        if (fails (candidate))
          *seq = *candidate;
      }

  /* And a simpler setup: every object at home on context 0. */
  *candidate = *seq;
  memset (candidate->setup.home, 0, sizeof candidate->setup.home);
  if (fails (candidate))
    *seq = *candidate;

  g_free (candidate);
}

static void
report_failure (guint32              seed,
                const ModelSequence *original,
                const gchar         *why)
{
  ModelSequence *seq = g_memdup2 (original, sizeof *original);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree gchar *path = NULL;
  g_autoptr(GError) error = NULL;

  g_printerr ("\nModel test FAILED at seed %u (%s)\n", seed, why);
  g_printerr ("Reproduce: ASYNC_SYNC_SEED=%u ASYNC_SYNC_MODEL_SEEDS=1 %s\n", seed, g_get_prgname ());

  if (!fails (seq))
    {
      g_printerr ("The seed passes on its own: the failure depends on earlier seeds.\n");
      g_free (seq);
      return;
    }

  g_printerr ("Shrinking %u operations...\n", seq->n_ops);
  shrink (seq);

  g_string_append_printf (text, "# seed %u, shrunk from %u to %u operations\n",
                          seed, original->n_ops, seq->n_ops);
  model_sequence_format (seq, text);
  /* Out of the source and build trees. */
  path = g_strdup_printf ("%s/asyncsync-model-failure-%u.txt", g_get_tmp_dir (), seed);
  if (!g_file_set_contents (path, text->str, -1, &error))
    g_printerr ("Cannot write %s: %s\n", path, error->message);

  g_printerr ("Shortest failing sequence found (%u operations), saved in %s:\n%s\n",
              seq->n_ops, path, text->str);
  g_printerr ("Replay it: ASYNC_SYNC_MODEL_REPLAY=%s %s\n\nIts run, step by step:\n",
              path, g_get_prgname ());
  run_isolated (seq, TRUE, FALSE);

  g_free (seq);
}

static guint
env_uint (const gchar *name,
          guint        fallback)
{
  const gchar *value = g_getenv (name);

  return value != NULL && *value != '\0' ? (guint) g_ascii_strtoull (value, NULL, 0) : fallback;
}

/* The classes, as the coverage report names them. */
static const gchar *
class_of_target (ModelTarget target)
{
  static const gchar *const names[MODEL_N_TARGETS] = {
    "Lock", "Condition", "Condition", "Event", "Semaphore", "BoundedSemaphore",
    "Barrier", "Queue", "RWLock", "RWLock",
  };

  return names[target];
}

static gboolean
op_has_target (const ModelOp *op)
{
  return op->kind != MODEL_OP_SET_FLAG && op->kind != MODEL_OP_CANCEL &&
         op->kind != MODEL_OP_RENEW && op->kind != MODEL_OP_EXPIRE &&
         op->kind != MODEL_OP_ITERATE && op->kind != MODEL_OP_RUN_IDLE;
}

typedef struct
{
  guint calls;
  guint results[MODEL_N_RESULTS];   /* of the class's completions */
} ClassCoverage;

/* Runs @seq on the model alone, counting calls and results per class, and
 * the weighted calls and deadlines apart. */
static void
count_coverage (const ModelSequence *seq,
                GHashTable          *coverage,
                guint               *n_weighted,
                guint               *n_expiring)
{
  Model *model = model_new (&seq->setup);
  g_autoptr(GArray) async_targets = g_array_new (FALSE, FALSE, sizeof (guint8));
  const ModelEvent *events;
  guint n_events, i;
  ModelOp drain;

  for (i = 0; i < seq->n_ops; i++)
    {
      const ModelOp *op = &seq->ops[i];
      ModelReply reply = model_apply (model, op);

      if (reply.skipped)
        continue;
      if (model_op_is_async (op))
        g_array_append_val (async_targets, op->target);
      if (op->kind == MODEL_OP_RENEW && op->arg == MODEL_CANC_EXPIRING)
        (*n_expiring)++;
      if ((op->target == MODEL_TARGET_SEM || op->target == MODEL_TARGET_BSEM) && op->arg > 0 &&
          (op->kind == MODEL_OP_ACQUIRE || op->kind == MODEL_OP_TRY_ACQUIRE || op->kind == MODEL_OP_RELEASE))
        (*n_weighted)++;
      if (op_has_target (op))
        ((ClassCoverage *) g_hash_table_lookup (coverage, class_of_target (op->target)))->calls++;
    }
  for (i = 0; i < 1000 && model_next_drain_op (model, &drain); i++)
    model_apply (model, &drain);

  events = model_get_events (model, &n_events);
  for (i = 0; i < n_events; i++)
    if (events[i].kind == MODEL_EVENT_COMPLETE)
      {
        guint8 target = g_array_index (async_targets, guint8, events[i].id);
        ClassCoverage *c = g_hash_table_lookup (coverage, class_of_target (target));

        c->results[MIN (events[i].value, MODEL_N_RESULTS - 1)]++;
      }
  model_free (model);
}

/* What the seeds exercised, class by class (by the model, which the
 * library matched): so that a class the generator stopped reaching shows. */
static void
report_coverage (guint32 base,
                 guint   n_seeds)
{
  g_autoptr(GHashTable) coverage = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  ModelSequence *seq = g_new (ModelSequence, 1);
  guint n_weighted = 0, n_expiring = 0, i;
  GHashTableIter iter;
  gpointer key, value;

  for (i = 0; i < MODEL_N_TARGETS; i++)
    if (!g_hash_table_contains (coverage, class_of_target (i)))
      g_hash_table_insert (coverage, (gpointer) class_of_target (i), g_new0 (ClassCoverage, 1));

  for (i = 0; i < n_seeds; i++)
    {
      model_sequence_generate (base + i, seq);
      count_coverage (seq, coverage, &n_weighted, &n_expiring);
    }
  g_free (seq);

  g_hash_table_iter_init (&iter, coverage);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ClassCoverage *c = value;
      g_autoptr(GString) line = g_string_new (NULL);
      guint r;

      g_string_append_printf (line, "coverage %s: %u calls; completions:", (const gchar *) key, c->calls);
      for (r = 0; r < MODEL_N_RESULTS; r++)
        if (c->results[r] > 0)
          g_string_append_printf (line, " %s %u", model_result_name (r), c->results[r]);
      g_test_message ("%s", line->str);
    }
  g_test_message ("coverage: %u weighted semaphore calls, %u expiring timeouts", n_weighted, n_expiring);
}

static void
test_random_seeds (void)
{
  guint32 base = env_uint ("ASYNC_SYNC_SEED", g_random_int ());
  guint n_seeds = env_uint ("ASYNC_SYNC_MODEL_SEEDS", DEFAULT_SEEDS);
  Shared *shared;
  gint64 start;
  pid_t pid;
  int status;

  g_test_summary ("Random operation sequences on every primitive behave as the "
                  "reference model of SPEC section 3 says, step by step");

  g_test_message ("model: seeds %u .. %u (ASYNC_SYNC_SEED=%u ASYNC_SYNC_MODEL_SEEDS=%u)",
                  base, base + n_seeds - 1, base, n_seeds);

  shared = mmap (NULL, sizeof (Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_assert_true (shared != MAP_FAILED);
  shared->done = FALSE;
  shared->current = base;
  shared->report[0] = '\0';

  start = g_get_monotonic_time ();
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      ModelSequence *seq = g_new (ModelSequence, 1);
      GString *report = g_string_new (NULL);   /* not g_autoptr: see run_isolated() */
      guint i;

      for (i = 0; i < n_seeds; i++)
        {
          shared->current = base + i;
          model_sequence_generate (base + i, seq);
          if (!model_check_run (seq, MODEL_CHECK_NONE, report))
            {
              copy_report (shared, report->str);
              _exit (1);
            }
        }
      g_free (seq);
      g_string_free (report, TRUE);
      shared->done = TRUE;
      exit (0);
    }

  status = wait_child (pid);
  if (status_ok (status) && shared->done)
    {
      gdouble secs = (g_get_monotonic_time () - start) / 1e6;

      g_test_message ("model: %u seeds passed in %.2f s (%.0f seeds/s)",
                      n_seeds, secs, n_seeds / MAX (secs, 1e-6));
      report_coverage (base, n_seeds);
    }
  else
    {
      ModelSequence *seq = g_new (ModelSequence, 1);
      g_autofree gchar *why = NULL;

      if (shared->report[0] != '\0')
        why = g_strdup_printf ("mismatch:\n%s", shared->report);
      else
        why = describe_status (status);

      model_sequence_generate (shared->current, seq);
      report_failure (shared->current, seq, why);
      g_free (seq);
      g_test_fail_printf ("model mismatch at seed %u", shared->current);
    }

  munmap (shared, sizeof (Shared));
}

/* Directed sequences: each SPEC rule exercised at every run, whatever the
 * random seeds.  The model says what must happen. */
static const struct
{
  const gchar *name;
  const gchar *text;
} scenarios[] = {
  { "lock/fifo-hand-off-no-barging",
    "setup sem=0 bsem=1 homes=0,0,0,0,0\n"
    "try-acquire lock\n"
    "acquire lock ctx=0 canc=-\n"
    "acquire lock ctx=1 canc=-\n"
    "try-acquire lock\n"         /* fails: waiters are queued */
    "release lock\n"             /* hand-off: stays locked */
    "try-acquire lock\n"
    "run-idle\n"
    "release lock\n"
    "run-idle\n"
    "release lock\n"
    "release lock\n" },          /* NOT_LOCKED */
  { "lock/cancel-while-queued-and-after-grant",
    "setup sem=0 bsem=1 homes=1,0,0,0,0\n"
    "try-acquire lock\n"
    "acquire lock ctx=0 canc=0\n"
    "acquire lock ctx=0 canc=1\n"
    "cancel canc=0\n"            /* leaves the queue, CANCELLED */
    "release lock\n"             /* granted to the second */
    "cancel canc=1\n"            /* too late: success wins */
    "run-idle\n"
    "release lock\n" },
  { "pre-cancelled-fails-without-taking",
    "setup sem=2 bsem=2 homes=0,0,0,0,0\n"
    "cancel canc=2\n"
    "acquire lock ctx=0 canc=2\n"
    "acquire sem ctx=0 canc=2\n"
    "acquire bsem ctx=1 canc=2\n"
    "set event\n"
    "wait event ctx=0 canc=2\n"
    "cond-wait cond1 ctx=0 canc=2\n"   /* CANCELLED before NOT_LOCKED */
    "try-acquire cond1\n"
    "cond-wait cond1 ctx=0 canc=2\n"   /* keeps the lock */
    "run-idle\n" },
  { "condition/cancel-before-notify-requeues-at-the-back",
    "setup sem=0 bsem=1 homes=0,0,0,0,0\n"
    "try-acquire cond0\n"
    "cond-wait cond0 ctx=0 canc=0\n"   /* releases the lock */
    "try-acquire lock\n"
    "acquire lock ctx=1 canc=-\n"
    "cancel canc=0\n"                  /* back of the lock queue */
    "release lock\n"
    "run-idle\n"
    "release lock\n"                   /* now the cancelled waiter holds it */
    "run-idle\n"
    "release lock\n" },
  { "condition/cancel-after-notify-is-ignored",
    "setup sem=0 bsem=1 homes=0,1,0,0,0\n"
    "try-acquire cond1\n"
    "cond-wait cond1 ctx=1 canc=1\n"
    "try-acquire cond1\n"
    "notify cond1 n=1\n"
    "cancel canc=1\n"
    "release cond1\n"
    "run-idle\n"
    "release cond1\n" },
  { "condition/notify-n-fifo-and-notify-all",
    "setup sem=0 bsem=1 homes=0,0,0,0,0\n"
    "try-acquire cond0\n"
    "cond-wait cond0 ctx=0 canc=-\n"
    "try-acquire cond0\n"
    "cond-wait cond0 ctx=1 canc=-\n"
    "try-acquire cond0\n"
    "cond-wait cond0 ctx=0 canc=-\n"
    "notify cond0 n=0\n"               /* NOT_LOCKED: nobody holds it */
    "try-acquire cond0\n"
    "notify cond0 n=2\n"
    "notify-all cond0\n"
    "release cond0\n"
    "iterate ctx=1\n"
    "iterate ctx=0\n"
    "release cond0\n"
    "run-idle\n"
    "release cond0\n"
    "run-idle\n"
    "release cond0\n" },
  { "condition/wait-for-rechecks-after-each-wake-up",
    "setup sem=0 bsem=1 homes=0,0,0,0,0\n"
    "try-acquire cond1\n"
    "cond-wait-for cond1 ctx=0 canc=3 flag=0\n"
    "try-acquire cond1\n"
    "notify-all cond1\n"
    "release cond1\n"
    "run-idle\n"                       /* false again: parks again */
    "set-flag flag=0 value=1\n"
    "try-acquire cond1\n"
    "notify cond1 n=1\n"
    "release cond1\n"
    "run-idle\n"
    "release cond1\n" },
  /* Regression: the lock handed to a wait-for waiter is released behind
   * its back before its predicate runs; its re-park fails NOT_LOCKED, and
   * used to free the waiter while still queued in the dispatcher (found
   * by this test under ASan at seeds 506584646 and 605745794). */
  { "condition/wait-for-loses-its-lock-before-it-runs",
    "setup sem=0 bsem=1 homes=0,0,0,0,0\n"
    "try-acquire cond0\n"
    "cond-wait-for cond0 ctx=0 canc=- flag=0\n"
    "try-acquire cond0\n"
    "notify cond0 n=1\n"
    "release cond0\n"                  /* hand-off to the waiter */
    "release cond0\n"                  /* released behind its back */
    "run-idle\n" },
  { "condition/wait-for-loses-its-lock-shrunk-605745794",
    "setup sem=4294967294 bsem=1 homes=0,0,0,0,0\n"
    "acquire cond0 ctx=1 canc=-\n"
    "acquire lock ctx=1 canc=-\n"
    "cond-wait-for cond0 ctx=1 canc=- flag=0\n"
    "notify cond0 n=3\n"
    "release cond0\n"
    "cond-wait-for cond0 ctx=0 canc=- flag=1\n" },
  { "event/set-wakes-those-queued-then",
    "setup sem=0 bsem=1 homes=0,0,1,0,0\n"
    "wait event ctx=0 canc=-\n"
    "wait event ctx=1 canc=0\n"
    "cancel canc=0\n"
    "wait event ctx=1 canc=-\n"
    "set event\n"
    "clear event\n"
    "wait event ctx=0 canc=1\n"
    "set event\n"
    "set event\n"
    "wait event ctx=1 canc=-\n"
    "run-idle\n" },
  { "semaphore/bounds-and-hand-off",
    "setup sem=4294967294 bsem=2 homes=0,0,0,1,1\n"
    "release sem\n"                    /* reaches G_MAXUINT */
    "release sem\n"                    /* VALUE */
    "release bsem\n"                   /* VALUE: at its bound */
    "acquire bsem ctx=0 canc=-\n"
    "try-acquire bsem\n"
    "acquire bsem ctx=1 canc=0\n"      /* queued */
    "try-acquire bsem\n"
    "release bsem\n"                   /* hand-off: value stays 0 */
    "cancel canc=0\n"
    "run-idle\n"
    "release bsem\n"
    "release bsem\n"
    "release bsem\n" },
  { "semaphore/weighted-fifo-and-cancelled-head",
    "setup sem=1 bsem=3 homes=0,0,0,0,0\n"
    "acquire bsem ctx=0 canc=- permits=2\n"
    "acquire bsem ctx=0 canc=0 permits=2\n"   /* waits: 1 left */
    "acquire bsem ctx=1 canc=- permits=1\n"   /* behind it, though 1 is free */
    "try-acquire bsem\n"                      /* no barging */
    "cancel canc=0\n"                         /* the head leaves: the next is served */
    "acquire bsem ctx=0 canc=- permits=4\n"   /* above the bound */
    "acquire sem ctx=0 canc=- permits=0\n"    /* zero permits */
    "release bsem permits=3\n"                /* VALUE */
    "run-idle\n"
    "release bsem permits=2\n"
    "release bsem\n" },
  { "semaphore/release-many-serves-every-request-it-covers",
    "setup sem=0 bsem=3 parties=2 maxsize=1 homes=0,0,0,1,0,0,0,0\n"
    "acquire sem ctx=0 canc=- permits=2\n"
    "acquire sem ctx=1 canc=-\n"
    "acquire sem ctx=0 canc=- permits=1\n"
    "acquire sem ctx=1 canc=- permits=3\n"
    "release sem permits=5\n"          /* 2, 1 and 1 served; 3 waits for 1 more */
    "run-idle\n"
    "release sem\n"                    /* now the 3 */
    "acquire bsem ctx=0 canc=- permits=3\n"
    "acquire bsem ctx=1 canc=- permits=2\n"
    "acquire bsem ctx=0 canc=-\n"
    "release bsem permits=3\n"         /* 2 and 1 served together */
    "run-idle\n" },
  { "barrier/indices-in-arrival-order-and-draining",
    "setup sem=0 bsem=1 parties=3 maxsize=1 homes=0,0,0,0,0,1,0,0\n"
    "wait barrier ctx=0 canc=-\n"
    "wait barrier ctx=1 canc=-\n"
    "wait barrier ctx=0 canc=-\n"      /* releases the cycle: 0, 1, 2 */
    "wait barrier ctx=1 canc=-\n"      /* held: the cycle drains */
    "iterate ctx=0\n"                  /* two of the cycle leave */
    "run-idle\n"                       /* the last leaves: the held one joins */
    "wait barrier ctx=0 canc=-\n"
    "wait barrier ctx=0 canc=-\n"      /* the second cycle */
    "run-idle\n" },
  { "barrier/cancel-leaves-count-reset-and-abort",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,1,0,0\n"
    "wait barrier ctx=0 canc=0\n"
    "cancel canc=0\n"                  /* leaves the count */
    "wait barrier ctx=1 canc=-\n"      /* alone again: waits */
    "reset barrier\n"                  /* fails it: broken barrier */
    "run-idle\n"
    "wait barrier ctx=0 canc=-\n"
    "abort barrier\n"                  /* fails it, and breaks the barrier */
    "wait barrier ctx=1 canc=-\n"      /* fails at once */
    "reset barrier\n"
    "wait barrier ctx=0 canc=-\n"
    "wait barrier ctx=1 canc=-\n"
    "run-idle\n" },
  { "queue/fifo-hand-off-full-and-join",
    "setup sem=0 bsem=1 parties=2 maxsize=2 homes=0,0,0,0,0,0,1,0\n"
    "get queue ctx=0 canc=-\n"
    "put queue ctx=1 canc=-\n"         /* straight to the waiting get */
    "try-put queue\n"
    "try-put queue\n"
    "try-put queue\n"                  /* full: would block */
    "put queue ctx=0 canc=1\n"         /* waits */
    "cancel canc=1\n"                  /* never inserts its item */
    "put queue ctx=1 canc=-\n"         /* waits */
    "try-get queue\n"                  /* lets the waiting put in */
    "join queue ctx=0 canc=-\n"
    "task-done queue\n"
    "task-done queue\n"
    "task-done queue\n"
    "task-done queue\n"                /* the join completes */
    "task-done queue\n"                /* one too many */
    "run-idle\n" },
  { "queue/shutdown-graceful-drains-then-fails",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "try-put queue\n"
    "put queue ctx=0 canc=-\n"         /* waits: full */
    "join queue ctx=1 canc=-\n"
    "shutdown queue ctx=0 immediate=0\n"  /* the waiting put fails */
    "try-get queue\n"                  /* the remaining item */
    "get queue ctx=1 canc=-\n"         /* empty and shut down */
    "try-put queue\n"
    "task-done queue\n"                /* the join completes */
    "run-idle\n" },
  { "queue/shutdown-immediate-drops-items-and-ends-joins",
    "setup sem=0 bsem=1 parties=2 maxsize=0 homes=0,0,0,0,0,0,1,0\n"
    "try-put queue\n"
    "try-put queue\n"
    "join queue ctx=0 canc=-\n"
    "shutdown queue ctx=1 immediate=1\n"  /* drops both: the join completes */
    "get queue ctx=0 canc=-\n"
    "try-get queue\n"
    "run-idle\n" },
  { "rw-lock/readers-share-writer-waits-no-barging",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,1\n"
    "acquire rw-read ctx=0 canc=-\n"
    "acquire rw-read ctx=1 canc=-\n"
    "acquire rw-write ctx=0 canc=0\n"  /* behind the readers */
    "acquire rw-read ctx=1 canc=-\n"   /* behind the writer */
    "try-acquire rw-read\n"            /* no barging */
    "release rw-read\n"
    "release rw-read\n"                /* the writer goes */
    "run-idle\n"
    "cancel canc=0\n"                  /* too late */
    "release rw-write\n"               /* the reader goes */
    "run-idle\n"
    "release rw-read\n"
    "release rw-write\n" },            /* not locked */
  { "rw-lock/cancelled-writer-admits-readers-behind",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "try-acquire rw-read\n"
    "acquire rw-write ctx=0 canc=2\n"
    "acquire rw-read ctx=1 canc=-\n"
    "acquire rw-read ctx=0 canc=-\n"
    "cancel canc=2\n"                  /* the readers behind it go */
    "run-idle\n"
    "release rw-read\n"
    "release rw-read\n"
    "release rw-read\n" },
  { "timeout/expired-and-far-future",
    "setup sem=1 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "renew canc=0 kind=expired\n"
    "renew canc=1 kind=future\n"
    "try-acquire lock\n"
    "acquire lock ctx=0 canc=0\n"      /* timed out at once, takes nothing */
    "acquire lock ctx=1 canc=1\n"      /* queued */
    "release lock\n"                   /* granted */
    "cancel canc=1\n"                  /* too late */
    "run-idle\n"
    "renew canc=2 kind=future\n"
    "acquire sem ctx=0 canc=2 permits=2\n"
    "cancel canc=2\n"                  /* before the deadline: cancelled */
    "cancel canc=0\n"                  /* after it: still timed out */
    "acquire sem ctx=0 canc=0\n"
    "run-idle\n"
    "release lock\n" },
  { "timeout/expiring-while-queued-is-never-granted",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "renew canc=3 kind=expiring\n"
    "try-acquire lock\n"
    "acquire lock ctx=0 canc=3\n"
    "acquire lock ctx=1 canc=-\n"
    "acquire sem ctx=0 canc=3 permits=2\n"
    "acquire sem ctx=1 canc=-\n"
    "expire canc=3\n"                  /* no iteration: the timers wait */
    "release lock\n"                   /* past the expired waiter */
    "release sem\n"                    /* the expired head leaves, the next is served */
    "run-idle\n"
    "release lock\n" },
  { "timeout/cancelled-before-or-after-its-deadline",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "renew canc=0 kind=expiring\n"
    "renew canc=1 kind=expiring\n"
    "try-acquire lock\n"
    "acquire lock ctx=0 canc=0\n"
    "acquire lock ctx=0 canc=1\n"
    "cancel canc=0\n"                  /* before its deadline: cancelled */
    "expire canc=0\n"
    "wait event ctx=1 canc=0\n"        /* cancelled first: cancelled */
    "expire canc=1\n"
    "cancel canc=1\n"                  /* after its deadline: timed out */
    "run-idle\n"
    "release lock\n" },
  { "timeout/timers-run-on-the-waiters-contexts",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "renew canc=4 kind=expiring\n"
    "wait event ctx=1 canc=4\n"
    "wait barrier ctx=0 canc=4\n"
    "get queue ctx=1 canc=4\n"
    "expire canc=4\n"
    "iterate ctx=0\n"                  /* the barrier party leaves */
    "iterate ctx=1\n"                  /* the event wait and the get */
    "run-idle\n" },
  { "timeout/barrier-last-arrival-skips-an-expired-party",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "renew canc=0 kind=expiring\n"
    "wait barrier ctx=0 canc=0\n"
    "expire canc=0\n"
    "wait barrier ctx=1 canc=-\n"      /* the expired party leaves: not released */
    "wait barrier ctx=0 canc=-\n"      /* released */
    "run-idle\n" },
  { "timeout/notify-skips-an-expired-waiter",
    "setup sem=0 bsem=1 parties=2 maxsize=1 homes=0,0,0,0,0,0,0,0\n"
    "renew canc=0 kind=expiring\n"
    "try-acquire cond0\n"
    "cond-wait cond0 ctx=0 canc=0\n"
    "try-acquire cond0\n"
    "cond-wait cond0 ctx=1 canc=-\n"
    "try-acquire cond0\n"
    "expire canc=0\n"
    "notify cond0 n=1\n"               /* the expired one leaves; the next is notified */
    "release cond0\n"
    "run-idle\n"
    "release cond0\n"
    "run-idle\n"
    "release cond0\n" },
  { "contexts/each-completes-on-its-own",
    "setup sem=0 bsem=1 homes=1,0,0,0,0\n"
    "acquire sem ctx=0 canc=-\n"
    "acquire sem ctx=1 canc=-\n"
    "acquire sem ctx=0 canc=-\n"
    "release sem\n"
    "release sem\n"
    "release sem\n"
    "iterate ctx=1\n"
    "iterate ctx=0\n" },
};

static void
test_scenario (gconstpointer data)
{
  const gchar *text = data;
  ModelSequence *seq = g_new (ModelSequence, 1);
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (!model_sequence_parse (text, seq, &error))
    g_error ("bad scenario: %s", error->message);

  if (!model_check_run (seq, g_test_verbose () ? MODEL_CHECK_VERBOSE : MODEL_CHECK_NONE, report))
    g_test_fail_printf ("%s", report->str);

  g_free (seq);
}

/* ASYNC_SYNC_MODEL_DUMP_SCENARIOS=DIR: writes each scenario to
 * DIR/<name>.txt (slashes as dashes), for build-aux/fuzz to encode into
 * the seed corpus. */
static int
dump_scenarios (const gchar *dir)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree gchar *name = g_strdelimit (g_strdup (scenarios[i].name), "/", '-');
      g_autofree gchar *file = g_strconcat (name, ".txt", NULL);
      g_autofree gchar *path = g_build_filename (dir, file, NULL);
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (path, scenarios[i].text, -1, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  return 0;
}

static int
replay (const gchar *path)
{
  ModelSequence *seq = g_new (ModelSequence, 1);
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  gboolean ok;

  if (!g_file_get_contents (path, &text, NULL, &error) ||
      !model_sequence_parse (text, seq, &error))
    {
      g_printerr ("%s: %s\n", path, error->message);
      return 2;
    }

  ok = model_check_run (seq, MODEL_CHECK_VERBOSE, report);
  g_printerr ("%s%s\n", ok ? "PASS" : "FAIL\n", report->str);
  g_free (seq);

  return ok ? 0 : 1;
}

int
main (int    argc,
      char **argv)
{
  const gchar *replay_path = g_getenv ("ASYNC_SYNC_MODEL_REPLAY");
  guint i;

  if (replay_path != NULL && *replay_path != '\0')
    return replay (replay_path);
  if (g_getenv ("ASYNC_SYNC_MODEL_DUMP_SCENARIOS") != NULL)
    return dump_scenarios (g_getenv ("ASYNC_SYNC_MODEL_DUMP_SCENARIOS"));

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/AsyncSync/Model/scenario/%s", scenarios[i].name);

      g_test_add_data_func (path, scenarios[i].text, test_scenario);
    }
  g_test_add_func ("/AsyncSync/Model/random-seeds", test_random_seeds);

  return g_test_run ();
}
