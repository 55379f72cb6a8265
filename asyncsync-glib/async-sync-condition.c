/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-condition.h"

#include "async-sync-blocking-private.h"
#include "async-sync-error.h"
#include "async-sync-lock-private.h"

/**
 * SECTION:async-sync-condition
 * @Title: AsyncSyncCondition
 * @Short_description: Wait for a notification while holding a lock
 *
 * #AsyncSyncCondition is asyncio's `Condition`: an #AsyncSyncLock (its own,
 * or one shared with other conditions) plus a queue of waiters.  A holder
 * of the lock calls async_sync_condition_wait_async(): the lock is released
 * while it waits for async_sync_condition_notify() or
 * async_sync_condition_notify_all(), and held again when the wait
 * completes, whatever the outcome, cancellation included.
 *
 * A notified waiter joins the back of the lock's queue and is never lost:
 * it completes successfully once it has the lock, even if its cancellable
 * fires after the notification.  A waiter cancelled before it was notified
 * also queues for the lock, and completes with %G_IO_ERROR_CANCELLED once
 * it has it back.
 *
 * The acquire and release methods forward to the lock, so the condition
 * can be used like asyncio's `async with cond:`.
 *
 * Language bindings: the method async_sync_condition_notify() hides
 * GObject's own `notify()` in Python, JavaScript and Vala; `notify::`
 * signals work as usual.  To reach GObject's method, call it through the
 * parent class: `GObject.Object.notify(cond, "lock")` in Python,
 * `GObject.Object.prototype.notify.call(cond, 'lock')` in GJS,
 * `((GLib.Object) cond).notify_property ("lock")` in Vala.  C is not
 * affected: g_object_notify() and async_sync_condition_notify() have
 * different names.
 *
 * A producer/consumer pair, the consumer waiting until an item is there:
 *
 * |[<!-- language="C" -->
 * static gboolean
 * has_items (gpointer user_data)
 * {
 *   Shop *shop = user_data;
 *   return shop->items->length > 0;  // called with the lock held
 * }
 *
 * static void
 * got_item (GObject *cond, GAsyncResult *result, gpointer user_data)
 * {
 *   Shop *shop = user_data;
 *   gboolean ok = async_sync_condition_wait_for_finish (ASYNC_SYNC_CONDITION (cond),
 *                                                       result, NULL);
 *   // the lock is held again here, whether the wait succeeded or not
 *   if (ok)
 *     consume (g_queue_pop_head (shop->items));
 *   async_sync_condition_release (ASYNC_SYNC_CONDITION (cond), NULL);
 * }
 *
 * static void
 * consumer_locked (GObject *cond, GAsyncResult *result, gpointer user_data)
 * {
 *   if (!async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (cond), result, NULL))
 *     return;
 *   async_sync_condition_wait_for_async (ASYNC_SYNC_CONDITION (cond), has_items,
 *                                        user_data, NULL, NULL, got_item, user_data);
 * }
 *
 * // the producer, holding the lock:
 * //   g_queue_push_tail (shop->items, item);
 * //   async_sync_condition_notify (shop->cond, 1, NULL);
 * //   async_sync_condition_release (shop->cond, NULL);
 * ]|
 *
 * In Python, through the override: `AsyncSync.Condition(lock=None)`,
 * `async with cond:`, `await cond.wait()`, `await cond.wait_for(pred)`
 * (a predicate taking no argument) and `cond.notify(n=1)`, as in asyncio.
 * In GJS: `new AsyncSync.Condition({lock})`,
 * `await cond.acquire_async(null)` and `await cond.wait_async(null)` once
 * promisified, and `cond.release()` in a `finally`.
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/**
 * AsyncSyncCondition:
 *
 * An asyncio-style condition variable.  The structure is opaque: use
 * the functions below; any thread may call them.
 *
 * Since: 1.0
 */
struct _AsyncSyncCondition
{
  GObject              parent_instance;

