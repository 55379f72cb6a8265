/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The soak: every class from several threads for a chosen time, for the
 * long runs that CI cannot afford (build-aux/soak).  It looks for what
 * only shows over time: memory that grows, a waiter that is never served,
 * an object, item or context that is never freed.
 *
 * Worker threads, each with its own main context, keep up to
 * IN_FLIGHT asynchronous operations going on shared objects of every class,
 * picked at random: lock, condition (wait_for and notify), event,
 * semaphore, bounded semaphore (weighted), barrier (with resets and
 * aborts), queue (put, get, try_put, try_get, task_done, join), read-write
 * lock.  A holder keeps what it got for zero or one iteration.  Waits that
 * nothing may ever end carry an AsyncSyncTimeout or a cancellable that a
 * timer cancels.  Besides, short-lived objects: queues shut down both
 * ways with items in them, and objects made under a temporary context that
 * is dropped without running again.  One more thread uses the blocking
 * calls, with deadlines.  The main thread runs the objects' home context
 * (their notifications) and samples the resident set size and the heap in
 * use.
 *
 * At the end the workers stop starting operations and finish theirs; then
 * nobody may be waiting on anything, every permit must be back, and once
 * dropped every object, queue item and context must be freed.
 *
 * Usage: soak [SECONDS [THREADS]]   (default 60 s, 4 threads)
 * Exit status 0 if every check passed and memory stayed flat: the RSS and
 * the heap in use grew by at most 10% (+ 4 MiB and 64 KiB) after the first
 * quarter of the run.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <asyncsync-glib/asyncsync-glib.h>

#define IN_FLIGHT       8      /* per worker */
#define SEM_VALUE       3
#define BSEM_VALUE      4
#define PARTIES         3
#define QUEUE_MAXSIZE   16
#define MAX_WAIT_MS     20     /* the longest deadline of a wait */
#define N_SAMPLES       20     /* RSS samples over the run */

typedef enum
{
  CLASS_LOCK,
  CLASS_CONDITION,
  CLASS_EVENT,
  CLASS_SEMAPHORE,
  CLASS_BOUNDED,
  CLASS_BARRIER,
  CLASS_QUEUE,
  CLASS_RW_LOCK,
  CLASS_SHORT_LIVED,
  CLASS_BLOCKING,
  N_CLASSES
} OpClass;

static const gchar *const class_names[N_CLASSES] = {
  "lock", "condition", "event", "semaphore", "bounded-semaphore", "barrier",
  "queue", "rw-lock", "short-lived objects", "blocking calls",
};

typedef struct
{
  GMainContext       *home;
  AsyncSyncLock      *lock;
  AsyncSyncCondition *cond;
  AsyncSyncEvent     *event;
  AsyncSyncSemaphore *sem;
  AsyncSyncSemaphore *bsem;
  AsyncSyncBarrier   *barrier;
  AsyncSyncQueue     *queue;
  AsyncSyncRWLock    *rw;

  gint                stop;                /* atomic */
  gint                generation;          /* atomic: what wait_for waits for */
  gint                n_ops[N_CLASSES];    /* atomic: completed operations */
  gint                n_items_alive;       /* atomic: queue items made and not freed */
  gint                n_contexts_alive;    /* atomic: temporary contexts not freed */
  gint                n_objects_alive;     /* atomic: short-lived objects not freed */
  guint               n_notified;          /* home thread only */
} Soak;

typedef struct
{
  Soak         *soak;
  GMainContext *context;
  GRand        *rand;
  guint         in_flight;
} Worker;

/* One asynchronous operation of a worker. */
typedef struct
{
  Worker       *w;
  OpClass       klass;
  guint         n;           /* permits; for wait_for, the generation seen */
  gboolean      write;       /* rw-lock */
  GCancellable *cancellable;
} Op;

static Op *
op_new (Worker  *w,
        OpClass  klass)
{
  Op *op = g_new0 (Op, 1);

  op->w = w;
  op->klass = klass;
  w->in_flight++;

  return op;
}

static void
op_done (Op *op)
{
  g_atomic_int_inc (&op->w->soak->n_ops[op->klass]);
  op->w->in_flight--;
  g_clear_object (&op->cancellable);
  g_free (op);
}

