/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-event.h"

#include "async-sync-blocking-private.h"
#include "async-sync-notify-private.h"
#include "async-sync-waiter-queue-private.h"

/**
 * SECTION:async-sync-event
 * @Title: AsyncSyncEvent
 * @Short_description: A flag that async code can wait for
 *
 * #AsyncSyncEvent is asyncio's `Event`: a boolean flag, initially unset.
 * async_sync_event_wait_async() completes once the flag is set;
 * async_sync_event_set() sets it and wakes every waiter queued at that
 * moment; async_sync_event_clear() unsets it, so that later waits block
 * again.
 *
 * A wait on an event that is already set still completes from a later
 * main-loop iteration, never from inside the call.  Waiters are woken in
 * the order they started waiting.  A waiter woken by async_sync_event_set()
 * succeeds even if the event is cleared, or its cancellable cancelled,
 * before its callback runs: the wake-up is never lost.
 *
 * A typical use is pausing workers: they wait on the event before each
 * step, the UI clears it to pause and sets it to resume.
 *
 * |[<!-- language="C" -->
 * static void step (Worker *worker);
 *
 * static void
 * resumed (GObject *event, GAsyncResult *result, gpointer user_data)
 * {
 *   Worker *worker = user_data;
 *
 *   if (async_sync_event_wait_finish (ASYNC_SYNC_EVENT (event), result, NULL))
 *     step (worker);  // the event is set: do one step, then wait again
 * }
 *
 * static void
 * step (Worker *worker)
 * {
 *   do_some_work (worker);
 *   async_sync_event_wait_async (worker->running, worker->cancellable,
 *                                resumed, worker);
 * }
 *
 * // elsewhere: async_sync_event_clear (running) pauses every worker,
 * //            async_sync_event_set (running) resumes them all.
 * ]|
 *
 * In Python, through the override: `event = AsyncSync.Event()`,
 * `await event.wait()`, `event.set()`, `event.clear()`,
 * `event.is_set()`, as in asyncio.  In GJS: `new AsyncSync.Event()` and,
 * once `Gio._promisify()` has wrapped `wait_async`/`wait_finish`,
 * `await event.wait_async(null)`; `event.is_set` is the property (GJS's
 * accessor hides the method of the same name).
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/**
 * AsyncSyncEvent:
 *
 * An asyncio-style event flag.  The structure is opaque: use the
 * functions below; any thread may call them.
 *
 * Since: 1.0
 */
struct _AsyncSyncEvent
{
  GObject              parent_instance;

  GMutex               mutex;
  gboolean             is_set;     /* invariant: is_set => no waiters */
  AsyncSyncWaiterQueue waiters;
  AsyncSyncNotifier    notifier;
};

G_DEFINE_FINAL_TYPE (AsyncSyncEvent, async_sync_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IS_SET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NOTIFY_IS_SET,
  N_NOTIFY
};

static GParamSpec *notify_pspecs[N_NOTIFY];

static guint
event_read_notified (GObject *object,
                     guint    index)
{
  return ASYNC_SYNC_EVENT (object)->is_set;
}

static void
async_sync_event_finalize (GObject *object)
{
  AsyncSyncEvent *self = ASYNC_SYNC_EVENT (object);

  g_assert (async_sync_waiter_queue_length (&self->waiters) == 0);

  async_sync_notifier_clear (&self->notifier);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (async_sync_event_parent_class)->finalize (object);
}

