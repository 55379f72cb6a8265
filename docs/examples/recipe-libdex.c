/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-libdex.c: awaiting a Lock and a Semaphore from libdex fibers.
 *
 * libdex (Debian 13 and later) lets GNOME code write asynchronous steps as
 * straight-line fibers that dex_await() futures.  Any `_async`/`_finish`
 * pair becomes a future through a DexPromise; the two helpers below do it
 * for a Lock and a Semaphore, and keep the library's cancellation rule
 * intact: discarding the future (a fiber that stops waiting, or the losing
 * side of dex_future_first()) cancels a queued request, and a lock or
 * permit that was handed over first is passed on at once instead of being
 * lost.
 *
 * Four jobs share two download slots (a Semaphore) and one disk (a Lock);
 * a fifth, impatient fiber gives up on the disk after 10 ms.
 * Exits 0 if at most two jobs downloaded and one wrote at a time, every
 * job finished, the impatient one timed out, and nothing was leaked.
 */
#include <asyncsync-glib/asyncsync-glib.h>
#include <libdex.h>

#define N_JOBS 4

typedef struct
{
  AsyncSyncSemaphore *slots;
  AsyncSyncLock      *disk;
  guint               n_downloading, max_downloading;
  guint               n_writing, max_writing;
  guint               n_finished;
  gboolean            impatient_gave_up;
} Shop;

static void
lock_acquired (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DexPromise) promise = user_data;
  GError *error = NULL;

  if (!async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, &error))
    dex_promise_reject (promise, error);
  else if (g_cancellable_is_cancelled (dex_promise_get_cancellable (promise)))
    async_sync_lock_release (ASYNC_SYNC_LOCK (source), NULL);  /* nobody awaits it */
  else
    dex_promise_resolve_boolean (promise, TRUE);
}

/* A future that resolves once the caller holds @lock. */
static DexFuture *
lock_acquire (AsyncSyncLock *lock)
{
  DexPromise *promise = dex_promise_new_cancellable ();

  async_sync_lock_acquire_async (lock, dex_promise_get_cancellable (promise),
                                 lock_acquired, dex_ref (promise));
  return DEX_FUTURE (promise);
}

static void
permit_acquired (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DexPromise) promise = user_data;
  GError *error = NULL;

  if (!async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, &error))
    dex_promise_reject (promise, error);
  else if (g_cancellable_is_cancelled (dex_promise_get_cancellable (promise)))
    async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (source), NULL);
  else
    dex_promise_resolve_boolean (promise, TRUE);
}

/* A future that resolves once the caller holds a permit of @semaphore. */
static DexFuture *
semaphore_acquire (AsyncSyncSemaphore *semaphore)
{
  DexPromise *promise = dex_promise_new_cancellable ();

  async_sync_semaphore_acquire_async (semaphore, dex_promise_get_cancellable (promise),
                                      permit_acquired, dex_ref (promise));
  return DEX_FUTURE (promise);
}

typedef struct
{
  Shop  *shop;
  guint  index;
} Job;

static DexFuture *
job_fiber (gpointer user_data)
{
  Job *job = user_data;
  Shop *shop = job->shop;
  g_autoptr(GError) error = NULL;

  if (!dex_await (semaphore_acquire (shop->slots), &error))
    return dex_future_new_for_error (g_steal_pointer (&error));
  shop->n_downloading++;
  shop->max_downloading = MAX (shop->max_downloading, shop->n_downloading);
  g_print ("job %u: downloading\n", job->index);
  dex_await (dex_timeout_new_msec (20), NULL);           /* stands for the transfer */

  if (!dex_await (lock_acquire (shop->disk), &error))
    {
      async_sync_semaphore_release (shop->slots, NULL);
      return dex_future_new_for_error (g_steal_pointer (&error));
    }
  shop->n_writing++;
  shop->max_writing = MAX (shop->max_writing, shop->n_writing);
  g_print ("job %u: writing\n", job->index);
  dex_await (dex_timeout_new_msec (5), NULL);            /* stands for the write */
  shop->n_writing--;
  async_sync_lock_release (shop->disk, NULL);

  shop->n_downloading--;
  async_sync_semaphore_release (shop->slots, NULL);
  shop->n_finished++;
  g_print ("job %u: done\n", job->index);

  return dex_future_new_true ();
}

/* Waits at most 10 ms for the disk: the losing future is discarded, which
 * takes its request out of the lock's queue. */
static DexFuture *
impatient_fiber (gpointer user_data)
{
  Shop *shop = user_data;
  g_autoptr(GError) error = NULL;

  if (dex_await (dex_future_first (lock_acquire (shop->disk),
                                   dex_timeout_new_msec (10),
                                   NULL),
                 &error))
    {
      async_sync_lock_release (shop->disk, NULL);
      return dex_future_new_true ();
    }
  g_print ("impatient: gave up on the disk (%s)\n", error->message);
  shop->impatient_gave_up = TRUE;
  return dex_future_new_true ();
}

/* The disk is busy with something else for the first 15 ms. */
static gboolean
disk_freed (gpointer user_data)
{
  Shop *shop = user_data;

  async_sync_lock_release (shop->disk, NULL);
  return G_SOURCE_REMOVE;
}

static DexFuture *
all_done (DexFuture *future,
          gpointer   user_data)
{
  g_main_loop_quit (user_data);
  return NULL;
}

int
main (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(DexFuture) everything = NULL;
  GPtrArray *fibers = g_ptr_array_new_with_free_func (dex_unref);
  Job jobs[N_JOBS];
  Shop shop = { 0 };
  gboolean ok;

  dex_init ();
  shop.slots = async_sync_semaphore_new (2);
  shop.disk = async_sync_lock_new ();
  async_sync_lock_try_acquire (shop.disk);
  g_timeout_add (15, disk_freed, &shop);

  g_ptr_array_add (fibers, dex_scheduler_spawn (NULL, 0, impatient_fiber, &shop, NULL));
  for (guint i = 0; i < N_JOBS; i++)
    {
      jobs[i] = (Job) { &shop, i + 1 };
      g_ptr_array_add (fibers, dex_scheduler_spawn (NULL, 0, job_fiber, &jobs[i], NULL));
    }
  everything = dex_future_finally (dex_future_allv ((DexFuture **) fibers->pdata, fibers->len),
                                   all_done, g_main_loop_ref (loop),
                                   (GDestroyNotify) g_main_loop_unref);
  g_main_loop_run (loop);

  ok = shop.n_finished == N_JOBS &&
       shop.max_downloading == 2 && shop.max_writing == 1 &&
       shop.impatient_gave_up &&
       !async_sync_lock_is_locked (shop.disk) &&
       async_sync_lock_get_n_waiting (shop.disk) == 0 &&
       async_sync_semaphore_get_value (shop.slots) == 2;
  g_print ("%u jobs finished, at most %u downloading and %u writing at once: %s\n",
           shop.n_finished, shop.max_downloading, shop.max_writing, ok ? "ok" : "WRONG");

  g_ptr_array_free (fibers, TRUE);
  g_object_unref (shop.slots);
  g_object_unref (shop.disk);
  return ok ? 0 : 1;
}
