/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A cancellation racing the completion of the waiter it would cancel.
 *
 * The waiter's cancellable handler may run in another thread at the very
 * moment the waiter completes and is freed.  g_cancellable_disconnect()
 * does not rule that out: since GLib 2.80 it returns after a check made
 * under the cancellable's mutex but before it disconnects the handler, so
 * a g_cancellable_cancel() that starts in between still invokes the
 * handler after it returned.  The waiter must survive that (its handler
 * owns a reference).
 *
 * Each round: the main thread holds a Lock, queues an acquire_async()
 * with a fresh cancellable, and releases, which grants it.  When the
 * callback runs, a second thread cancels that cancellable after a short
 * delay that varies from round to round, so that across the rounds the
 * cancel lands everywhere around the waiter's completion.  A third thread
 * keeps the Lock's mutex busy, so that a late handler waits for it and
 * touches the waiter late.  The check is AddressSanitizer's (the stress
 * suite runs under it in build-aux/check) and valgrind's; natively the
 * test checks that every round completes once, successfully (the grant
 * came first), and that the Lock ends free.
 *
 * Environment: ASYNC_SYNC_RACE_SECONDS (default 2).
 */

#include <asyncsync-glib/asyncsync-glib.h>

typedef struct
{
  AsyncSyncLock *lock;
  GCancellable  *cancellable;   /* of the current round, atomic */
  gint           round_done;    /* the callback ran: cancel now */
  gint           stop;
  guint          delay;         /* spins before the cancel, canceller only */
} Race;

static gpointer
canceller_thread (gpointer data)
{
  Race *race = data;

  while (!g_atomic_int_get (&race->stop))
    {
      GCancellable *cancellable;

      if (!g_atomic_int_get (&race->round_done))
        continue;

      race->delay = (race->delay + 7) % 512;
      for (volatile guint i = 0; i < race->delay; i++)
        ;
      cancellable = g_atomic_pointer_get (&race->cancellable);
      g_cancellable_cancel (cancellable);
      g_atomic_int_set (&race->round_done, FALSE);
    }

  return NULL;
}

static gpointer
mutex_hog_thread (gpointer data)
{
  Race *race = data;

  while (!g_atomic_int_get (&race->stop))
    async_sync_lock_get_n_waiting (race->lock);

  return NULL;
}

typedef struct
{
  Race    *race;
  guint    n_calls;
  gboolean acquired;
} Round;

static void
acquired_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Round *round = user_data;

  round->n_calls++;
  round->acquired = async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, NULL);
  if (round->acquired)
    g_assert_true (async_sync_lock_release (ASYNC_SYNC_LOCK (source), NULL));
  /* The waiter is about to be done with: the canceller goes. */
  g_atomic_int_set (&round->race->round_done, TRUE);
}

static void
test_cancel_races_the_completion (void)
{
  const gchar *seconds_env = g_getenv ("ASYNC_SYNC_RACE_SECONDS");
  gint64 deadline = g_get_monotonic_time () +
                    (seconds_env != NULL ? g_ascii_strtoll (seconds_env, NULL, 10) : 2) * G_USEC_PER_SEC;
  Race race = { 0 };
  GThread *canceller, *mutex_hog;
  guint n_rounds = 0;

  g_test_summary ("A cancellable cancelled in another thread while its granted "
                  "waiter completes never touches the freed waiter, and the "
                  "grant stands");

  race.lock = async_sync_lock_new ();
  race.cancellable = g_cancellable_new ();
  canceller = g_thread_new ("canceller", canceller_thread, &race);
  mutex_hog = g_thread_new ("mutex-hog", mutex_hog_thread, &race);

  while (g_get_monotonic_time () < deadline)
    {
      GCancellable *cancellable = g_cancellable_new ();
      GCancellable *previous;
      Round round = { &race, 0, FALSE };

      previous = g_atomic_pointer_exchange (&race.cancellable, cancellable);
      g_object_unref (previous);

      g_assert_true (async_sync_lock_try_acquire (race.lock));
      async_sync_lock_acquire_async (race.lock, cancellable, acquired_cb, &round);
      g_assert_true (async_sync_lock_release (race.lock, NULL));   /* granted */
      while (round.n_calls == 0)
        g_main_context_iteration (NULL, TRUE);

      /* Let the canceller finish this round before the next one. */
      while (g_atomic_int_get (&race.round_done))
        ;
      while (g_main_context_iteration (NULL, FALSE))
        ;

      g_assert_cmpuint (round.n_calls, ==, 1);
      g_assert_true (round.acquired);
      n_rounds++;
    }

  g_atomic_int_set (&race.stop, TRUE);
  g_thread_join (canceller);
  g_thread_join (mutex_hog);
  g_test_message ("%u rounds", n_rounds);

  g_assert_false (async_sync_lock_is_locked (race.lock));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (race.lock), ==, 0);
  g_object_unref (race.cancellable);
  g_object_unref (race.lock);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Stress/cancel/races-the-completion-of-a-granted-waiter",
                   test_cancel_races_the_completion);

  return g_test_run ();
}
