/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Thread stress tests: for each primitive, several threads, each with its
 * own GMainContext (pushed thread-default and iterated by that thread),
 * hammer the same object with random operations and random cancellation,
 * for a bounded number of operations, while invariants are checked
 * throughout:
 *
 *  - mutual exclusion, counted: a Lock (or a Condition's lock) has at most
 *    one holder, a Semaphore at most its initial value, and its value
 *    never exceeds that (so never goes below 0 either: it is unsigned and
 *    would wrap);
 *  - every operation completes exactly once, on the thread and the context
 *    that started it, from a dispatch of that context; a failure is a
 *    cancellation whose cancellable really fired;
 *  - a set Event never has waiters (no lost wake-up); a Condition waiter
 *    wakes up holding the lock, and its predicate runs holding it;
 *  - property notifications arrive on the object's home context, in the
 *    thread that created it;
 *  - at the end nobody waits, the object is back to its initial state,
 *    and everything is finalized (weak pointers).
 *
 * Two more tests race try_acquire() against release() from 4 threads
 * started together, in tight loops, on a Lock and on a BoundedSemaphore
 * (weighted): the narrowest window there is on the objects' state.
 *
 * Cancellation modes, picked at random per operation: none; a cancellable
 * never cancelled; cancelled before the call; cancelled by the caller
 * right after the call (racing with a hand-off from another thread);
 * cancelled by another thread at a random moment.
 *
 * Threads: 8 on the Lock and the Semaphore, 6 on the Event and the
 * Condition (2 producers, 4 consumers of a bounded buffer), 4 on the
 * BoundedSemaphore and in the try-acquire storms.
 *
 * A watchdog fails the test, describing the state, when nothing has
 * progressed for ASYNC_SYNC_STRESS_STALL seconds (default 60): a lost
 * wake-up shows as a diagnosis rather than as a timeout.
 *
 * Environment: ASYNC_SYNC_SEED (printed), ASYNC_SYNC_STRESS_THREADS
 * (overrides every thread count, at least 2), ASYNC_SYNC_STRESS_OPS
 * (operations per thread, default 6000; a Condition producer makes half
 * as many items).
 */

#include <string.h>

#include <asyncsync-glib/asyncsync-glib.h>

#define MAX_THREADS 32
#define DEFAULT_OPS 6000

typedef enum
{
  CANCEL_NONE,         /* no cancellable */
  CANCEL_NEVER,        /* a cancellable nobody cancels */
  CANCEL_BEFORE,       /* already cancelled when the call is made */
  CANCEL_AFTER_CALL,   /* cancelled by the caller right after the call */
  CANCEL_BY_PEER,      /* cancelled by another thread, some time */
  N_CANCEL_MODES
} CancelMode;

static const guint cancel_weights[N_CANCEL_MODES] = { 35, 20, 5, 15, 25 };

typedef struct _Stress Stress;
typedef struct _Worker Worker;
typedef struct _Op     Op;

/* What the Lock, Semaphore and BoundedSemaphore tests need of their object. */
typedef struct
{
  void     (*acquire_async)  (gpointer object, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*acquire_finish) (gpointer object, GAsyncResult *result, GError **error);
  gboolean (*acquire)        (gpointer object, GCancellable *cancellable, GError **error);
  gboolean (*try_acquire)    (gpointer object);
  gboolean (*release)        (gpointer object, GError **error);
  /* Weighted (semaphores only, else NULL). */
  void     (*acquire_many_async)  (gpointer object, guint n, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*acquire_many_finish) (gpointer object, GAsyncResult *result, GError **error);
  gboolean (*try_acquire_many)    (gpointer object, guint n);
  gboolean (*release_many)        (gpointer object, guint n, GError **error);
} Acquirable;

struct _Stress
{
  const gchar      *name;
  guint             n_threads;
  guint             ops_per_thread;
  guint32           seed;
  GThread          *main_thread;
  GMainContext     *home;          /* the objects' home context */
  gpointer          object;
  const Acquirable *acquirable;
  guint             limit;         /* most holders at once */

  /* cancellables published for other threads to cancel */
  GMutex            board_mutex;
  GCancellable     *board[MAX_THREADS];

  gint              holders;
  gint              max_holders;
  gint              workers_done;
  gint              n_notifications;

  /* figures */
  gint              n_calls;       /* _async calls and blocking calls */
  gint              n_ok;
  gint              n_cancelled;
  gint              n_try;
  gint              n_try_ok;
  gint              n_peer_cancels;
  gint              n_blocking;
  gint              n_weighted;    /* _many calls for 2 or more permits */

  gint              sets;          /* Event: set() calls */

  /* Condition: a bounded buffer; items, produced, consumed are guarded
   * by the lock */
  AsyncSyncCondition *not_full;    /* the second condition (s->object is not_empty) */
  gint              items;
  gint              produced;
  gint              consumed;
  gint              n_waits;
  gint              n_waits_behind;  /* waits behind another waiter */
};

struct _Worker
{
  Stress       *s;
  guint         index;
  GThread      *thread;       /* set by the thread itself */
  GThread      *handle;       /* what g_thread_new() returned, to join */
  GMainContext *ctx;
  GRand        *rand;
  guint         ops_left;     /* operations still to start */
  guint         in_flight;    /* started, not completed */
  guint         pending;      /* holds to release later, from an idle */
  guint         max_in_flight;
  guint         quota;        /* Condition: items still to produce/consume */
  gboolean      producer;
  GPtrArray    *ops;          /* every Op, checked and freed at the end */
};

struct _Op
{
  Worker       *w;
  GCancellable *cancellable;
  CancelMode    mode;
  gint          n_completed;
  guint         permits;      /* semaphores: how many it asked for */
};

/* ---- helpers ---- */

static guint
env_uint (const gchar *name,
          guint        fallback)
{
  const gchar *value = g_getenv (name);

  return value != NULL && *value != '\0' ? (guint) g_ascii_strtoull (value, NULL, 0) : fallback;
}

static gboolean
chance (Worker *w,
        guint   percent)
{
  return (guint) g_rand_int_range (w->rand, 0, 100) < percent;
}

/* @n permits (1 for a lock) are now held by the caller. */
static void
hold_enter (Stress *s,
            guint   n)
{
  gint now = g_atomic_int_add (&s->holders, n) + n;
  gint max;

  g_assert_cmpint (now, >=, 1);
  g_assert_cmpint (now, <=, (gint) s->limit);
  while ((max = g_atomic_int_get (&s->max_holders)) < now &&
         !g_atomic_int_compare_and_exchange (&s->max_holders, max, now))
    ;
}

static void
hold_exit (Stress *s,
           guint   n)
{
  g_assert_cmpint (g_atomic_int_add (&s->holders, -(gint) n), >=, (gint) n);
}

static void
board_publish (Worker       *w,
               GCancellable *cancellable)
{
  Stress *s = w->s;
  GCancellable *old;

  g_mutex_lock (&s->board_mutex);
  old = s->board[w->index];
  s->board[w->index] = g_object_ref (cancellable);
  g_mutex_unlock (&s->board_mutex);

  g_clear_object (&old);
}

/* Cancels what another thread published, if anything. */
static void
maybe_cancel_peer (Worker *w)
{
  Stress *s = w->s;
  GCancellable *cancellable;

  if (!chance (w, 20))
    return;

  g_mutex_lock (&s->board_mutex);
  cancellable = s->board[g_rand_int_range (w->rand, 0, s->n_threads)];
  if (cancellable != NULL)
    g_object_ref (cancellable);
  g_mutex_unlock (&s->board_mutex);

  if (cancellable != NULL)
    {
      if (!g_cancellable_is_cancelled (cancellable))
        g_atomic_int_inc (&s->n_peer_cancels);
      g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);
    }
}