static void
async_sync_event_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AsyncSyncEvent *self = ASYNC_SYNC_EVENT (object);

  switch (prop_id)
    {
    case PROP_IS_SET:
      g_value_set_boolean (value, async_sync_event_is_set (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_event_class_init (AsyncSyncEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = async_sync_event_finalize;
  object_class->get_property = async_sync_event_get_property;

  /**
   * AsyncSyncEvent:is-set:
   *
   * Whether the event is set.
   *
   * Change notifications are emitted on the event's home context (the
   * thread-default main context of the thread that created it), from a
   * main-loop iteration after the change, never from inside a method call.
   * Changes between two iterations are coalesced: the signal is emitted
   * when the value differs from the one last notified.
   *
   * Since: 1.0
   */
  properties[PROP_IS_SET] =
    g_param_spec_boolean ("is-set", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  notify_pspecs[NOTIFY_IS_SET] = properties[PROP_IS_SET];
}

static void
async_sync_event_init (AsyncSyncEvent *self)
{
  g_mutex_init (&self->mutex);
  async_sync_waiter_queue_init (&self->waiters, NULL, NULL, NULL);
  async_sync_notifier_init (&self->notifier, G_OBJECT (self), &self->mutex,
                            notify_pspecs, N_NOTIFY, event_read_notified);
}

/**
 * async_sync_event_new:
 *
 * Creates an event that is not set.  The thread-default main context of
 * the calling thread becomes its home context, where its property
 * notifications are emitted.
 *
 * Returns: (transfer full): a new #AsyncSyncEvent
 *
 * Since: 1.0
 */
AsyncSyncEvent *
async_sync_event_new (void)
{
  return g_object_new (ASYNC_SYNC_TYPE_EVENT, NULL);
}

/* A wait on a set event succeeds at once; else it waits for set(). */
static void
event_wait_arrive_locked (gpointer         owner,
                          AsyncSyncWaiter *waiter)
{
  AsyncSyncEvent *self = owner;

  if (self->is_set)
    async_sync_waiter_complete (waiter);
  else
    async_sync_waiter_queue_push (&self->waiters, waiter);
}

/**
 * async_sync_event_wait_async:
 * @self: an #AsyncSyncEvent
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the event
 *   is set or the wait failed
 * @user_data: the data to pass to @callback
 *
 * Waits until the event is set.  If it is set already, the wait completes
 * on the next main-loop iteration.
 *
 * @callback runs on the thread-default main context of the calling thread,
 * from a later iteration of it, never from inside this call; call
 * async_sync_event_wait_finish() there.
 *
 * If @cancellable is already cancelled, the wait fails with
 * %G_IO_ERROR_CANCELLED at once, even if the event is set.  If it is
 * cancelled while the wait is queued, the wait fails with
 * %G_IO_ERROR_CANCELLED; other waiters are unaffected.  A wait woken by
 * async_sync_event_set() succeeds whatever happens afterwards.
 *
 * Since: 1.0
 */
void
async_sync_event_wait_async (AsyncSyncEvent      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  g_return_if_fail (ASYNC_SYNC_IS_EVENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter = async_sync_waiter_new (self, &self->mutex, cancellable, callback, user_data,
                                  ASYNC_SYNC_SOURCE_TAG (async_sync_event_wait_async));
  async_sync_waiter_start (waiter, event_wait_arrive_locked, self);
}

/**
 * async_sync_event_wait_finish:
 * @self: an #AsyncSyncEvent
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_event_wait_async().
 *
 * Returns: %TRUE once the event was set; %FALSE with @error set to
 *   %G_IO_ERROR_CANCELLED if the wait was cancelled first
 *
 * Since: 1.0
 */
gboolean
async_sync_event_wait_finish (AsyncSyncEvent  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_EVENT, result,
                                           async_sync_event_wait_async, error);
}

/**
 * async_sync_event_wait:
 * @self: an #AsyncSyncEvent
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * Blocks the calling thread until the event is set or @cancellable is
 * cancelled; the same rules as async_sync_event_wait_async() apply.
 *
 * This is for worker threads.  Calling it on the thread that runs the main
 * context where the event would be set deadlocks.
 *
 * Returns: %TRUE once the event was set; %FALSE with @error set to
 *   %G_IO_ERROR_CANCELLED if the wait was cancelled first
 *
 * Since: 1.0
 */
gboolean
async_sync_event_wait (AsyncSyncEvent  *self,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_EVENT (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_event_wait_async),
                                    self, cancellable);

  return async_sync_event_wait_finish (self, result, error);
}

/**
 * async_sync_event_set:
 * @self: an #AsyncSyncEvent
 *
 * Sets the event and wakes every wait queued at this moment, in the order
 * they started.  Their callbacks are scheduled on their own main contexts;
 * none runs inside this call.  Setting an event that is set does nothing.
 *
 * Since: 1.0
 */
void
async_sync_event_set (AsyncSyncEvent *self)
{
  g_return_if_fail (ASYNC_SYNC_IS_EVENT (self));

  g_mutex_lock (&self->mutex);
  if (!self->is_set)
    {
      self->is_set = TRUE;
      async_sync_notifier_changed (&self->notifier);
      async_sync_waiter_queue_complete_all (&self->waiters);
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * async_sync_event_clear:
 * @self: an #AsyncSyncEvent
 *
 * Unsets the event: later waits block until it is set again.  Waits that
 * an earlier async_sync_event_set() woke still succeed.
 *
 * Since: 1.0
 */
void
async_sync_event_clear (AsyncSyncEvent *self)
{
  g_return_if_fail (ASYNC_SYNC_IS_EVENT (self));

  g_mutex_lock (&self->mutex);
  if (self->is_set)
    {
      self->is_set = FALSE;
      async_sync_notifier_changed (&self->notifier);
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * async_sync_event_is_set:
 * @self: an #AsyncSyncEvent
 *
 * Whether the event is set.
 *
 * Returns: %TRUE if the event is set
 *
 * Since: 1.0
 */
gboolean
async_sync_event_is_set (AsyncSyncEvent *self)
{
  gboolean is_set;

  g_return_val_if_fail (ASYNC_SYNC_IS_EVENT (self), FALSE);

  g_mutex_lock (&self->mutex);
  is_set = self->is_set;
  g_mutex_unlock (&self->mutex);

  return is_set;
}

/**
 * async_sync_event_get_n_waiting:
 * @self: an #AsyncSyncEvent
 *
 * Counts the waits queued until the event is set.
 *
 * Returns: the number of queued waits
 *
 * Since: 1.0
 */
guint
async_sync_event_get_n_waiting (AsyncSyncEvent *self)
{
  guint n_waiting;

  g_return_val_if_fail (ASYNC_SYNC_IS_EVENT (self), 0);

  g_mutex_lock (&self->mutex);
  n_waiting = async_sync_waiter_queue_length (&self->waiters);
  g_mutex_unlock (&self->mutex);

  return n_waiting;
}