/* ---- memory and lifetimes ---- */

static gsize
rss_kib (void)
{
  g_autofree gchar *statm = NULL;
  gulong size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;

  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

/* The bytes malloc has handed out and not had back (0 if unknown): beside
 * the RSS, which also counts what malloc keeps for later, this tells a
 * leak from fragmentation.  glibc counts the chunks its per-thread caches
 * hold as in use: build-aux/soak turns those caches off (GLIBC_TUNABLES),
 * else this creeps up as they fill. */
static gsize
heap_in_use_kib (void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 info = mallinfo2 ();

  return (info.uordblks + info.hblkhd) / 1024;
#else
  return 0;
#endif
}

static void
count_freed (gpointer  data,
             GObject  *where_the_object_was)
{
  g_atomic_int_add ((gint *) data, -1);
}

static GObject *
item_new (Soak *soak)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);

  g_atomic_int_inc (&soak->n_items_alive);
  g_object_weak_ref (item, count_freed, &soak->n_items_alive);

  return item;
}

static void
context_freed (gpointer data)
{
  g_atomic_int_add ((gint *) data, -1);
}

static gboolean
never (gpointer data)
{
  g_assert_not_reached ();
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* ---- the cancellable of a wait that may never end ---- */

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A deadline, or a cancellable that a timer on the worker's context
 * cancels, or (for what always completes) nothing, at random. */
static GCancellable *
wait_bound (Worker   *w,
            gboolean  may_be_none)
{
  guint ms = g_rand_int_range (w->rand, 0, MAX_WAIT_MS + 1);
  GCancellable *cancellable;
  GSource *timer;

  switch (g_rand_int_range (w->rand, may_be_none ? 0 : 1, 4))
    {
    case 0:
      return NULL;
    case 1:
    case 2:
      return G_CANCELLABLE (async_sync_timeout_new (ms));
    default:
      cancellable = g_cancellable_new ();
      timer = g_timeout_source_new (ms);
      g_source_set_callback (timer, cancel_cb, g_object_ref (cancellable), g_object_unref);
      g_source_attach (timer, w->context);
      g_source_unref (timer);
      return cancellable;
    }
}

/* ---- holders: release now, or after an iteration ---- */

static void
release_held (Op *op)
{
  Soak *soak = op->w->soak;

  switch (op->klass)
    {
    case CLASS_LOCK:
      g_assert_true (async_sync_lock_release (soak->lock, NULL));
      break;
    case CLASS_SEMAPHORE:
      g_assert_true (async_sync_semaphore_release (soak->sem, NULL));
      break;
    case CLASS_BOUNDED:
      g_assert_true (async_sync_semaphore_release_many (soak->bsem, op->n, NULL));
      break;
    case CLASS_RW_LOCK:
      if (op->write)
        g_assert_true (async_sync_rw_lock_write_release (soak->rw, NULL));
      else
        g_assert_true (async_sync_rw_lock_read_release (soak->rw, NULL));
      break;
    default:
      g_assert_not_reached ();
    }
  op_done (op);
}

static gboolean
release_later_cb (gpointer data)
{
  release_held (data);
  return G_SOURCE_REMOVE;
}

static void
hold (Op *op)
{
  GSource *idle;

  if (g_rand_boolean (op->w->rand))
    {
      release_held (op);
      return;
    }

  idle = g_idle_source_new ();
  g_source_set_callback (idle, release_later_cb, op, NULL);
  g_source_attach (idle, op->w->context);
  g_source_unref (idle);
}

/* ---- completions ---- */

static void
acquired_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Op *op = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  switch (op->klass)
    {
    case CLASS_LOCK:
      ok = async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, &error);
      break;
    case CLASS_SEMAPHORE:
      ok = async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, &error);
      break;
    case CLASS_BOUNDED:
      ok = async_sync_semaphore_acquire_many_finish (ASYNC_SYNC_SEMAPHORE (source), result, &error);
      break;
    case CLASS_RW_LOCK:
      ok = op->write ? async_sync_rw_lock_write_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, &error)
                     : async_sync_rw_lock_read_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (ok)
    hold (op);
  else
    op_done (op);
}

