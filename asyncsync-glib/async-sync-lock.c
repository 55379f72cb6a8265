/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-lock-private.h"

#include "async-sync-blocking-private.h"
#include "async-sync-error.h"
#include "async-sync-notify-private.h"

/**
 * SECTION:async-sync-lock
 * @Title: AsyncSyncLock
 * @Short_description: A mutual-exclusion lock for async code
 *
 * #AsyncSyncLock is asyncio's `Lock` for the GLib main loop: at most one
 * holder at a time, and acquiring it is a GIO asynchronous operation, so a
 * holder can keep it across several asynchronous steps (a file write, a
 * D-Bus call) while other operations wait their turn without blocking the
 * main loop.
 *
 * An acquisition with async_sync_lock_acquire_async() completes on the
 * thread-default main context of the thread that called it, always from a
 * later main-loop iteration, never from inside the call.  Waiters are
 * served strictly in the order they called it;
 * async_sync_lock_try_acquire() never jumps the queue.
 * async_sync_lock_release() with waiters hands the lock directly
 * to the first of them: the lock stays locked throughout.
 *
 * Cancelling the #GCancellable of a queued acquisition removes it from the
 * queue and completes it with %G_IO_ERROR_CANCELLED.  Once the lock was
 * handed over, the acquisition succeeds whatever the cancellable does
 * afterwards, and the caller owns the lock and must release it.
 *
 * Any thread may call any method.  Unlike a #GMutex, the lock has no owner
 * thread: whoever holds it logically may release it from anywhere.
 *
 * |[<!-- language="C" -->
 * static void
 * write_done (GObject *stream, GAsyncResult *result, gpointer user_data)
 * {
 *   MyApp *app = user_data;
 *
 *   g_output_stream_write_all_finish (G_OUTPUT_STREAM (stream), result, NULL, NULL);
 *   async_sync_lock_release (app->lock, NULL);  // the next writer goes on
 * }
 *
 * static void
 * lock_acquired (GObject *lock, GAsyncResult *result, gpointer user_data)
 * {
 *   MyApp *app = user_data;
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (lock), result, &error))
 *     return;  // cancelled while waiting: the lock is not ours
 *
 *   g_output_stream_write_all_async (app->stream, app->line, strlen (app->line),
 *                                    G_PRIORITY_DEFAULT, NULL, write_done, app);
 * }
 *
 *   async_sync_lock_acquire_async (app->lock, app->cancellable, lock_acquired, app);
 * ]|
 *
 * In Python and JavaScript: the PyGObject override spells it as asyncio
 * does, on any asyncio event loop: `lock = AsyncSync.Lock()`, then
 * `async with lock:` (or `await lock.acquire()` and `lock.release()`) and
 * `lock.locked()`; GI's callback form above stays available.  GJS awaits
 * the `_async` method once `Gio._promisify()` has wrapped the pair, and
 * releases in a `finally`:
 *
 * |[<!-- language="Python" -->
 * async with lock:
 *     await write_line(stream, line)   # the lock is held across the await
 * ]|
 *
 * |[<!-- language="JavaScript" -->
 * Gio._promisify(AsyncSync.Lock.prototype, 'acquire_async', 'acquire_finish');
 * await lock.acquire_async(null);
 * try {
 *     await writeLine(stream, line);
 * } finally {
 *     lock.release();
 * }
 * ]|
 *
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/**
 * AsyncSyncLock:
 *
 * An asyncio-style mutual-exclusion lock.  The structure is opaque: use
 * the functions below; any thread may call them.
 *
 * Since: 1.0
 */
struct _AsyncSyncLock
{
  GObject              parent_instance;

  GMutex               mutex;
  gboolean             locked;     /* invariant: !locked => no waiters */
  AsyncSyncWaiterQueue waiters;
  AsyncSyncNotifier    notifier;
};