static CancelMode
pick_cancel_mode (Worker *w)
{
  guint r = g_rand_int_range (w->rand, 0, 100);
  guint mode;

  for (mode = 0; r >= cancel_weights[mode]; mode++)
    r -= cancel_weights[mode];

  return mode;
}

/* Starts the bookkeeping of one call; returns its cancellable (or NULL). */
static Op *
op_new (Worker *w)
{
  Op *op = g_new0 (Op, 1);

  op->w = w;
  op->mode = pick_cancel_mode (w);
  if (op->mode != CANCEL_NONE)
    op->cancellable = g_cancellable_new ();
  if (op->mode == CANCEL_BEFORE)
    g_cancellable_cancel (op->cancellable);
  if (op->mode == CANCEL_BY_PEER)
    board_publish (w, op->cancellable);

  g_ptr_array_add (w->ops, op);
  w->in_flight++;
  g_atomic_int_inc (&w->s->n_calls);

  return op;
}

/* Right after the `_async` call returned. */
static void
op_started (Op *op)
{
  if (op->mode == CANCEL_AFTER_CALL)
    g_cancellable_cancel (op->cancellable);
}

/* Checks where and how often a completion runs, and its result. */
static void
op_completed (Op       *op,
              gboolean  ok,
              GError   *error)
{
  Worker *w = op->w;
  GSource *source = g_main_current_source ();

  g_assert_cmpint (++op->n_completed, ==, 1);
  g_assert_true (g_thread_self () == w->thread);
  g_assert_nonnull (source);
  g_assert_true (g_source_get_context (source) == w->ctx);

  if (ok)
    {
      g_assert_no_error (error);
      g_atomic_int_inc (&w->s->n_ok);
    }
  else
    {
      /* Only ever cancelled, and only if its cancellable really fired. */
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_nonnull (op->cancellable);
      g_assert_true (g_cancellable_is_cancelled (op->cancellable));
      g_atomic_int_inc (&w->s->n_cancelled);
    }

  g_assert_cmpuint (w->in_flight, >, 0);
  w->in_flight--;
}

static void
op_free (gpointer data)
{
  Op *op = data;

  g_assert_cmpint (op->n_completed, ==, 1);
  g_clear_object (&op->cancellable);
  g_free (op);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  Stress *s = user_data;
  GSource *source = g_main_current_source ();

  /* On the home context, in the thread that made the object. */
  g_assert_true (g_thread_self () == s->main_thread);
  g_assert_nonnull (source);
  g_assert_true (g_source_get_context (source) == s->home);
  g_atomic_int_inc (&s->n_notifications);
}

/* ---- the worker loop ---- */

typedef void (*StartFunc) (Worker *w);

typedef struct
{
  Worker    *w;
  StartFunc  start;
} WorkerRun;

static gboolean
worker_busy (Worker *w)
{
  return w->ops_left > 0 || w->in_flight > 0 || w->pending > 0 || w->quota > 0;
}

static StartFunc worker_start;

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;
  Stress *s = w->s;

  w->thread = g_thread_self ();
  g_main_context_push_thread_default (w->ctx);

  while (worker_busy (w))
    {
      while (w->ops_left > 0 && w->in_flight < w->max_in_flight)
        {
          w->ops_left--;
          worker_start (w);
        }
      maybe_cancel_peer (w);
      if (worker_busy (w))
        g_main_context_iteration (w->ctx, TRUE);
    }

  /* Nothing of ours may be left on our context. */
  while (g_main_context_iteration (w->ctx, FALSE))
    ;
  g_main_context_pop_thread_default (w->ctx);

  g_atomic_int_inc (&s->workers_done);
  g_main_context_wakeup (s->home);

  return NULL;
}