static gboolean
generation_changed (gpointer data)
{
  Op *op = data;

  return (guint) g_atomic_int_get (&op->w->soak->generation) != op->n;
}

static void
cond_waited_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Op *op = data;

  /* The lock is held again, whatever the result. */
  async_sync_condition_wait_for_finish (ASYNC_SYNC_CONDITION (source), result, NULL);
  g_assert_true (async_sync_condition_release (ASYNC_SYNC_CONDITION (source), NULL));
  op_done (op);
}

static void
cond_locked_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Op *op = data;
  Soak *soak = op->w->soak;

  g_assert_true (async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (source), result, NULL));
  if (g_rand_boolean (op->w->rand))
    {
      g_atomic_int_inc (&soak->generation);
      g_assert_true (async_sync_condition_notify_all (soak->cond, NULL));
      g_assert_true (async_sync_condition_release (soak->cond, NULL));
      op_done (op);
      return;
    }

  op->n = g_atomic_int_get (&soak->generation);
  op->cancellable = wait_bound (op->w, FALSE);
  async_sync_condition_wait_for_async (soak->cond, generation_changed, op, NULL,
                                       op->cancellable, cond_waited_cb, op);
}

static void
ended_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Op *op = data;
  GObject *item;

  switch (op->klass)
    {
    case CLASS_EVENT:
      async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source), result, NULL);
      break;
    case CLASS_BARRIER:
      async_sync_barrier_wait_finish (ASYNC_SYNC_BARRIER (source), result, NULL, NULL);
      break;
    case CLASS_QUEUE:
      if (g_task_get_source_tag (G_TASK (result)) == async_sync_queue_put_async)
        async_sync_queue_put_finish (ASYNC_SYNC_QUEUE (source), result, NULL);
      else if (g_task_get_source_tag (G_TASK (result)) == async_sync_queue_join_async)
        async_sync_queue_join_finish (ASYNC_SYNC_QUEUE (source), result, NULL);
      else if ((item = async_sync_queue_get_finish (ASYNC_SYNC_QUEUE (source), result, NULL)) != NULL)
        {
          g_object_unref (item);
          g_assert_true (async_sync_queue_task_done (ASYNC_SYNC_QUEUE (source), NULL));
        }
      break;
    default:
      g_assert_not_reached ();
    }
  op_done (op);
}

/* ---- starting operations ---- */

static void
start_queue_op (Worker *w,
                Op     *op)
{
  Soak *soak = w->soak;
  g_autoptr(GObject) item = NULL;

  op->cancellable = wait_bound (w, FALSE);
  switch (g_rand_int_range (w->rand, 0, 6))
    {
    case 0:
    case 1:
      item = item_new (soak);
      async_sync_queue_put_async (soak->queue, item, op->cancellable, ended_cb, op);
      break;
    case 2:
    case 3:
      async_sync_queue_get_async (soak->queue, op->cancellable, ended_cb, op);
      break;
    case 4:
      async_sync_queue_join_async (soak->queue, op->cancellable, ended_cb, op);
      break;
    default:
      /* The calls that return at once count as done at once. */
      item = item_new (soak);
      async_sync_queue_try_put (soak->queue, item, NULL);
      g_clear_object (&item);
      if ((item = async_sync_queue_try_get (soak->queue, NULL)) != NULL)
        g_assert_true (async_sync_queue_task_done (soak->queue, NULL));
      op_done (op);
      break;
    }
}

/* A queue shut down with items in it, and an object made under a context
 * that is dropped without running again: both must be freed. */