G_DEFINE_FINAL_TYPE (AsyncSyncLock, async_sync_lock, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The properties the notifier watches, in its index order. */
enum {
  NOTIFY_LOCKED,
  N_NOTIFY
};

static GParamSpec *notify_pspecs[N_NOTIFY];

static guint
lock_read_notified (GObject *object,
                    guint    index)
{
  return ASYNC_SYNC_LOCK (object)->locked;
}

static void
lock_set_locked (AsyncSyncLock *self,
                 gboolean       locked)
{
  self->locked = locked;
  async_sync_notifier_changed (&self->notifier);
}

GMutex *
async_sync_lock_get_mutex (AsyncSyncLock *self)
{
  return &self->mutex;
}

gboolean
async_sync_lock_is_held_locked (AsyncSyncLock *self)
{
  return self->locked;
}

/* Hands the lock to the first waiter (it stays locked), or unlocks it. */
void
async_sync_lock_release_locked (AsyncSyncLock *self)
{
  AsyncSyncWaiter *next;

  g_assert (self->locked);

  next = async_sync_waiter_queue_pop (&self->waiters);
  if (next != NULL)
    async_sync_waiter_complete (next);
  else
    lock_set_locked (self, FALSE);
}

void
async_sync_lock_grant_or_queue_locked (AsyncSyncLock   *self,
                                       AsyncSyncWaiter *waiter)
{
  if (!self->locked)
    {
      g_assert (async_sync_waiter_queue_length (&self->waiters) == 0);
      lock_set_locked (self, TRUE);
      async_sync_waiter_complete (waiter);
    }
  else
    {
      async_sync_waiter_queue_push (&self->waiters, waiter);
    }
}

static void
lock_arrive_locked (gpointer         owner,
                    AsyncSyncWaiter *waiter)
{
  async_sync_lock_grant_or_queue_locked (owner, waiter);
}

void
async_sync_lock_acquire_for (AsyncSyncLock       *self,
                             gpointer             source_object,
                             gpointer             source_tag,
                             const gchar         *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  waiter = async_sync_waiter_new (source_object, &self->mutex, cancellable,
                                  callback, user_data, source_tag, name);
  async_sync_waiter_start (waiter, lock_arrive_locked, self);
}

static void
async_sync_lock_finalize (GObject *object)
{
  AsyncSyncLock *self = ASYNC_SYNC_LOCK (object);

  /* Every queued waiter holds a reference through its task. */
  g_assert (async_sync_waiter_queue_length (&self->waiters) == 0);

  async_sync_notifier_clear (&self->notifier);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (async_sync_lock_parent_class)->finalize (object);
}

static void
async_sync_lock_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AsyncSyncLock *self = ASYNC_SYNC_LOCK (object);

  switch (prop_id)
    {
    case PROP_LOCKED:
      g_value_set_boolean (value, async_sync_lock_is_locked (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_lock_class_init (AsyncSyncLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = async_sync_lock_finalize;
  object_class->get_property = async_sync_lock_get_property;

  /**
   * AsyncSyncLock:locked:
   *
   * Whether the lock is held.  It stays %TRUE while the lock is handed
   * from one holder to the next waiter.
   *
   * Change notifications are emitted on the lock's home context (the
   * thread-default main context of the thread that created it), from a
   * main-loop iteration after the change, never from inside a method call
   * and never in the thread that made the change unless it runs that
   * context.  Several changes between two iterations are coalesced: the
   * signal is emitted when the value differs from the one last notified.
   *
   * Since: 1.0
   */
  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  notify_pspecs[NOTIFY_LOCKED] = properties[PROP_LOCKED];
}

static void
async_sync_lock_init (AsyncSyncLock *self)
{
  g_mutex_init (&self->mutex);
  async_sync_waiter_queue_init (&self->waiters, NULL, NULL, NULL);
  async_sync_notifier_init (&self->notifier, G_OBJECT (self), &self->mutex,
                            notify_pspecs, N_NOTIFY, lock_read_notified);
}

/**
 * async_sync_lock_new:
 *
 * Creates an unlocked lock.  The thread-default main context of the
 * calling thread becomes the lock's home context, where its property
 * notifications are emitted.
 *
 * Returns: (transfer full): a new #AsyncSyncLock
 *
 * Since: 1.0
 */
AsyncSyncLock *
async_sync_lock_new (void)
{
  return g_object_new (ASYNC_SYNC_TYPE_LOCK, NULL);
}

/**
 * async_sync_lock_acquire_async:
 * @self: an #AsyncSyncLock
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the lock is
 *   acquired or the request failed
 * @user_data: the data to pass to @callback
 *
 * Acquires the lock: at once if it is free and nobody is waiting, else
 * after every earlier waiter had its turn (strict FIFO).
 *
 * @callback runs on the thread-default main context of the calling thread,
 * from a later iteration of it, never from inside this call; call
 * async_sync_lock_acquire_finish() there.
 *
 * If @cancellable is already cancelled, the request fails with
 * %G_IO_ERROR_CANCELLED without taking the lock, even if it is free.  If
 * it is cancelled while the request waits, the request leaves the queue
 * and fails with %G_IO_ERROR_CANCELLED.  Once the lock was handed over,
 * the request succeeds even if @cancellable is cancelled later.
 *
 * Since: 1.0
 */
void
async_sync_lock_acquire_async (AsyncSyncLock       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (ASYNC_SYNC_IS_LOCK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  async_sync_lock_acquire_for (self, self, ASYNC_SYNC_SOURCE_TAG (async_sync_lock_acquire_async),
                               cancellable, callback, user_data);
}

/**
 * async_sync_lock_acquire_finish:
 * @self: an #AsyncSyncLock
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_lock_acquire_async().
 *
 * Returns: %TRUE if the caller now holds the lock and must release it;
 *   %FALSE with @error set to %G_IO_ERROR_CANCELLED if the request was
 *   cancelled before the lock was handed over
 *
 * Since: 1.0
 */
gboolean
async_sync_lock_acquire_finish (AsyncSyncLock  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_LOCK, result,
                                           async_sync_lock_acquire_async, error);
}

/**
 * async_sync_lock_acquire:
 * @self: an #AsyncSyncLock
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * Acquires the lock, blocking the calling thread until it is handed over
 * or @cancellable is cancelled; the same rules as
 * async_sync_lock_acquire_async() apply.
 *
 * This is for worker threads.  Calling it on the thread that runs the main
 * context where the current holder will release the lock deadlocks: that
 * context cannot run while this call blocks.
 *
 * Returns: %TRUE if the lock was acquired; %FALSE with @error set to
 *   %G_IO_ERROR_CANCELLED if it was cancelled first
 *
 * Since: 1.0
 */
gboolean
async_sync_lock_acquire (AsyncSyncLock  *self,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_LOCK (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_lock_acquire_async),
                                    self, cancellable);

  return async_sync_lock_acquire_finish (self, result, error);
}

/**
 * async_sync_lock_try_acquire:
 * @self: an #AsyncSyncLock
 *
 * Acquires the lock if that is possible at once: it is free and nobody is
 * waiting.  It never jumps the queue.  This is the fast path: no main-loop
 * iteration, no allocation.
 *
 * Returns: %TRUE if the caller now holds the lock
 *
 * Since: 1.0
 */
gboolean
async_sync_lock_try_acquire (AsyncSyncLock *self)
{
  gboolean acquired = FALSE;

  g_return_val_if_fail (ASYNC_SYNC_IS_LOCK (self), FALSE);

  g_mutex_lock (&self->mutex);
  if (!self->locked)
    {
      lock_set_locked (self, TRUE);
      acquired = TRUE;
    }
  g_mutex_unlock (&self->mutex);

  return acquired;
}

/**
 * async_sync_lock_release:
 * @self: an #AsyncSyncLock
 * @error: return location for a #GError, or %NULL
 *
 * Releases the lock.  If requests are waiting, the first of them gets the
 * lock before this returns (the lock stays locked) and its callback is
 * scheduled on its own main context; it never runs inside this call.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_NOT_LOCKED if
 *   the lock was not locked
 *
 * Since: 1.0
 */
gboolean
async_sync_lock_release (AsyncSyncLock  *self,
                         GError        **error)
{
  gboolean was_locked;

  g_return_val_if_fail (ASYNC_SYNC_IS_LOCK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  was_locked = self->locked;
  if (was_locked)
    async_sync_lock_release_locked (self);
  g_mutex_unlock (&self->mutex);

  if (!was_locked)
    g_set_error_literal (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED,
                         "Lock is not acquired");

  return was_locked;
}

/**
 * async_sync_lock_is_locked:
 * @self: an #AsyncSyncLock
 *
 * Whether the lock is held.  From another thread the answer may be stale
 * by the time it is read; use async_sync_lock_try_acquire() to act on it.
 *
 * Returns: %TRUE if the lock is held
 *
 * Since: 1.0
 */
gboolean
async_sync_lock_is_locked (AsyncSyncLock *self)
{
  gboolean locked;

  g_return_val_if_fail (ASYNC_SYNC_IS_LOCK (self), FALSE);

  g_mutex_lock (&self->mutex);
  locked = self->locked;
  g_mutex_unlock (&self->mutex);

  return locked;
}

/**
 * async_sync_lock_get_n_waiting:
 * @self: an #AsyncSyncLock
 *
 * Counts the acquisitions queued behind the holder, including
 * #AsyncSyncCondition waiters that were notified and wait to get the lock
 * back.
 *
 * Returns: the number of queued requests
 *
 * Since: 1.0
 */
guint
async_sync_lock_get_n_waiting (AsyncSyncLock *self)
{
  guint n_waiting;

  g_return_val_if_fail (ASYNC_SYNC_IS_LOCK (self), 0);

  g_mutex_lock (&self->mutex);
  n_waiting = async_sync_waiter_queue_length (&self->waiters);
  g_mutex_unlock (&self->mutex);

  return n_waiting;
}