static Stress *
stress_new (const gchar *name,
            guint        limit,
            guint        n_threads)
{
  Stress *s = g_new0 (Stress, 1);

  s->name = name;
  s->n_threads = CLAMP (env_uint ("ASYNC_SYNC_STRESS_THREADS", n_threads), 2, MAX_THREADS);
  s->ops_per_thread = env_uint ("ASYNC_SYNC_STRESS_OPS", DEFAULT_OPS);
  s->seed = env_uint ("ASYNC_SYNC_SEED", g_random_int ());
  s->main_thread = g_thread_self ();
  s->home = g_main_context_new ();
  s->limit = limit;
  g_mutex_init (&s->board_mutex);

  g_test_message ("%s: seed %u (ASYNC_SYNC_SEED=%u), %u threads x %u operations",
                  name, s->seed, s->seed, s->n_threads, s->ops_per_thread);

  /* The objects are made with this context as thread-default. */
  g_main_context_push_thread_default (s->home);

  return s;
}

/* ---- the watchdog: a hang (a lost wake-up, a lost waiter) fails the
 * test with a description of where everyone is stuck, instead of waiting
 * for the test harness to kill it ---- */

typedef struct
{
  Stress *s;
  Worker *workers;
  gint    last_progress;
  guint   stalled_secs;
  guint   limit_secs;
} Watchdog;

static gint
progress (Stress *s)
{
  return g_atomic_int_get (&s->n_ok) + g_atomic_int_get (&s->n_cancelled) +
         g_atomic_int_get (&s->n_try) + g_atomic_int_get (&s->sets);
}

static void
describe_object (Stress  *s,
                 GString *out)
{
  if (ASYNC_SYNC_IS_LOCK (s->object))
    g_string_append_printf (out, "lock: locked=%d waiting=%u",
                            async_sync_lock_is_locked (s->object),
                            async_sync_lock_get_n_waiting (s->object));
  else if (ASYNC_SYNC_IS_SEMAPHORE (s->object))
    g_string_append_printf (out, "semaphore: value=%u waiting=%u",
                            async_sync_semaphore_get_value (s->object),
                            async_sync_semaphore_get_n_waiting (s->object));
  else if (ASYNC_SYNC_IS_EVENT (s->object))
    g_string_append_printf (out, "event: set=%d waiting=%u",
                            async_sync_event_is_set (s->object),
                            async_sync_event_get_n_waiting (s->object));
  else if (ASYNC_SYNC_IS_CONDITION (s->object))
    g_string_append_printf (out, "condition: locked=%d waiting=%u lock-waiting=%u items=%d "
                            "produced=%d consumed=%d",
                            async_sync_condition_is_locked (s->object),
                            async_sync_condition_get_n_waiting (s->object),
                            async_sync_lock_get_n_waiting (async_sync_condition_get_lock (s->object)),
                            s->items, s->produced, s->consumed);
}

static gboolean
watchdog_cb (gpointer user_data)
{
  Watchdog *dog = user_data;
  Stress *s = dog->s;
  gint now = progress (s);
  g_autoptr(GString) state = NULL;
  guint i;

  if (now != dog->last_progress)
    {
      dog->last_progress = now;
      dog->stalled_secs = 0;
      return G_SOURCE_CONTINUE;
    }
  if (++dog->stalled_secs < dog->limit_secs)
    return G_SOURCE_CONTINUE;

  state = g_string_new (NULL);
  describe_object (s, state);
  for (i = 0; i < s->n_threads; i++)
    g_string_append_printf (state, "\n  thread %u: %u in flight, %u to start, %u holds to "
                            "release, quota %u", i, dog->workers[i].in_flight,
                            dog->workers[i].ops_left, dog->workers[i].pending,
                            dog->workers[i].quota);
  g_error ("%s (seed %u): no progress for %u s, %d holders; %s",
           s->name, s->seed, dog->stalled_secs, g_atomic_int_get (&s->holders), state->str);

  return G_SOURCE_REMOVE;
}

/* Runs the workers; the main thread iterates the home context meanwhile
 * (notifications) and, for the Event test, calls @controller each turn. */
static void
stress_run (Stress    *s,
            StartFunc  start,
            void     (*controller) (Stress *s, GRand *rand),
            void     (*init_worker) (Worker *w))
{
  Worker workers[MAX_THREADS];
  GRand *rand = g_rand_new_with_seed (s->seed);
  gint64 begin = g_get_monotonic_time ();
  Watchdog dog = { s, workers, -1, 0, env_uint ("ASYNC_SYNC_STRESS_STALL", 60) };
  GSource *watchdog;
  gdouble secs;
  guint i;

  worker_start = start;

  for (i = 0; i < s->n_threads; i++)
    {
      Worker *w = &workers[i];

      memset (w, 0, sizeof *w);
      w->s = s;
      w->index = i;
      w->ctx = g_main_context_new ();
      w->rand = g_rand_new_with_seed (s->seed * 31 + i + 1);
      w->ops_left = s->ops_per_thread;
      w->max_in_flight = 1 + i % 3;
      w->producer = i % 2 == 0;
      w->ops = g_ptr_array_new_with_free_func (op_free);
      if (init_worker != NULL)
        init_worker (w);
    }
  /* Threads may only start once every Worker is filled in. */
  for (i = 0; i < s->n_threads; i++)
    {
      g_autofree gchar *thread_name = g_strdup_printf ("stress-%u", i);

      workers[i].handle = g_thread_new (thread_name, worker_thread, &workers[i]);
    }

  watchdog = g_timeout_source_new_seconds (1);
  g_source_set_callback (watchdog, watchdog_cb, &dog, NULL);
  g_source_attach (watchdog, s->home);

  while ((guint) g_atomic_int_get (&s->workers_done) < s->n_threads)
    {
      if (controller != NULL)
        {
          controller (s, rand);
          g_main_context_iteration (s->home, FALSE);
        }
      else
        {
          g_main_context_iteration (s->home, TRUE);
        }
    }

  g_source_destroy (watchdog);
  g_source_unref (watchdog);

  for (i = 0; i < s->n_threads; i++)
    {
      Worker *w = &workers[i];

      g_thread_join (w->handle);
      g_assert_false (worker_busy (w));
      g_ptr_array_unref (w->ops);   /* checks each op completed once */
      g_rand_free (w->rand);
      g_main_context_unref (w->ctx);
    }

  /* Pending notifications. */
  while (g_main_context_iteration (s->home, FALSE))
    ;

  secs = (g_get_monotonic_time () - begin) / 1e6;
  g_test_message ("%s: %u threads, %d calls (%d ok, %d cancelled, %d by another thread; "
                  "%d blocking, %d weighted), %d try-acquire (%d ok), %d notifications, "
                  "at most %d held, %.2f s (%.0f calls/s)",
                  s->name, s->n_threads, s->n_calls, s->n_ok, s->n_cancelled, s->n_peer_cancels,
                  s->n_blocking, s->n_weighted, s->n_try, s->n_try_ok, s->n_notifications,
                  s->max_holders, secs, s->n_calls / MAX (secs, 1e-6));

  g_assert_cmpint (s->n_ok + s->n_cancelled, ==, s->n_calls);
  g_assert_cmpint (s->holders, ==, 0);
  g_rand_free (rand);
}