static void
short_lived_objects (Worker *w)
{
  Soak *soak = w->soak;
  AsyncSyncQueue *queue = async_sync_queue_new (G_TYPE_OBJECT, 0);
  GMainContext *temporary = g_main_context_new ();
  GSource *marker = g_idle_source_new ();
  AsyncSyncLock *lock;
  guint i;

  g_object_weak_ref (G_OBJECT (queue), count_freed, &soak->n_objects_alive);
  g_atomic_int_inc (&soak->n_objects_alive);
  for (i = 0; i < 3; i++)
    {
      g_autoptr(GObject) item = item_new (soak);

      g_assert_true (async_sync_queue_try_put (queue, item, NULL));
    }
  async_sync_queue_shutdown (queue, g_rand_boolean (w->rand));
  g_object_unref (queue);

  g_source_set_callback (marker, never, &soak->n_contexts_alive, context_freed);
  g_source_attach (marker, temporary);
  g_source_unref (marker);
  g_atomic_int_inc (&soak->n_contexts_alive);
  g_main_context_push_thread_default (temporary);
  lock = async_sync_lock_new ();
  g_object_weak_ref (G_OBJECT (lock), count_freed, &soak->n_objects_alive);
  g_atomic_int_inc (&soak->n_objects_alive);
  g_assert_true (async_sync_lock_try_acquire (lock));   /* a notification pending there */
  g_main_context_pop_thread_default (temporary);
  g_object_unref (lock);
  g_main_context_unref (temporary);

  g_atomic_int_inc (&soak->n_ops[CLASS_SHORT_LIVED]);
}