  AsyncSyncLock       *lock;
  /* Guarded by the lock's mutex: waiters not yet notified. */
  AsyncSyncWaiterQueue waiters;
};

G_DEFINE_FINAL_TYPE (AsyncSyncCondition, async_sync_condition, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What wait_for needs besides the waiter. */
typedef struct
{
  AsyncSyncCondition *self;
  AsyncSyncPredicate  predicate;
  gpointer            predicate_data;
  GDestroyNotify      predicate_destroy;
} WaitFor;

static void
wait_for_free (gpointer data)
{
  WaitFor *wait_for = data;

  if (wait_for->predicate_destroy != NULL)
    wait_for->predicate_destroy (wait_for->predicate_data);
  g_free (wait_for);
}

/* Hands a waiter over to the lock's queue (or gives it the lock if free):
 * from now on it is owed the lock, and a cancellation no longer applies. */
static void
condition_move_to_lock (AsyncSyncCondition *self,
                        AsyncSyncWaiter    *waiter)
{
  async_sync_waiter_leave_queue (waiter);
  async_sync_waiter_set_uncancellable (waiter, TRUE);
  async_sync_lock_grant_or_queue_locked (self->lock, waiter);
}

/* The leave rule of the condition's queue: the waiter must still get the
 * lock back before it reports the cancellation (or timeout) recorded in
 * the waiter. */
static void
condition_waiter_left (AsyncSyncWaiterQueue *queue,
                       AsyncSyncWaiter      *waiter)
{
  condition_move_to_lock (queue->owner, waiter);
}

static GError *
not_locked_error_new (void)
{
  return g_error_new_literal (ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED,
                              "Condition's lock is not acquired");
}

/* Releases the lock and parks @waiter until notified; with the mutex held.
 * Returns FALSE, with the NOT_LOCKED error recorded in the waiter, if the
 * lock is not held. */
static gboolean
condition_park_locked (AsyncSyncCondition *self,
                       AsyncSyncWaiter    *waiter)
{
  if (!async_sync_lock_is_held_locked (self->lock))
    {
      /* Recorded, not completed: wait_for_resume() calls this from the
       * waiter's own dispatch, which returns the task itself. */
      async_sync_waiter_set_error (waiter, not_locked_error_new ());
      return FALSE;
    }

  async_sync_waiter_set_uncancellable (waiter, FALSE);
  async_sync_waiter_queue_push (&self->waiters, waiter);
  async_sync_lock_release_locked (self->lock);

  return TRUE;
}

/* A wait parks the waiter, or fails it if the lock is not held. */
static void
condition_wait_arrive_locked (gpointer         owner,
                              AsyncSyncWaiter *waiter)
{
  AsyncSyncCondition *self = owner;

  if (!condition_park_locked (self, waiter))
    async_sync_waiter_complete (waiter);
}

/* The resume hook of wait_for: runs on the caller's context with the lock
 * held again; checks the predicate and, if it is still false, waits again. */
static gboolean
wait_for_resume (AsyncSyncWaiter *waiter)
{
  WaitFor *wait_for = async_sync_waiter_get_data (waiter);
  AsyncSyncCondition *self = wait_for->self;
  GMutex *mutex = async_sync_lock_get_mutex (self->lock);
  gboolean parked;

  if (async_sync_waiter_has_error (waiter) || wait_for->predicate (wait_for->predicate_data))
    return TRUE;

  g_mutex_lock (mutex);
  /* Checked under the mutex: a cancellation that comes later finds the
   * waiter queued, one that came earlier (after the notification, so
   * ignored then) is honoured here. */
  if (async_sync_waiter_is_stopped (waiter))
    {
      async_sync_waiter_set_error (waiter, async_sync_waiter_stopped_error (waiter));
      parked = FALSE;
    }
  else
    {
      parked = condition_park_locked (self, waiter);
    }
  g_mutex_unlock (mutex);

  /* NOT_LOCKED only if someone released the lock that was handed to us
   * before our callback ran: then the task returns that error. */
  return !parked;
}

static void
async_sync_condition_constructed (GObject *object)
{
  AsyncSyncCondition *self = ASYNC_SYNC_CONDITION (object);

  G_OBJECT_CLASS (async_sync_condition_parent_class)->constructed (object);

  if (self->lock == NULL)
    self->lock = async_sync_lock_new ();
}

static void
async_sync_condition_finalize (GObject *object)
{
  AsyncSyncCondition *self = ASYNC_SYNC_CONDITION (object);

  /* Every queued waiter holds a reference through its task. */
  g_assert (async_sync_waiter_queue_length (&self->waiters) == 0);
  g_clear_object (&self->lock);

  G_OBJECT_CLASS (async_sync_condition_parent_class)->finalize (object);
}

static void
async_sync_condition_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AsyncSyncCondition *self = ASYNC_SYNC_CONDITION (object);

  switch (prop_id)
    {
    case PROP_LOCK:
      g_value_set_object (value, self->lock);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_condition_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AsyncSyncCondition *self = ASYNC_SYNC_CONDITION (object);

  switch (prop_id)
    {
    case PROP_LOCK:
      self->lock = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_condition_class_init (AsyncSyncConditionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = async_sync_condition_constructed;
  object_class->finalize = async_sync_condition_finalize;
  object_class->get_property = async_sync_condition_get_property;
  object_class->set_property = async_sync_condition_set_property;

  /**
   * AsyncSyncCondition:lock:
   *
   * The lock that waiters release while they wait.  Several conditions may
   * share one lock.  If none is given at construction, the condition makes
   * its own.
   *
   * Since: 1.0
   */
  properties[PROP_LOCK] =
    g_param_spec_object ("lock", NULL, NULL,
                         ASYNC_SYNC_TYPE_LOCK,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
async_sync_condition_init (AsyncSyncCondition *self)
{
  async_sync_waiter_queue_init (&self->waiters, condition_waiter_left, NULL, self);
}

/**
 * async_sync_condition_new:
 * @lock: (nullable): the lock to use, or %NULL to make a new one
 *
 * Creates a condition variable over @lock.
 *
 * Returns: (transfer full): a new #AsyncSyncCondition
 *
 * Since: 1.0
 */
AsyncSyncCondition *
async_sync_condition_new (AsyncSyncLock *lock)
{
  g_return_val_if_fail (lock == NULL || ASYNC_SYNC_IS_LOCK (lock), NULL);

  return g_object_new (ASYNC_SYNC_TYPE_CONDITION, "lock", lock, NULL);
}

/**
 * async_sync_condition_get_lock:
 * @self: an #AsyncSyncCondition
 *
 * Gets the condition's lock.
 *
 * Returns: (transfer none): the #AsyncSyncLock
 *
 * Since: 1.0
 */
AsyncSyncLock *
async_sync_condition_get_lock (AsyncSyncCondition *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), NULL);

  return self->lock;
}

/**
 * async_sync_condition_acquire_async:
 * @self: an #AsyncSyncCondition
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the lock is
 *   acquired or the request failed
 * @user_data: the data to pass to @callback
 *
 * Acquires the condition's lock, as async_sync_lock_acquire_async() does.
 *
 * Since: 1.0
 */
void
async_sync_condition_acquire_async (AsyncSyncCondition  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ASYNC_SYNC_IS_CONDITION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  async_sync_lock_acquire_for (self->lock, self,
                               ASYNC_SYNC_SOURCE_TAG (async_sync_condition_acquire_async),
                               cancellable, callback, user_data);
}

/**
 * async_sync_condition_acquire_finish:
 * @self: an #AsyncSyncCondition
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_condition_acquire_async().
 *
 * Returns: %TRUE if the caller now holds the lock; %FALSE with @error set
 *   to %G_IO_ERROR_CANCELLED if the request was cancelled first
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_acquire_finish (AsyncSyncCondition  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_CONDITION, result,
                                           async_sync_condition_acquire_async, error);
}

/**
 * async_sync_condition_acquire:
 * @self: an #AsyncSyncCondition
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * Acquires the condition's lock, blocking the calling thread, as
 * async_sync_lock_acquire() does; for worker threads only.
 *
 * Returns: %TRUE if the lock was acquired; %FALSE with @error set to
 *   %G_IO_ERROR_CANCELLED if it was cancelled first
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_acquire (AsyncSyncCondition  *self,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_condition_acquire_async),
                                    self, cancellable);

  return async_sync_condition_acquire_finish (self, result, error);
}

/**
 * async_sync_condition_try_acquire:
 * @self: an #AsyncSyncCondition
 *
 * Acquires the condition's lock if that is possible at once, as
 * async_sync_lock_try_acquire() does.
 *
 * Returns: %TRUE if the caller now holds the lock
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_try_acquire (AsyncSyncCondition *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);

  return async_sync_lock_try_acquire (self->lock);
}

/**
 * async_sync_condition_release:
 * @self: an #AsyncSyncCondition
 * @error: return location for a #GError, or %NULL
 *
 * Releases the condition's lock, as async_sync_lock_release() does.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_NOT_LOCKED if
 *   the lock was not locked
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_release (AsyncSyncCondition  *self,
                              GError             **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return async_sync_lock_release (self->lock, error);
}

/**
 * async_sync_condition_is_locked:
 * @self: an #AsyncSyncCondition
 *
 * Whether the condition's lock is held.
 *
 * Returns: %TRUE if the lock is held
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_is_locked (AsyncSyncCondition *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);

  return async_sync_lock_is_locked (self->lock);
}

/**
 * async_sync_condition_wait_async:
 * @self: an #AsyncSyncCondition
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the wait
 *   is over and the lock is held again
 * @user_data: the data to pass to @callback
 *
 * Releases the lock, which the caller must hold, waits until notified,
 * then acquires the lock again.  @callback runs with the lock held,
 * whatever the result, on the thread-default main context of the calling
 * thread, never from inside this call.
 *
 * If the lock is not held, the wait fails with
 * %ASYNC_SYNC_ERROR_NOT_LOCKED.  If @cancellable is already cancelled, it
 * fails with %G_IO_ERROR_CANCELLED at once, the lock still held.  If it is
 * cancelled before a notification reaches this waiter, the waiter stops
 * waiting, queues for the lock behind its current waiters, and fails with
 * %G_IO_ERROR_CANCELLED once it holds the lock again.  A cancellation after
 * the notification is ignored: the wake-up is never lost.
 *
 * Since: 1.0
 */
void
async_sync_condition_wait_async (AsyncSyncCondition  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  g_return_if_fail (ASYNC_SYNC_IS_CONDITION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter = async_sync_waiter_new (self, async_sync_lock_get_mutex (self->lock),
                                  cancellable, callback, user_data,
                                  ASYNC_SYNC_SOURCE_TAG (async_sync_condition_wait_async));
  async_sync_waiter_start (waiter, condition_wait_arrive_locked, self);
}

/**
 * async_sync_condition_wait_finish:
 * @self: an #AsyncSyncCondition
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_condition_wait_async().  If the caller held the lock when
 * it started the wait, as it must, it holds it again now, whatever the
 * result, and must release it.  A wait started without the lock failed
 * with %ASYNC_SYNC_ERROR_NOT_LOCKED (or %G_IO_ERROR_CANCELLED, if its
 * cancellable was already cancelled) and left the lock alone.
 *
 * Returns: %TRUE if the waiter was notified; %FALSE with @error set to
 *   %G_IO_ERROR_CANCELLED or %ASYNC_SYNC_ERROR_NOT_LOCKED otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_wait_finish (AsyncSyncCondition  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_CONDITION, result,
                                           async_sync_condition_wait_async, error);
}

/**
 * async_sync_condition_wait:
 * @self: an #AsyncSyncCondition
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_condition_wait_async(), for worker
 * threads; the same rules apply.  Calling it on the thread that runs the
 * main context of the code that would notify deadlocks.
 *
 * Returns: %TRUE if the waiter was notified; %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_wait (AsyncSyncCondition  *self,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_condition_wait_async),
                                    self, cancellable);

  return async_sync_condition_wait_finish (self, result, error);
}

/**
 * async_sync_condition_wait_for_async:
 * @self: an #AsyncSyncCondition
 * @predicate: (scope notified) (closure predicate_data) (destroy predicate_destroy):
 *   the condition to wait for
 * @predicate_data: the data to pass to @predicate
 * @predicate_destroy: (nullable): frees @predicate_data when the wait is over
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when @predicate
 *   returned %TRUE or the wait failed
 * @user_data: the data to pass to @callback
 *
 * Waits until @predicate returns %TRUE.  The caller must hold the lock.
 * @predicate is checked at once, inside this call (the one place where
 * this library calls user code from inside a call), then after each
 * notification, on the caller's main context, with the lock held each time.
 * Between checks the lock is released, as in
 * async_sync_condition_wait_async(), whose rules apply.
 *
 * @predicate_destroy is called once the wait is over, after @callback
 * returned, on the caller's main context.  (If the calling thread does not
 * run that context itself, it may instead run in the calling thread, as
 * this call returns.)
 *
 * Since: 1.0
 */
void
async_sync_condition_wait_for_async (AsyncSyncCondition  *self,
                                     AsyncSyncPredicate   predicate,
                                     gpointer             predicate_data,
                                     GDestroyNotify       predicate_destroy,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GMutex *mutex;
  AsyncSyncWaiter *waiter;
  WaitFor *wait_for;
  gboolean locked;

  g_return_if_fail (ASYNC_SYNC_IS_CONDITION (self));
  g_return_if_fail (predicate != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  mutex = async_sync_lock_get_mutex (self->lock);
  waiter = async_sync_waiter_new (self, mutex, cancellable, callback, user_data,
                                  ASYNC_SYNC_SOURCE_TAG (async_sync_condition_wait_for_async));
  wait_for = g_new (WaitFor, 1);
  wait_for->self = self;
  wait_for->predicate = predicate;
  wait_for->predicate_data = predicate_data;
  wait_for->predicate_destroy = predicate_destroy;
  /* Its resume hook is armed only once it parks: a waiter completed at
   * once returns as it is. */
  async_sync_waiter_set_resume (waiter, NULL, wait_for, wait_for_free);

  if (async_sync_waiter_fail_if_cancelled (waiter))
    return;

  g_mutex_lock (mutex);
  locked = async_sync_lock_is_held_locked (self->lock);
  if (!locked)
    async_sync_waiter_fail (waiter, not_locked_error_new ());
  g_mutex_unlock (mutex);

  if (locked && predicate (predicate_data))
    {
      g_mutex_lock (mutex);
      async_sync_waiter_complete (waiter);
      g_mutex_unlock (mutex);
      locked = FALSE;
    }

  if (!locked)
    {
      async_sync_waiter_started (waiter, FALSE);
      return;
    }

  async_sync_waiter_set_resume (waiter, wait_for_resume, wait_for, wait_for_free);
  async_sync_waiter_arrive (waiter, condition_wait_arrive_locked, self);
}

/**
 * async_sync_condition_wait_for_finish:
 * @self: an #AsyncSyncCondition
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_condition_wait_for_async().  If the caller held the lock when
 * it started the wait, as it must, it holds it again now, whatever the
 * result, and must release it.  A wait started without the lock failed
 * with %ASYNC_SYNC_ERROR_NOT_LOCKED (or %G_IO_ERROR_CANCELLED, if its
 * cancellable was already cancelled) and left the lock alone.
 *
 * Returns: %TRUE if the predicate returned %TRUE; %FALSE with @error set
 *   to %G_IO_ERROR_CANCELLED or %ASYNC_SYNC_ERROR_NOT_LOCKED otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_wait_for_finish (AsyncSyncCondition  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_CONDITION, result,
                                           async_sync_condition_wait_for_async, error);
}

/**
 * async_sync_condition_wait_for:
 * @self: an #AsyncSyncCondition
 * @predicate: (scope notified) (closure predicate_data) (destroy predicate_destroy):
 *   the condition to wait for
 * @predicate_data: the data to pass to @predicate
 * @predicate_destroy: (nullable): frees @predicate_data when the wait is over
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_condition_wait_for_async(), for
 * worker threads: @predicate runs in the calling thread.
 *
 * Returns: %TRUE if the predicate returned %TRUE; %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_wait_for (AsyncSyncCondition  *self,
                               AsyncSyncPredicate   predicate,
                               gpointer             predicate_data,
                               GDestroyNotify       predicate_destroy,
                               GCancellable        *cancellable,
                               GError             **error)
{
  AsyncSyncBlockingCall call;
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (predicate != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  async_sync_blocking_call_begin (&call);
  async_sync_condition_wait_for_async (self, predicate, predicate_data, predicate_destroy,
                                       cancellable, async_sync_blocking_call_callback, &call);
  result = async_sync_blocking_call_end (&call);

  return async_sync_condition_wait_for_finish (self, result, error);
}

static gboolean
condition_notify (AsyncSyncCondition  *self,
                  guint                n,
                  GError             **error)
{
  GMutex *mutex = async_sync_lock_get_mutex (self->lock);
  gboolean locked;

  g_mutex_lock (mutex);
  locked = async_sync_lock_is_held_locked (self->lock);
  if (locked)
    {
      AsyncSyncWaiter *waiter;

      for (; n > 0 && (waiter = async_sync_waiter_queue_peek (&self->waiters)) != NULL; n--)
        condition_move_to_lock (self, waiter);
    }
  g_mutex_unlock (mutex);

  if (!locked)
    g_propagate_error (error, not_locked_error_new ());

  return locked;
}

/**
 * async_sync_condition_notify:
 * @self: an #AsyncSyncCondition
 * @n: how many waiters to wake at most
 * @error: return location for a #GError, or %NULL
 *
 * Wakes up to @n waiters, the longest-waiting first.  The caller must hold
 * the lock.  Each woken waiter moves to the back of the lock's queue and
 * completes, successfully, once the lock is handed to it; none runs inside
 * this call.
 *
 * In Python, JavaScript and Vala this method hides GObject's `notify()`;
 * see the class description for how to reach the latter.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_NOT_LOCKED if
 *   the lock is not held
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_notify (AsyncSyncCondition  *self,
                             guint                n,
                             GError             **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return condition_notify (self, n, error);
}

/**
 * async_sync_condition_notify_all:
 * @self: an #AsyncSyncCondition
 * @error: return location for a #GError, or %NULL
 *
 * Wakes every waiter, in the order they started waiting.  The caller must
 * hold the lock.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_NOT_LOCKED if
 *   the lock is not held
 *
 * Since: 1.0
 */
gboolean
async_sync_condition_notify_all (AsyncSyncCondition  *self,
                                 GError             **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return condition_notify (self, G_MAXUINT, error);
}

/**
 * async_sync_condition_get_n_waiting:
 * @self: an #AsyncSyncCondition
 *
 * Counts the waiters not notified yet.  Notified waiters that wait for the
 * lock are counted by async_sync_lock_get_n_waiting().
 *
 * Returns: the number of waiters not yet notified
 *
 * Since: 1.0
 */
guint
async_sync_condition_get_n_waiting (AsyncSyncCondition *self)
{
  GMutex *mutex;
  guint n_waiting;

  g_return_val_if_fail (ASYNC_SYNC_IS_CONDITION (self), 0);

  mutex = async_sync_lock_get_mutex (self->lock);
  g_mutex_lock (mutex);
  n_waiting = async_sync_waiter_queue_length (&self->waiters);
  g_mutex_unlock (mutex);

  return n_waiting;
}