/* Drops the object: it, and everything it made, must be finalized. */
static void
stress_free (Stress *s)
{
  gpointer weak = s->object;
  guint i;

  g_object_add_weak_pointer (weak, &weak);
  g_signal_handlers_disconnect_by_data (s->object, s);
  g_clear_object (&s->object);
  while (g_main_context_iteration (s->home, FALSE))
    ;
  g_assert_null (weak);

  for (i = 0; i < MAX_THREADS; i++)
    g_clear_object (&s->board[i]);
  g_main_context_pop_thread_default (s->home);
  g_main_context_unref (s->home);
  g_mutex_clear (&s->board_mutex);
  g_free (s);
}

/* ---- Lock, Semaphore, BoundedSemaphore ---- */

static void release_held (Worker *w,
                          guint   n);

typedef struct
{
  Worker *w;
  guint   n;
} Held;

static gboolean
release_later_cb (gpointer user_data)
{
  Held *held = user_data;

  g_assert_cmpuint (held->w->pending, >, 0);
  held->w->pending--;
  release_held (held->w, held->n);

  return G_SOURCE_REMOVE;
}

static void
release_held (Worker *w,
              guint   n)
{
  Stress *s = w->s;
  GError *error = NULL;

  hold_exit (s, n);
  if (n == 1)
    g_assert_true (s->acquirable->release (s->object, &error));
  else
    g_assert_true (s->acquirable->release_many (s->object, n, &error));
  g_assert_no_error (error);
  if (s->limit > 1)
    g_assert_cmpuint (async_sync_semaphore_get_value (s->object), <=, s->limit);
}

/* Holds @n permits for a while: released at once, or from a later
 * iteration of the thread's context. */
static void
got_it (Worker *w,
        guint   n)
{
  hold_enter (w->s, n);
  if (chance (w, 50))
    {
      GSource *idle = g_idle_source_new ();
      Held *held = g_new (Held, 1);

      held->w = w;
      held->n = n;
      w->pending++;
      g_source_set_callback (idle, release_later_cb, held, g_free);
      g_source_attach (idle, w->ctx);
      g_source_unref (idle);
    }
  else
    {
      release_held (w, n);
    }
}

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Op *op = user_data;
  Worker *w = op->w;
  GError *error = NULL;
  gboolean ok;

  if (op->permits > 1)
    ok = w->s->acquirable->acquire_many_finish (object, result, &error);
  else
    ok = w->s->acquirable->acquire_finish (object, result, &error);
  op_completed (op, ok, error);
  g_clear_error (&error);
  if (ok)
    got_it (w, op->permits);
}

static void
acquirable_start (Worker *w)
{
  Stress *s = w->s;
  gboolean weighted = s->acquirable->acquire_many_async != NULL && chance (w, 25);
  guint n = weighted ? (guint) g_rand_int_range (w->rand, 2, s->limit + 1) : 1;
  Op *op;

  if (chance (w, 15))
    {
      gboolean ok;

      g_atomic_int_inc (&s->n_try);
      if (n > 1)
        ok = s->acquirable->try_acquire_many (s->object, n);
      else
        ok = s->acquirable->try_acquire (s->object);
      if (ok)
        {
          g_atomic_int_inc (&s->n_try_ok);
          got_it (w, n);
        }
      return;
    }

  /* The blocking variant, only when nothing of ours must run meanwhile:
   * our context does not run while we block. */
  if (w->in_flight == 0 && w->pending == 0 && chance (w, 5))
    {
      GError *error = NULL;
      gboolean ok;

      op = op_new (w);
      g_atomic_int_inc (&s->n_blocking);
      if (op->mode == CANCEL_AFTER_CALL)
        g_cancellable_cancel (op->cancellable);
      ok = s->acquirable->acquire (s->object, op->cancellable, &error);
      /* Book it like an async completion, minus the dispatch check. */
      op->n_completed++;
      w->in_flight--;
      if (ok)
        {
          g_assert_no_error (error);
          g_atomic_int_inc (&s->n_ok);
          hold_enter (s, 1);
          release_held (w, 1);
        }
      else
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_atomic_int_inc (&s->n_cancelled);
          g_clear_error (&error);
        }
      return;
    }

  op = op_new (w);
  op->permits = n;
  if (n > 1)
    {
      g_atomic_int_inc (&s->n_weighted);
      s->acquirable->acquire_many_async (s->object, n, op->cancellable, acquired_cb, op);
    }
  else
    {
      s->acquirable->acquire_async (s->object, op->cancellable, acquired_cb, op);
    }
  op_started (op);
}