static void
start_random_op (Worker *w)
{
  Soak *soak = w->soak;
  OpClass klass = g_rand_int_range (w->rand, 0, CLASS_SHORT_LIVED + 1);
  Op *op;

  if (klass == CLASS_SHORT_LIVED)
    {
      short_lived_objects (w);
      return;
    }

  op = op_new (w, klass);
  switch (klass)
    {
    case CLASS_LOCK:
      op->cancellable = wait_bound (w, TRUE);
      async_sync_lock_acquire_async (soak->lock, op->cancellable, acquired_cb, op);
      break;
    case CLASS_CONDITION:
      async_sync_condition_acquire_async (soak->cond, NULL, cond_locked_cb, op);
      break;
    case CLASS_EVENT:
      switch (g_rand_int_range (w->rand, 0, 4))
        {
        case 0:
          async_sync_event_set (soak->event);
          op_done (op);
          break;
        case 1:
          async_sync_event_clear (soak->event);
          op_done (op);
          break;
        default:
          op->cancellable = wait_bound (w, FALSE);
          async_sync_event_wait_async (soak->event, op->cancellable, ended_cb, op);
          break;
        }
      break;
    case CLASS_SEMAPHORE:
      op->cancellable = wait_bound (w, TRUE);
      async_sync_semaphore_acquire_async (soak->sem, op->cancellable, acquired_cb, op);
      break;
    case CLASS_BOUNDED:
      op->n = g_rand_int_range (w->rand, 1, BSEM_VALUE + 1);
      op->cancellable = wait_bound (w, TRUE);
      async_sync_semaphore_acquire_many_async (soak->bsem, op->n, op->cancellable, acquired_cb, op);
      break;
    case CLASS_BARRIER:
      switch (g_rand_int_range (w->rand, 0, 64))
        {
        case 0:
          async_sync_barrier_abort (soak->barrier);
          G_GNUC_FALLTHROUGH;
        case 1:
          async_sync_barrier_reset (soak->barrier);
          op_done (op);
          break;
        default:
          op->cancellable = wait_bound (w, FALSE);
          async_sync_barrier_wait_async (soak->barrier, op->cancellable, ended_cb, op);
          break;
        }
      break;
    case CLASS_QUEUE:
      start_queue_op (w, op);
      break;
    case CLASS_RW_LOCK:
      op->write = g_rand_int_range (w->rand, 0, 4) == 0;
      op->cancellable = wait_bound (w, TRUE);
      if (op->write)
        async_sync_rw_lock_write_acquire_async (soak->rw, op->cancellable, acquired_cb, op);
      else
        async_sync_rw_lock_read_acquire_async (soak->rw, op->cancellable, acquired_cb, op);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ---- threads ---- */

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;
  Soak *soak = w->soak;

  g_main_context_push_thread_default (w->context);
  while (!g_atomic_int_get (&soak->stop))
    {
      while (w->in_flight < IN_FLIGHT)
        start_random_op (w);
      g_main_context_iteration (w->context, TRUE);
    }
  /* Finish: every wait has a deadline or a holder that releases. */
  while (w->in_flight > 0)
    g_main_context_iteration (w->context, TRUE);
  while (g_main_context_iteration (w->context, FALSE))
    ;
  g_main_context_pop_thread_default (w->context);

  return NULL;
}

/* The blocking calls, from a worker without a loop of its own. */
static gpointer
blocking_thread (gpointer data)
{
  Worker *w = data;
  Soak *soak = w->soak;

  while (!g_atomic_int_get (&soak->stop))
    {
      g_autoptr(AsyncSyncTimeout) timeout = async_sync_timeout_new (g_rand_int_range (w->rand, 0, MAX_WAIT_MS));
      GCancellable *cancellable = G_CANCELLABLE (timeout);
      g_autoptr(GObject) item = NULL;

      switch (g_rand_int_range (w->rand, 0, 5))
        {
        case 0:
          if (async_sync_lock_acquire (soak->lock, cancellable, NULL))
            g_assert_true (async_sync_lock_release (soak->lock, NULL));
          break;
        case 1:
          if (async_sync_semaphore_acquire_many (soak->bsem, 2, cancellable, NULL))
            g_assert_true (async_sync_semaphore_release_many (soak->bsem, 2, NULL));
          break;
        case 2:
          if ((item = async_sync_queue_get (soak->queue, cancellable, NULL)) != NULL)
            g_assert_true (async_sync_queue_task_done (soak->queue, NULL));
          break;
        case 3:
          async_sync_event_wait (soak->event, cancellable, NULL);
          break;
        default:
          if (async_sync_rw_lock_write_acquire (soak->rw, cancellable, NULL))
            g_assert_true (async_sync_rw_lock_write_release (soak->rw, NULL));
          break;
        }
      g_atomic_int_inc (&soak->n_ops[CLASS_BLOCKING]);
    }

  return NULL;
}

/* ---- the run ---- */

static void
count_notified (GObject    *object,
                GParamSpec *pspec,
                gpointer    data)
{
  ((Soak *) data)->n_notified++;
}

static void
soak_make_objects (Soak *soak)
{
  gpointer objects[8];
  guint i;

  soak->home = g_main_context_new ();
  g_main_context_push_thread_default (soak->home);
  soak->lock = async_sync_lock_new ();
  soak->cond = async_sync_condition_new (NULL);
  soak->event = async_sync_event_new ();
  soak->sem = async_sync_semaphore_new (SEM_VALUE);
  soak->bsem = ASYNC_SYNC_SEMAPHORE (async_sync_bounded_semaphore_new (BSEM_VALUE));
  soak->barrier = async_sync_barrier_new (PARTIES);
  soak->queue = async_sync_queue_new (G_TYPE_OBJECT, QUEUE_MAXSIZE);
  soak->rw = async_sync_rw_lock_new ();
  g_main_context_pop_thread_default (soak->home);

  objects[0] = soak->lock;
  objects[1] = async_sync_condition_get_lock (soak->cond);
  objects[2] = soak->event;
  objects[3] = soak->sem;
  objects[4] = soak->bsem;
  objects[5] = soak->barrier;
  objects[6] = soak->queue;
  objects[7] = soak->rw;
  for (i = 0; i < G_N_ELEMENTS (objects); i++)
    g_signal_connect (objects[i], "notify", G_CALLBACK (count_notified), soak);
}

static gboolean
check (gboolean     ok,
       const gchar *what)
{
  if (!ok)
    g_printerr ("soak: FAILED: %s\n", what);
  return ok;
}

/* Once every worker is through: nobody waits, everything is back. */
static gboolean
soak_check_quiet (Soak *soak)
{
  gboolean ok = TRUE;
  GObject *item;

  while ((item = async_sync_queue_try_get (soak->queue, NULL)) != NULL)
    {
      g_object_unref (item);
      async_sync_queue_task_done (soak->queue, NULL);
    }
  while (async_sync_queue_task_done (soak->queue, NULL))
    ;

  ok &= check (!async_sync_lock_is_locked (soak->lock) && async_sync_lock_get_n_waiting (soak->lock) == 0,
               "the lock is held or has waiters");
  ok &= check (!async_sync_condition_is_locked (soak->cond) &&
               async_sync_condition_get_n_waiting (soak->cond) == 0 &&
               async_sync_lock_get_n_waiting (async_sync_condition_get_lock (soak->cond)) == 0,
               "the condition has waiters or its lock is held");
  ok &= check (async_sync_event_get_n_waiting (soak->event) == 0, "the event has waiters");
  ok &= check (async_sync_semaphore_get_n_waiting (soak->sem) == 0 &&
               async_sync_semaphore_get_value (soak->sem) == SEM_VALUE,
               "the semaphore has waiters or lost permits");
  ok &= check (async_sync_semaphore_get_n_waiting (soak->bsem) == 0 &&
               async_sync_semaphore_get_value (soak->bsem) == BSEM_VALUE,
               "the bounded semaphore has waiters or lost permits");
  ok &= check (async_sync_barrier_get_n_waiting (soak->barrier) == 0, "the barrier has waiters");
  ok &= check (async_sync_queue_get_length (soak->queue) == 0, "the queue kept items");
  ok &= check (async_sync_rw_lock_get_n_waiting (soak->rw) == 0 &&
               async_sync_rw_lock_get_n_readers (soak->rw) == 0 &&
               !async_sync_rw_lock_is_write_locked (soak->rw),
               "the read-write lock is held or has waiters");

  return ok;
}

/* Drops every object: each must be finalized, with every item and
 * temporary context. */
static gboolean
soak_check_freed (Soak *soak)
{
  gpointer weak[9] = {
    soak->lock, soak->cond, async_sync_condition_get_lock (soak->cond), soak->event,
    soak->sem, soak->bsem, soak->barrier, soak->queue, soak->rw,
  };
  gboolean ok = TRUE;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (weak); i++)
    g_object_add_weak_pointer (weak[i], &weak[i]);
  g_clear_object (&soak->lock);
  g_clear_object (&soak->cond);
  g_clear_object (&soak->event);
  g_clear_object (&soak->sem);
  g_clear_object (&soak->bsem);
  g_clear_object (&soak->barrier);
  g_clear_object (&soak->queue);
  g_clear_object (&soak->rw);
  while (g_main_context_iteration (soak->home, FALSE))
    ;

  for (i = 0; i < G_N_ELEMENTS (weak); i++)
    ok &= check (weak[i] == NULL, "an object was not finalized");
  ok &= check (g_atomic_int_get (&soak->n_items_alive) == 0, "queue items were not freed");
  ok &= check (g_atomic_int_get (&soak->n_objects_alive) == 0, "short-lived objects were not freed");
  ok &= check (g_atomic_int_get (&soak->n_contexts_alive) == 0, "temporary contexts were not freed");
  g_main_context_unref (soak->home);

  return ok;
}

