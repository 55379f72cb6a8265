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

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/AsyncSync/Model/scenario/%s", scenarios[i].name);

      g_test_add_data_func (path, scenarios[i].text, test_scenario);
    }
  g_test_add_func ("/AsyncSync/Model/random-seeds", test_random_seeds);

  return g_test_run ();
}