static void
lock_acquire_async (gpointer object, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  async_sync_lock_acquire_async (object, cancellable, callback, user_data);
}

static gboolean
lock_acquire_finish (gpointer object, GAsyncResult *result, GError **error)
{
  return async_sync_lock_acquire_finish (object, result, error);
}

static gboolean
lock_acquire (gpointer object, GCancellable *cancellable, GError **error)
{
  return async_sync_lock_acquire (object, cancellable, error);
}

static gboolean
lock_try_acquire (gpointer object)
{
  return async_sync_lock_try_acquire (object);
}

static gboolean
lock_release (gpointer object, GError **error)
{
  return async_sync_lock_release (object, error);
}

static const Acquirable lock_acquirable = {
  lock_acquire_async, lock_acquire_finish, lock_acquire, lock_try_acquire, lock_release,
  NULL, NULL, NULL, NULL,
};

static void
sem_acquire_async (gpointer object, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  async_sync_semaphore_acquire_async (object, cancellable, callback, user_data);
}

static gboolean
sem_acquire_finish (gpointer object, GAsyncResult *result, GError **error)
{
  return async_sync_semaphore_acquire_finish (object, result, error);
}

static gboolean
sem_acquire (gpointer object, GCancellable *cancellable, GError **error)
{
  return async_sync_semaphore_acquire (object, cancellable, error);
}

static gboolean
sem_try_acquire (gpointer object)
{
  return async_sync_semaphore_try_acquire (object);
}

static gboolean
sem_release (gpointer object, GError **error)
{
  return async_sync_semaphore_release (object, error);
}

static void
sem_acquire_many_async (gpointer object, guint n, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  async_sync_semaphore_acquire_many_async (object, n, cancellable, callback, user_data);
}

static gboolean
sem_acquire_many_finish (gpointer object, GAsyncResult *result, GError **error)
{
  return async_sync_semaphore_acquire_many_finish (object, result, error);
}

static gboolean
sem_try_acquire_many (gpointer object, guint n)
{
  return async_sync_semaphore_try_acquire_many (object, n);
}

static gboolean
sem_release_many (gpointer object, guint n, GError **error)
{
  return async_sync_semaphore_release_many (object, n, error);
}

static const Acquirable semaphore_acquirable = {
  sem_acquire_async, sem_acquire_finish, sem_acquire, sem_try_acquire, sem_release,
  sem_acquire_many_async, sem_acquire_many_finish, sem_try_acquire_many, sem_release_many,
};

static void
test_lock (void)
{
  Stress *s = stress_new ("Lock", 1, 8);

  g_test_summary ("Threads hammering one Lock, with random cancellation: one "
                  "holder at a time, each call completes once on its own context");

  s->object = async_sync_lock_new ();
  s->acquirable = &lock_acquirable;
  g_signal_connect (s->object, "notify::locked", G_CALLBACK (notify_cb), s);

  stress_run (s, acquirable_start, NULL, NULL);

  g_assert_false (async_sync_lock_is_locked (s->object));
  g_assert_cmpuint (async_sync_lock_get_n_waiting (s->object), ==, 0);
  g_assert_cmpint (s->max_holders, ==, 1);
  stress_free (s);
}

/* try_acquire() from every thread at once, in a tight loop, against
 * releases: the narrowest race there is on the object's state. */
typedef struct
{
  Stress *s;
  guint   index;
  gint    n_ok;
} TryStorm;

static gpointer
try_storm_thread (gpointer data)
{
  TryStorm *storm = data;
  Stress *s = storm->s;
  const Acquirable *a = s->acquirable;
  GRand *rand = g_rand_new_with_seed (s->seed + storm->index);
  guint i;

  /* Start together, or a loaded machine runs the threads one by one. */
  g_atomic_int_inc (&s->workers_done);
  while ((guint) g_atomic_int_get (&s->workers_done) < s->n_threads)
    g_thread_yield ();

  for (i = 0; i < s->ops_per_thread * 16; i++)
    {
      guint n = a->try_acquire_many != NULL ? (guint) g_rand_int_range (rand, 1, s->limit + 1) : 1;
      GError *error = NULL;

      if (!(n == 1 ? a->try_acquire (s->object) : a->try_acquire_many (s->object, n)))
        continue;
      hold_enter (s, n);
      storm->n_ok++;
      hold_exit (s, n);
      g_assert_true (n == 1 ? a->release (s->object, &error) : a->release_many (s->object, n, &error));
      g_assert_no_error (error);
    }
  g_atomic_int_add (&s->n_try, s->ops_per_thread * 16);
  g_atomic_int_add (&s->n_try_ok, storm->n_ok);
  g_rand_free (rand);

  return NULL;
}

static void
try_storm (Stress *s)
{
  TryStorm storms[MAX_THREADS];
  GThread *threads[MAX_THREADS];
  guint i;

  for (i = 0; i < s->n_threads; i++)
    {
      storms[i].s = s;
      storms[i].index = i;
      storms[i].n_ok = 0;
      threads[i] = g_thread_new ("try-storm", try_storm_thread, &storms[i]);
    }
  for (i = 0; i < s->n_threads; i++)
    g_thread_join (threads[i]);

  g_test_message ("%s: %u threads, %d try-acquire (%d ok), at most %d held",
                  s->name, s->n_threads, s->n_try, s->n_try_ok, s->max_holders);
  g_assert_cmpint (s->holders, ==, 0);
}