static guint64
total_ops (Soak *soak)
{
  guint64 total = 0;
  guint i;

  for (i = 0; i < N_CLASSES; i++)
    total += (guint) g_atomic_int_get (&soak->n_ops[i]);

  return total;
}

typedef struct
{
  gsize rss;   /* KiB */
  gsize heap;  /* KiB in use, 0 if unknown */
} Sample;

/* Iterates the home context until @until, sampling the RSS and the heap
 * N_SAMPLES times. */
static GArray *
soak_sample (Soak   *soak,
             gint64  start,
             gint64  until)
{
  GArray *samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  gint64 interval = (until - start) / N_SAMPLES;
  gint64 next = start + interval;
  guint64 last_ops = 0;

  g_print ("%8s %10s %11s %14s %10s\n", "t (s)", "RSS (KiB)", "heap (KiB)", "operations", "ops/s");
  while (g_get_monotonic_time () < until)
    {
      GSource *tick = g_timeout_source_new (100);

      g_source_set_callback (tick, wake_up, NULL, NULL);
      g_source_attach (tick, soak->home);
      g_main_context_iteration (soak->home, TRUE);
      g_source_destroy (tick);
      g_source_unref (tick);

      if (g_get_monotonic_time () >= next)
        {
          Sample sample = { rss_kib (), heap_in_use_kib () };
          guint64 ops = total_ops (soak);

          g_array_append_val (samples, sample);
          g_print ("%8.1f %10zu %11zu %14" G_GUINT64_FORMAT " %10.0f\n", (next - start) / 1e6,
                   sample.rss, sample.heap, ops, (ops - last_ops) / (interval / 1e6));
          last_ops = ops;
          next += interval;
        }
    }

  return samples;
}

