/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* threads-worker.c: which thread and which main context run what.
 *
 * The main thread creates a lock, so the lock's home context is the
 * global default context, and takes it.  Worker A runs its own
 * GMainContext and calls acquire_async(): its callback runs in worker A,
 * on that context.  Worker B calls the blocking acquire(), which needs no
 * context of its own.  Whoever changes the lock, notify::locked is emitted
 * in the main thread, on the home context.  Exits 0 if all of that held.
 */
#include <asyncsync-glib/asyncsync-glib.h>

static GThread       *main_thread;
static AsyncSyncLock *lock;
static gboolean       a_queued, a_done, b_done;   /* set on the main thread */
static gboolean       last_notified_locked;
static gint           n_wrong_thread;     /* atomic */
static GString       *order;                      /* guarded by the lock */

/* g_main_context_invoke() target: sets a flag on the main thread. */
static gboolean
set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

static void
locked_changed (GObject    *object,
                GParamSpec *pspec,
                gpointer    user_data)
{
  /* The lock's home context is the main thread's: never a worker. */
  if (g_thread_self () != main_thread)
    g_atomic_int_inc (&n_wrong_thread);
  last_notified_locked = async_sync_lock_is_locked (ASYNC_SYNC_LOCK (object));
}

typedef struct
{
  GMainContext *context;
  gboolean      callback_ran;
} WorkerA;

static void
a_acquired (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  WorkerA *worker = user_data;

  /* In worker A, on the context that was thread-default when it called. */
  if (g_thread_self () == main_thread || !g_main_context_is_owner (worker->context))
    g_atomic_int_inc (&n_wrong_thread);
  if (!async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, NULL))
    g_error ("worker A: acquire failed");

  g_string_append (order, "A");
  async_sync_lock_release (lock, NULL);
  worker->callback_ran = TRUE;
}

static gpointer
worker_a (gpointer user_data)
{
  WorkerA worker = { g_main_context_new (), FALSE };

  g_main_context_push_thread_default (worker.context);

  async_sync_lock_acquire_async (lock, NULL, a_acquired, &worker);
  g_main_context_invoke (NULL, set_flag, &a_queued);   /* the main thread holds it */

  while (!worker.callback_ran)
    g_main_context_iteration (worker.context, TRUE);

  g_main_context_pop_thread_default (worker.context);
  g_main_context_unref (worker.context);
  g_main_context_invoke (NULL, set_flag, &a_done);

  return NULL;
}

static gpointer
worker_b (gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* Blocks this thread only: fine in a worker, a deadlock on the main
   * thread if the holder needs the main thread to release it. */
  if (!async_sync_lock_acquire (lock, NULL, &error))
    g_error ("worker B: %s", error->message);

  g_string_append (order, "B");
  async_sync_lock_release (lock, NULL);
  g_main_context_invoke (NULL, set_flag, &b_done);

  return NULL;
}

int
main (void)
{
  GThread *a, *b;
  gboolean ok;

  main_thread = g_thread_self ();
  order = g_string_new (NULL);
  lock = async_sync_lock_new ();    /* home context: the global default one */
  g_signal_connect (lock, "notify::locked", G_CALLBACK (locked_changed), NULL);

  g_assert_true (async_sync_lock_try_acquire (lock));

  a = g_thread_new ("worker-a", worker_a, NULL);
  while (!a_queued)
    g_main_context_iteration (NULL, TRUE);

  /* Worker A is queued, so it comes before B whenever B queues. */
  b = g_thread_new ("worker-b", worker_b, NULL);
  async_sync_lock_release (lock, NULL);   /* handed straight to worker A */

  while (!a_done || !b_done)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (a);
  g_thread_join (b);

  /* Deliver the last property notification, if one is pending. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_print ("order: %s, last notify::locked: %s, wrong-thread callbacks: %u\n",
           order->str, last_notified_locked ? "TRUE" : "FALSE", g_atomic_int_get (&n_wrong_thread));
  ok = g_str_equal (order->str, "AB") && !last_notified_locked && g_atomic_int_get (&n_wrong_thread) == 0;

  g_object_unref (lock);
  g_string_free (order, TRUE);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