static void
test_lock_try_storm (void)
{
  Stress *s = stress_new ("Lock try-acquire storm", 1, 4);

  g_test_summary ("Threads racing try_acquire() and release() on one Lock: "
                  "never two holders");

  s->object = async_sync_lock_new ();
  s->acquirable = &lock_acquirable;
  try_storm (s);
  g_assert_false (async_sync_lock_is_locked (s->object));
  stress_free (s);
}

static void
test_semaphore_try_storm (void)
{
  Stress *s = stress_new ("Semaphore try-acquire storm", 3, 4);

  g_test_summary ("Threads racing try_acquire_many() and release_many() on one "
                  "BoundedSemaphore(3): never more than 3 permits held");

  s->object = async_sync_bounded_semaphore_new (3);
  s->acquirable = &semaphore_acquirable;
  try_storm (s);
  g_assert_cmpuint (async_sync_semaphore_get_value (s->object), ==, 3);
  stress_free (s);
}

static void
test_semaphore_common (gboolean bounded)
{
  Stress *s = stress_new (bounded ? "BoundedSemaphore" : "Semaphore", 3, bounded ? 4 : 8);
  GError *error = NULL;

  s->object = bounded ? (gpointer) async_sync_bounded_semaphore_new (3)
                      : (gpointer) async_sync_semaphore_new (3);
  s->acquirable = &semaphore_acquirable;
  g_signal_connect (s->object, "notify::value", G_CALLBACK (notify_cb), s);

  stress_run (s, acquirable_start, NULL, NULL);

  g_assert_cmpuint (async_sync_semaphore_get_value (s->object), ==, 3);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (s->object), ==, 0);
  g_assert_cmpint (s->max_holders, <=, 3);
  if (bounded)
    {
      /* Every permit is back: one more release is refused. */
      g_assert_false (async_sync_semaphore_release (s->object, &error));
      g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
      g_clear_error (&error);
      g_assert_cmpuint (async_sync_semaphore_get_value (s->object), ==, 3);
    }
  stress_free (s);
}

static void
test_semaphore (void)
{
  g_test_summary ("Threads hammering one Semaphore(3), with random cancellation: "
                  "never more than 3 holders, the value never above 3");
  test_semaphore_common (FALSE);
}

static void
test_bounded_semaphore (void)
{
  g_test_summary ("Threads hammering one BoundedSemaphore(3), with random cancellation: "
                  "never more than 3 holders, every release accepted, the bound kept");
  test_semaphore_common (TRUE);
}

/* ---- Event ---- */

static void
waited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Op *op = user_data;
  GError *error = NULL;
  gboolean ok;

  ok = async_sync_event_wait_finish (ASYNC_SYNC_EVENT (object), result, &error);
  op_completed (op, ok, error);
  g_clear_error (&error);
}

static void
event_start (Worker *w)
{
  Stress *s = w->s;
  Op *op;

  /* Workers set, never clear: only the controller clears. */
  if (chance (w, 5))
    {
      g_atomic_int_inc (&s->sets);
      async_sync_event_set (s->object);
      return;
    }

  op = op_new (w);
  async_sync_event_wait_async (s->object, op->cancellable, waited_cb, op);
  op_started (op);
}

/* The main thread sets and clears; between its set and its clear, nobody
 * may be left waiting (set wakes everyone, and no wait queues while set). */
static void
event_controller (Stress *s,
                  GRand  *rand)
{
  if (async_sync_event_get_n_waiting (s->object) == 0 && g_rand_int_range (rand, 0, 4) != 0)
    {
      g_thread_yield ();
      return;
    }

  g_atomic_int_inc (&s->sets);
  async_sync_event_set (s->object);
  g_assert_true (async_sync_event_is_set (s->object));
  g_assert_cmpuint (async_sync_event_get_n_waiting (s->object), ==, 0);
  if (g_rand_boolean (rand))
    g_thread_yield ();
  g_assert_cmpuint (async_sync_event_get_n_waiting (s->object), ==, 0);
  async_sync_event_clear (s->object);
}

static void
test_event (void)
{
  Stress *s = stress_new ("Event", G_MAXINT, 6);

  g_test_summary ("Threads waiting on one Event that the main thread sets and clears, "
                  "with random cancellation: a set event never has waiters, every wait "
                  "completes once on its own context");

  s->object = async_sync_event_new ();
  g_signal_connect (s->object, "notify::is-set", G_CALLBACK (notify_cb), s);

  stress_run (s, event_start, event_controller, NULL);

  async_sync_event_set (s->object);
  g_assert_cmpuint (async_sync_event_get_n_waiting (s->object), ==, 0);
  g_test_message ("Event: %d sets", s->sets);
  stress_free (s);
}

/* ---- Condition: a bounded buffer ---- */

/* Producers and consumers share a buffer of BUFFER_SIZE items, guarded by
 * one lock and two conditions on it: not_empty (s->object, which made the
 * lock) and not_full.  Both sides wait, so both conditions have queues of
 * waiters that notify(), notify_all() and cancellations act on. */
#define BUFFER_SIZE 2

static void cond_acquire (Worker *w);

static gboolean
can_act (Worker *w)
{
  return w->producer ? w->s->items < BUFFER_SIZE : w->s->items > 0;
}

/* The predicate of wait_for: runs holding the lock. */
static gboolean
can_act_predicate (gpointer user_data)
{
  Worker *w = user_data;
  Stress *s = w->s;

  /* The lock was handed to this waiter: nobody else holds it. */
  g_assert_true (g_thread_self () == w->thread);
  g_assert_cmpint (g_atomic_int_get (&s->holders), ==, 0);
  g_assert_true (async_sync_condition_is_locked (s->object));

  return can_act (w);
}