/* Whether @what grew by more than 10% + @slack_kib from the end of the
 * first quarter (the warm-up: arenas, caches, queues filling) to the end. */
static gboolean
grew (GArray      *samples,
      gsize        offset,
      gsize        slack_kib,
      const gchar *what)
{
  gsize warm = G_STRUCT_MEMBER (gsize, &g_array_index (samples, Sample, samples->len / 4), offset);
  gsize last = G_STRUCT_MEMBER (gsize, &g_array_index (samples, Sample, samples->len - 1), offset);
  gsize max = 0;
  guint i;

  for (i = samples->len / 4; i < samples->len; i++)
    max = MAX (max, G_STRUCT_MEMBER (gsize, &g_array_index (samples, Sample, i), offset));
  g_print ("soak: %s %zu KiB after warm-up, %zu KiB at the end, %zu KiB at most since\n",
           what, warm, last, max);

  return last > warm + warm / 10 + slack_kib;
}

static gboolean
memory_is_flat (GArray *samples)
{
  gboolean ok = TRUE;

  if (samples->len < 4)
    return TRUE;

  ok &= check (!grew (samples, G_STRUCT_OFFSET (Sample, rss), 4096, "RSS"), "the RSS grew after warm-up");
  if (g_array_index (samples, Sample, 0).heap > 0)
    ok &= check (!grew (samples, G_STRUCT_OFFSET (Sample, heap), 64, "heap in use"),
                 "the heap in use grew after warm-up");

  return ok;
}

int
main (int    argc,
      char **argv)
{
  guint seconds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 60;
  guint n_workers = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 4;
  Soak soak = { 0, };
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  Worker *workers;
  g_autoptr(GArray) samples = NULL;
  gint64 start;
  gboolean ok = TRUE;
  guint i;

  seconds = MAX (seconds, 1);
  n_workers = CLAMP (n_workers, 2, 64);
  soak_make_objects (&soak);
  g_print ("soak: %u s, %u worker threads with %u operations in flight each, "
           "1 thread of blocking calls\n", seconds, n_workers, IN_FLIGHT);

  workers = g_new0 (Worker, n_workers + 1);
  for (i = 0; i <= n_workers; i++)
    {
      workers[i].soak = &soak;
      workers[i].context = g_main_context_new ();
      workers[i].rand = g_rand_new_with_seed (i + 1);
      g_ptr_array_add (threads, g_thread_new ("soak", i < n_workers ? worker_thread : blocking_thread,
                                              &workers[i]));
    }

  start = g_get_monotonic_time ();
  samples = soak_sample (&soak, start, start + (gint64) seconds * G_TIME_SPAN_SECOND);

  g_atomic_int_set (&soak.stop, TRUE);
  for (i = 0; i <= n_workers; i++)
    g_main_context_wakeup (workers[i].context);
  for (i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  for (i = 0; i <= n_workers; i++)
    {
      g_main_context_unref (workers[i].context);
      g_rand_free (workers[i].rand);
    }
  g_free (workers);
  while (g_main_context_iteration (soak.home, FALSE))
    ;

  g_print ("soak: %" G_GUINT64_FORMAT " operations in %u s:", total_ops (&soak), seconds);
  for (i = 0; i < N_CLASSES; i++)
    g_print ("%s %s %d", i > 0 ? "," : "", class_names[i], g_atomic_int_get (&soak.n_ops[i]));
  g_print ("; %u property notifications\n", soak.n_notified);

  ok &= memory_is_flat (samples);
  ok &= soak_check_quiet (&soak);
  ok &= soak_check_freed (&soak);
  g_print ("soak: %s\n", ok ? "PASS: memory flat, nobody left waiting, everything freed"
                            : "FAILED");

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