static void
cond_release (Worker *w)
{
  Stress *s = w->s;
  GError *error = NULL;

  hold_exit (s, 1);
  g_assert_true (async_sync_condition_release (s->object, &error));
  g_assert_no_error (error);
}

static void
cond_next (Worker *w)
{
  if (w->quota > 0)
    cond_acquire (w);
}

static gboolean
cond_release_later_cb (gpointer user_data)
{
  Worker *w = user_data;

  g_assert_cmpuint (w->pending, >, 0);
  w->pending--;
  cond_release (w);
  cond_next (w);

  return G_SOURCE_REMOVE;
}

static void cond_waited_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

/* Holding the lock: produce or consume one item, or wait until possible. */
static void
cond_check (Worker *w)
{
  Stress *s = w->s;
  AsyncSyncCondition *wait_on = w->producer ? s->not_full : s->object;
  AsyncSyncCondition *signal = w->producer ? s->object : s->not_full;
  GError *error = NULL;
  Op *op;

  if (can_act (w))
    {
      if (w->producer)
        {
          s->items++;
          s->produced++;
        }
      else
        {
          s->items--;
          s->consumed++;
        }
      g_assert_cmpint (s->items, >=, 0);
      g_assert_cmpint (s->items, <=, BUFFER_SIZE);
      g_assert_cmpuint (w->quota, >, 0);
      w->quota--;

      if (chance (w, 70))
        g_assert_true (async_sync_condition_notify (signal, 1, &error));
      else
        g_assert_true (async_sync_condition_notify_all (signal, &error));
      g_assert_no_error (error);

      /* Sometimes held over an iteration: the notified waiters sit in the
       * lock's queue meanwhile, where cancelling them must not matter. */
      if (chance (w, 30))
        {
          GSource *idle = g_idle_source_new ();

          w->pending++;
          g_source_set_callback (idle, cond_release_later_cb, w, NULL);
          g_source_attach (idle, w->ctx);
          g_source_unref (idle);
        }
      else
        {
          cond_release (w);
          cond_next (w);
        }
      return;
    }

  /* Waiting releases the lock. */
  hold_exit (s, 1);
  g_atomic_int_inc (&s->n_waits);
  if (async_sync_condition_get_n_waiting (wait_on) > 0)
    g_atomic_int_inc (&s->n_waits_behind);
  op = op_new (w);
  if (chance (w, 50))
    async_sync_condition_wait_for_async (wait_on, can_act_predicate, w, NULL,
                                         op->cancellable, cond_waited_cb, op);
  else
    async_sync_condition_wait_async (wait_on, op->cancellable, cond_waited_cb, op);
  op_started (op);
}

static void
cond_waited_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Op *op = user_data;
  Worker *w = op->w;
  GError *error = NULL;
  gboolean ok, wait_for;

  wait_for = g_task_get_source_tag (G_TASK (result)) == async_sync_condition_wait_for_async;
  if (wait_for)
    ok = async_sync_condition_wait_for_finish (ASYNC_SYNC_CONDITION (object), result, &error);
  else
    ok = async_sync_condition_wait_finish (ASYNC_SYNC_CONDITION (object), result, &error);
  op_completed (op, ok, error);
  g_clear_error (&error);

  /* Whatever the result, the waiter holds the lock again; a plain wait
   * (or a cancelled one) checks again. */
  hold_enter (w->s, 1);
  if (ok && wait_for)
    g_assert_true (can_act (w));
  cond_check (w);
}

static void
cond_acquired_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Op *op = user_data;
  Worker *w = op->w;
  GError *error = NULL;
  gboolean ok;

  ok = async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (object), result, &error);
  op_completed (op, ok, error);
  g_clear_error (&error);

  if (!ok)
    {
      cond_acquire (w);     /* try again */
      return;
    }

  hold_enter (w->s, 1);
  cond_check (w);
}

static void
cond_acquire (Worker *w)
{
  Op *op = op_new (w);

  /* Through either condition: they share the lock. */
  async_sync_condition_acquire_async (chance (w, 50) ? w->s->object : w->s->not_full,
                                      op->cancellable, cond_acquired_cb, op);
  op_started (op);
}

/* One thread in three produces, ops_per_thread / 2 items each; the others
 * consume exactly as many between them, so they often wait together. */
static void
condition_init_worker (Worker *w)
{
  Stress *s = w->s;
  guint n_producers = (s->n_threads + 2) / 3;
  guint n_consumers = s->n_threads - n_producers;
  guint per_producer = MAX (s->ops_per_thread / 2, 1);
  guint total = per_producer * n_producers;
  guint consumer = w->index - (w->index / 3 + 1);

  w->producer = w->index % 3 == 0;
  w->quota = w->producer ? per_producer
                         : total / n_consumers + (consumer < total % n_consumers);
  w->ops_left = 1;   /* the rest is chained from the callbacks */
}

static void
condition_start (Worker *w)
{
  if (w->in_flight == 0 && w->pending == 0 && w->quota > 0)
    cond_acquire (w);
}

static void
test_condition (void)
{
  Stress *s = stress_new ("Condition", 1, 6);
  gpointer lock_weak, not_full_weak;

  g_test_summary ("Producer and consumer threads on a bounded buffer (two Conditions "
                  "sharing one lock), with random cancellation: one holder at a time, "
                  "waiters wake up holding the lock, no item and no wake-up lost");

  s->object = async_sync_condition_new (NULL);
  lock_weak = async_sync_condition_get_lock (s->object);
  s->not_full = async_sync_condition_new (lock_weak);
  g_object_add_weak_pointer (lock_weak, &lock_weak);
  not_full_weak = s->not_full;
  g_object_add_weak_pointer (not_full_weak, &not_full_weak);
  g_signal_connect (lock_weak, "notify::locked", G_CALLBACK (notify_cb), s);

  stress_run (s, condition_start, NULL, condition_init_worker);

  g_assert_cmpint (s->produced, ==, s->consumed);
  g_assert_cmpint (s->items, ==, 0);
  g_assert_false (async_sync_condition_is_locked (s->object));
  g_assert_cmpuint (async_sync_condition_get_n_waiting (s->object), ==, 0);
  g_assert_cmpuint (async_sync_condition_get_n_waiting (s->not_full), ==, 0);
  g_assert_cmpuint (async_sync_lock_get_n_waiting (lock_weak), ==, 0);
  g_test_message ("Condition: %d items through a buffer of %d, %d waits (%d behind another)",
                  s->produced, BUFFER_SIZE, s->n_waits, s->n_waits_behind);

  g_signal_handlers_disconnect_by_data (lock_weak, s);
  g_clear_object (&s->not_full);
  stress_free (s);
  g_assert_null (lock_weak);
  g_assert_null (not_full_weak);
}

/* Objects made on a home context that one thread keeps iterating, changed
 * and dropped by others: the last reference goes while the home thread
 * may be running (or about to run) the object's pending notification. */
typedef struct
{
  GObject     **objects;
  guint         n_objects;
  gint          next;         /* atomic: the next object to drop */
  GMainContext *home;
  gint          n_finalized;  /* atomic */
  gint          n_notified;   /* atomic */
  gint          n_droppers;   /* atomic: still running */
} NotifyRace;

static void
count_finalized (gpointer  data,
                 GObject  *where_the_object_was)
{
  g_atomic_int_inc (&((NotifyRace *) data)->n_finalized);
}

static void
count_notified (GObject    *object,
                GParamSpec *pspec,
                gpointer    data)
{
  g_atomic_int_inc (&((NotifyRace *) data)->n_notified);
}

static gpointer
notify_race_home (gpointer data)
{
  NotifyRace *race = data;

  g_main_context_push_thread_default (race->home);
  while (g_atomic_int_get (&race->n_droppers) > 0)
    g_main_context_iteration (race->home, TRUE);
  while (g_main_context_iteration (race->home, FALSE))
    ;
  g_main_context_pop_thread_default (race->home);

  return NULL;
}

static gpointer
notify_race_dropper (gpointer data)
{
  NotifyRace *race = data;
  guint i;

  while ((i = g_atomic_int_add (&race->next, 1)) < race->n_objects)
    {
      GObject *object = race->objects[i];

      /* A change (a notification is queued on the home context, which
       * wakes up), then at once the last reference. */
      gint64 until;

      if (ASYNC_SYNC_IS_LOCK (object))
        g_assert_true (async_sync_lock_try_acquire (ASYNC_SYNC_LOCK (object)));
      else
        g_assert_true (async_sync_rw_lock_try_write_acquire (ASYNC_SYNC_RW_LOCK (object)));
      /* A few microseconds, spread over the home thread's wake-up. */
      until = g_get_monotonic_time () + i % 16;
      while (g_get_monotonic_time () < until)
        ;
      g_object_unref (object);
    }
  if (g_atomic_int_dec_and_test (&race->n_droppers))
    g_main_context_wakeup (race->home);

  return NULL;
}

static void
test_notification_races_finalize (void)
{
  NotifyRace race = { NULL, env_uint ("ASYNC_SYNC_STRESS_OPS", DEFAULT_OPS) * 4, 0,
                      g_main_context_new (), 0, 0, 2 };
  GThread *home, *droppers[2];
  guint i;

  g_test_summary ("An object whose last reference goes in one thread while "
                  "its home thread runs its pending notification: the "
                  "notification finds it gone or emits it, never touches "
                  "freed memory, and every object is finalized");

  race.objects = g_new (GObject *, race.n_objects);
  g_main_context_push_thread_default (race.home);
  for (i = 0; i < race.n_objects; i++)
    {
      race.objects[i] = i % 2 == 0 ? G_OBJECT (async_sync_lock_new ())
                                   : G_OBJECT (async_sync_rw_lock_new ());
      g_object_weak_ref (race.objects[i], count_finalized, &race);
      g_signal_connect (race.objects[i], "notify", G_CALLBACK (count_notified), &race);
    }
  g_main_context_pop_thread_default (race.home);

  home = g_thread_new ("home", notify_race_home, &race);
  for (i = 0; i < G_N_ELEMENTS (droppers); i++)
    droppers[i] = g_thread_new ("dropper", notify_race_dropper, &race);
  for (i = 0; i < G_N_ELEMENTS (droppers); i++)
    g_thread_join (droppers[i]);
  g_thread_join (home);

  g_assert_cmpint (g_atomic_int_get (&race.n_finalized), ==, race.n_objects);
  g_test_message ("%u objects, %d notifications emitted before their object went",
                  race.n_objects, g_atomic_int_get (&race.n_notified));
  g_main_context_unref (race.home);
  g_free (race.objects);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/AsyncSync/Stress/lock", test_lock);
  g_test_add_func ("/AsyncSync/Stress/lock-try-storm", test_lock_try_storm);
  g_test_add_func ("/AsyncSync/Stress/semaphore-try-storm", test_semaphore_try_storm);
  g_test_add_func ("/AsyncSync/Stress/event", test_event);
  g_test_add_func ("/AsyncSync/Stress/condition", test_condition);
  g_test_add_func ("/AsyncSync/Stress/semaphore", test_semaphore);
  g_test_add_func ("/AsyncSync/Stress/bounded-semaphore", test_bounded_semaphore);
  g_test_add_func ("/AsyncSync/Stress/notification-races-finalize", test_notification_races_finalize);

  return g_test_run ();
}
