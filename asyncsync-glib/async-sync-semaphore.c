/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-semaphore-private.h"

#include "async-sync-blocking-private.h"
#include "async-sync-error.h"
#include "async-sync-notify-private.h"
#include "async-sync-waiter-queue-private.h"

/**
 * SECTION:async-sync-semaphore
 * @Title: AsyncSyncSemaphore
 * @Short_description: A counter of permits, to limit concurrency
 *
 * #AsyncSyncSemaphore is asyncio's `Semaphore`: a counter of permits.
 * async_sync_semaphore_acquire_async() takes one, waiting while there are
 * none; async_sync_semaphore_release() gives one back, handing it straight
 * to the longest waiter if there is one.  A semaphore created with a value
 * of N lets at most N holders run at once.
 *
 * Waiters are served strictly first-in, first-out, and
 * async_sync_semaphore_try_acquire() never takes a permit while others
 * wait.  Cancellation follows the same rules as #AsyncSyncLock: a queued
 * request that is cancelled leaves the queue and takes nothing; a request
 * that was handed a permit owns it.
 *
 * A plain semaphore accepts any number of releases, up to a value of
 * %G_MAXUINT; #AsyncSyncBoundedSemaphore refuses releases above its initial
 * value.
 *
 * Weighted requests, as tokio's `acquire_many`:
 * async_sync_semaphore_acquire_many_async() takes several permits at once
 * and async_sync_semaphore_release_many() gives several back.  The queue
 * stays strictly FIFO: a large request at its head holds back smaller ones
 * behind it, even when there would be enough permits for them, so a large
 * request is never starved.  If that head request is cancelled, those behind
 * it are served at once if the value allows.
 *
 * Limiting concurrent downloads to three:
 *
 * |[<!-- language="C" -->
 * static void
 * download_done (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   Download *download = user_data;
 *
 *   finish_download (download, result);
 *   async_sync_semaphore_release (download->slots, NULL);  // the next one starts
 * }
 *
 * static void
 * got_slot (GObject *slots, GAsyncResult *result, gpointer user_data)
 * {
 *   Download *download = user_data;
 *
 *   if (!async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (slots), result, NULL))
 *     return;  // cancelled while queued: no slot taken
 *   start_download (download, download_done);
 * }
 *
 *   slots = async_sync_semaphore_new (3);
 *   for (i = 0; i < n_downloads; i++)
 *     async_sync_semaphore_acquire_async (slots, downloads[i]->cancellable,
 *                                         got_slot, downloads[i]);
 * ]|
 *
 * In Python, through the override: `sem = AsyncSync.Semaphore(3)`, then
 * `async with sem:` (or `await sem.acquire()` and `sem.release()`), as
 * in asyncio, and `await sem.acquire_many(n)`.  The positional value is
 * the override's: a GObject constructor takes properties by name, so
 * plain PyGObject needs `AsyncSync.Semaphore(value=3)` or the C
 * constructor `AsyncSync.Semaphore.new(3)` (as does GJS, with
 * `new AsyncSync.Semaphore({value: 3})`), while `AsyncSync.Lock()` needs
 * no property at all.  In GJS, once `Gio._promisify()` has wrapped the
 * pair: `await sem.acquire_async(null)`, and `sem.release()` in a
 * `finally`.  Downloads three at a time, with both ways to cancel, in
 * each language: [the downloads recipe][recipe-downloads].
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/**
 * AsyncSyncSemaphore:
 *
 * An asyncio-style counting semaphore.  The structure is opaque: use
 * the functions below; any thread may call them.
 *
 * Since: 1.0
 */
typedef struct
{
  GMutex               mutex;
  guint                value;      /* invariant: the first waiter wants more than value */
  guint                bound;      /* set in constructed(), then constant */
  AsyncSyncWaiterQueue waiters;
  AsyncSyncNotifier    notifier;
} AsyncSyncSemaphorePrivate;

/* What a subclass decides for all its instances, in its class_init. */
typedef struct
{
  gboolean bound_by_initial_value;
} AsyncSyncSemaphoreClassPrivate;

G_DEFINE_TYPE_WITH_CODE (AsyncSyncSemaphore, async_sync_semaphore, G_TYPE_OBJECT,
                         G_ADD_PRIVATE (AsyncSyncSemaphore)
                         g_type_add_class_private (g_define_type_id,
                                                   sizeof (AsyncSyncSemaphoreClassPrivate)))

#define CLASS_PRIV(klass) \
  G_TYPE_CLASS_GET_PRIVATE ((klass), ASYNC_SYNC_TYPE_SEMAPHORE, AsyncSyncSemaphoreClassPrivate)

enum {
  PROP_0,
  PROP_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NOTIFY_VALUE,
  N_NOTIFY
};

static GParamSpec *notify_pspecs[N_NOTIFY];

#define PRIV(self) ((AsyncSyncSemaphorePrivate *) async_sync_semaphore_get_instance_private (self))

static guint
semaphore_read_notified (GObject *object,
                         guint    index)
{
  return PRIV (ASYNC_SYNC_SEMAPHORE (object))->value;
}

static void
semaphore_set_value (AsyncSyncSemaphore *self,
                     guint               value)
{
  PRIV (self)->value = value;
  async_sync_notifier_changed (&PRIV (self)->notifier);
}

/* Serves the queue from its head while the value covers the first request
 * (strict FIFO: a large head request holds back smaller ones). */
static guint
semaphore_grant_locked (AsyncSyncSemaphorePrivate *priv,
                        guint                      value)
{
  AsyncSyncWaiter *head;

  while ((head = async_sync_waiter_queue_peek (&priv->waiters)) != NULL &&
         async_sync_waiter_get_weight (head) <= value)
    {
      value -= async_sync_waiter_get_weight (head);
      async_sync_waiter_complete (head);
    }

  return value;
}

static void
semaphore_update_locked (AsyncSyncSemaphore *self,
                         guint               value)
{
  value = semaphore_grant_locked (PRIV (self), value);
  if (value != PRIV (self)->value)
    semaphore_set_value (self, value);
}

/* Before deciding on a new request: waiters at the head that may no longer
 * be granted (a deadline passed, its timer not run yet) leave, and those
 * they held back are served, as if their timer had run on time. */
static void
semaphore_settle_locked (AsyncSyncSemaphore *self)
{
  semaphore_update_locked (self, PRIV (self)->value);
}

/* The serve rule: a head request that left may unblock those behind it. */
static void
semaphore_serve (AsyncSyncWaiterQueue *queue)
{
  AsyncSyncSemaphore *self = queue->owner;

  semaphore_update_locked (self, PRIV (self)->value);
}

void
async_sync_semaphore_class_bound_by_initial_value (AsyncSyncSemaphoreClass *klass)
{
  CLASS_PRIV (klass)->bound_by_initial_value = TRUE;
}

/* Constant after construction: no mutex needed. */
guint
async_sync_semaphore_get_bound_internal (AsyncSyncSemaphore *self)
{
  return PRIV (self)->bound;
}

static void
async_sync_semaphore_constructed (GObject *object)
{
  AsyncSyncSemaphore *self = ASYNC_SYNC_SEMAPHORE (object);
  AsyncSyncSemaphorePrivate *priv = PRIV (self);

  G_OBJECT_CLASS (async_sync_semaphore_parent_class)->constructed (object);

  /* Only now is the initial value known; no other thread sees the
   * object yet. */
  if (CLASS_PRIV (G_OBJECT_GET_CLASS (object))->bound_by_initial_value)
    priv->bound = priv->value;
  async_sync_notifier_init (&priv->notifier, object, &priv->mutex,
                            notify_pspecs, N_NOTIFY, semaphore_read_notified);
}

static void
async_sync_semaphore_finalize (GObject *object)
{
  AsyncSyncSemaphorePrivate *priv = PRIV (ASYNC_SYNC_SEMAPHORE (object));

  g_assert (async_sync_waiter_queue_length (&priv->waiters) == 0);

  async_sync_notifier_clear (&priv->notifier);
  g_mutex_clear (&priv->mutex);

  G_OBJECT_CLASS (async_sync_semaphore_parent_class)->finalize (object);
}

static void
async_sync_semaphore_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AsyncSyncSemaphore *self = ASYNC_SYNC_SEMAPHORE (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_uint (value, async_sync_semaphore_get_value (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_semaphore_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AsyncSyncSemaphore *self = ASYNC_SYNC_SEMAPHORE (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      /* Construct-only: no other thread can see the object yet. */
      PRIV (self)->value = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_semaphore_class_init (AsyncSyncSemaphoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = async_sync_semaphore_constructed;
  object_class->finalize = async_sync_semaphore_finalize;
  object_class->get_property = async_sync_semaphore_get_property;
  object_class->set_property = async_sync_semaphore_set_property;

  /**
   * AsyncSyncSemaphore:value:
   *
   * The number of permits: the initial value when constructing, the
   * current value when read.  It stays 0 while a release hands a permit
   * directly to a waiter.
   *
   * Change notifications are emitted on the semaphore's home context (the
   * thread-default main context of the thread that created it), from a
   * main-loop iteration after the change, never from inside a method call.
   * Changes between two iterations are coalesced: the signal is emitted
   * when the value differs from the one last notified.
   *
   * Since: 1.0
   */
  properties[PROP_VALUE] =
    g_param_spec_uint ("value", NULL, NULL,
                       0, G_MAXUINT, 1,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  notify_pspecs[NOTIFY_VALUE] = properties[PROP_VALUE];
}

static void
async_sync_semaphore_init (AsyncSyncSemaphore *self)
{
  AsyncSyncSemaphorePrivate *priv = PRIV (self);

  g_mutex_init (&priv->mutex);
  priv->bound = G_MAXUINT;
  async_sync_waiter_queue_init (&priv->waiters, NULL, semaphore_serve, self);
}

/**
 * async_sync_semaphore_new:
 * @value: the initial number of permits
 *
 * Creates a semaphore with @value permits.  A value of 0 makes every
 * acquisition wait for a release.  The thread-default main context of the
 * calling thread becomes its home context, where its property
 * notifications are emitted.
 *
 * Returns: (transfer full): a new #AsyncSyncSemaphore
 *
 * Since: 1.0
 */
AsyncSyncSemaphore *
async_sync_semaphore_new (guint value)
{
  return g_object_new (ASYNC_SYNC_TYPE_SEMAPHORE, "value", value, NULL);
}

/* A request for n permits is granted at once if nobody waits and the
 * value covers it; else it waits its turn.  Asking for none, or for more
 * than the bound, can never succeed. */
static void
semaphore_arrive_locked (gpointer         owner,
                         AsyncSyncWaiter *waiter)
{
  AsyncSyncSemaphore *self = owner;

  AsyncSyncSemaphorePrivate *priv = PRIV (self);
  guint n = async_sync_waiter_get_weight (waiter);

  if (n == 0)
    {
      async_sync_waiter_fail_literal (waiter, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                      "A request must be for at least one permit");
      return;
    }
  if (n > priv->bound)
    {
      async_sync_waiter_fail (waiter,
                              g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                           "Cannot acquire %u permits from a semaphore bounded to %u",
                                           n, priv->bound));
      return;
    }

  semaphore_settle_locked (self);
  if (async_sync_waiter_queue_length (&priv->waiters) == 0 && priv->value >= n)
    {
      semaphore_set_value (self, priv->value - n);
      async_sync_waiter_complete (waiter);
    }
  else
    {
      async_sync_waiter_queue_push (&priv->waiters, waiter);
    }
}

static void
semaphore_acquire_for (AsyncSyncSemaphore  *self,
                       guint                n,
                       gpointer             source_tag,
                       const gchar         *name,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  waiter = async_sync_waiter_new (self, &PRIV (self)->mutex, cancellable, callback, user_data,
                                  source_tag, name);
  async_sync_waiter_set_weight (waiter, n);
  async_sync_waiter_start (waiter, semaphore_arrive_locked, self);
}

static gboolean
semaphore_acquire_finish (AsyncSyncSemaphore  *self,
                          GAsyncResult        *result,
                          gpointer             source_tag,
                          GError             **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_SEMAPHORE, result,
                                           source_tag, error);
}

static gboolean
semaphore_acquire_blocking (AsyncSyncSemaphore  *self,
                            guint                n,
                            GCancellable        *cancellable,
                            GError             **error)
{
  AsyncSyncBlockingCall call;
  g_autoptr(GAsyncResult) result = NULL;

  async_sync_blocking_call_begin (&call);
  async_sync_semaphore_acquire_many_async (self, n, cancellable,
                                           async_sync_blocking_call_callback, &call);
  result = async_sync_blocking_call_end (&call);

  return async_sync_semaphore_acquire_many_finish (self, result, error);
}

static gboolean
semaphore_try_acquire (AsyncSyncSemaphore *self,
                       guint               n)
{
  AsyncSyncSemaphorePrivate *priv = PRIV (self);
  gboolean acquired = FALSE;

  g_mutex_lock (&priv->mutex);
  semaphore_settle_locked (self);
  if (async_sync_waiter_queue_length (&priv->waiters) == 0 && priv->value >= n)
    {
      semaphore_set_value (self, priv->value - n);
      acquired = TRUE;
    }
  g_mutex_unlock (&priv->mutex);

  return acquired;
}

static gboolean
semaphore_release (AsyncSyncSemaphore  *self,
                   guint                n,
                   GError             **error)
{
  AsyncSyncSemaphorePrivate *priv = PRIV (self);
  guint bound;
  gboolean released;

  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "A release must be of at least one permit");
      return FALSE;
    }

  bound = priv->bound;
  g_mutex_lock (&priv->mutex);
  released = n <= bound - priv->value;
  if (released)
    semaphore_update_locked (self, priv->value + n);
  g_mutex_unlock (&priv->mutex);

  if (!released)
    g_set_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE,
                 "Semaphore released too many times (its value may not exceed %u)",
                 bound);

  return released;
}

/**
 * async_sync_semaphore_acquire_async:
 * @self: an #AsyncSyncSemaphore
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when a permit
 *   was taken or the request failed
 * @user_data: the data to pass to @callback
 *
 * Takes a permit: at once if one is free and nobody waits, else after
 * every earlier waiter was served.  @callback runs on the thread-default
 * main context of the calling thread, from a later iteration, never from
 * inside this call.  Cancellation follows async_sync_lock_acquire_async().
 *
 * Since: 1.0
 */
void
async_sync_semaphore_acquire_async (AsyncSyncSemaphore  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  semaphore_acquire_for (self, 1, ASYNC_SYNC_SOURCE_TAG (async_sync_semaphore_acquire_async),
                         cancellable, callback, user_data);
}

/**
 * async_sync_semaphore_acquire_finish:
 * @self: an #AsyncSyncSemaphore
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_semaphore_acquire_async().
 *
 * Returns: %TRUE if the caller now holds a permit and must release it;
 *   %FALSE with @error set to %G_IO_ERROR_CANCELLED if the request was
 *   cancelled first
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_acquire_finish (AsyncSyncSemaphore  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  return semaphore_acquire_finish (self, result, async_sync_semaphore_acquire_async, error);
}

/**
 * async_sync_semaphore_acquire:
 * @self: an #AsyncSyncSemaphore
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * Takes a permit, blocking the calling thread; the same rules as
 * async_sync_semaphore_acquire_async() apply.  For worker threads only:
 * calling it on the thread that runs the main context where permits are
 * released deadlocks.
 *
 * Returns: %TRUE if a permit was taken; %FALSE with @error set to
 *   %G_IO_ERROR_CANCELLED if the request was cancelled first
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_acquire (AsyncSyncSemaphore  *self,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return semaphore_acquire_blocking (self, 1, cancellable, error);
}

/**
 * async_sync_semaphore_try_acquire:
 * @self: an #AsyncSyncSemaphore
 *
 * Takes a permit if one is free and nobody waits; never jumps the queue.
 *
 * Returns: %TRUE if the caller now holds a permit
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_try_acquire (AsyncSyncSemaphore *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), FALSE);

  return semaphore_try_acquire (self, 1);
}

/**
 * async_sync_semaphore_release:
 * @self: an #AsyncSyncSemaphore
 * @error: return location for a #GError, or %NULL
 *
 * Gives a permit back.  If requests are waiting, the first of them gets
 * the permit before this returns (the value stays 0) and its callback is
 * scheduled on its own main context; none runs inside this call.  (A
 * weighted request from async_sync_semaphore_acquire_many_async() at the
 * head of the queue is served only once the value covers all it asked
 * for; until then the permit adds to the value.)
 *
 * A plain semaphore accepts any number of releases, as asyncio's does, up
 * to a value of %G_MAXUINT.  A #AsyncSyncBoundedSemaphore refuses one that
 * would raise the value above its initial value.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_VALUE, and
 *   nothing changed, if the value would exceed the bound
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_release (AsyncSyncSemaphore  *self,
                              GError             **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return semaphore_release (self, 1, error);
}

/**
 * async_sync_semaphore_acquire_many_async:
 * @self: an #AsyncSyncSemaphore
 * @n: how many permits to take, at least 1
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the
 *   permits were taken or the request failed
 * @user_data: the data to pass to @callback
 *
 * Takes @n permits at once, as tokio's `acquire_many`: when @n are free
 * and nobody waits, else once every earlier request was served and @n are
 * free.  While this request is first in the queue, smaller requests behind
 * it wait too (strict FIFO, so that it is never starved).  Cancellation
 * follows async_sync_lock_acquire_async(); a cancelled request takes
 * nothing.  @callback runs on the thread-default main context of the
 * calling thread, from a later iteration, never from inside this call.
 *
 * Requesting 0 permits, or more than the bound of a
 * #AsyncSyncBoundedSemaphore (which could never be granted), fails with
 * %G_IO_ERROR_INVALID_ARGUMENT.
 *
 * Since: 1.0
 */
void
async_sync_semaphore_acquire_many_async (AsyncSyncSemaphore  *self,
                                         guint                n,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  semaphore_acquire_for (self, n, ASYNC_SYNC_SOURCE_TAG (async_sync_semaphore_acquire_many_async),
                         cancellable, callback, user_data);
}

/**
 * async_sync_semaphore_acquire_many_finish:
 * @self: an #AsyncSyncSemaphore
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_semaphore_acquire_many_async().
 *
 * Returns: %TRUE if the caller now holds the permits and must release
 *   them (async_sync_semaphore_release_many()); %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_acquire_many_finish (AsyncSyncSemaphore  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  return semaphore_acquire_finish (self, result, async_sync_semaphore_acquire_many_async, error);
}

/**
 * async_sync_semaphore_acquire_many:
 * @self: an #AsyncSyncSemaphore
 * @n: how many permits to take, at least 1
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_semaphore_acquire_many_async(), for
 * worker threads.
 *
 * Returns: %TRUE if the permits were taken; %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_acquire_many (AsyncSyncSemaphore  *self,
                                   guint                n,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return semaphore_acquire_blocking (self, n, cancellable, error);
}

/**
 * async_sync_semaphore_try_acquire_many:
 * @self: an #AsyncSyncSemaphore
 * @n: how many permits to take, at least 1
 *
 * Takes @n permits if they are free and nobody waits; never jumps the
 * queue.
 *
 * Returns: %TRUE if the caller now holds the @n permits
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_try_acquire_many (AsyncSyncSemaphore *self,
                                       guint               n)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (n > 0, FALSE);

  return semaphore_try_acquire (self, n);
}

/**
 * async_sync_semaphore_release_many:
 * @self: an #AsyncSyncSemaphore
 * @n: how many permits to give back
 * @error: return location for a #GError, or %NULL
 *
 * Gives @n permits back, then serves waiting requests from the head of the
 * queue while the value covers them.  As async_sync_semaphore_release(),
 * it fails with %ASYNC_SYNC_ERROR_VALUE and changes nothing if the value
 * would exceed the bound (%G_MAXUINT for a plain semaphore).
 *
 * Releasing 0 permits fails with %G_IO_ERROR_INVALID_ARGUMENT, as
 * acquiring 0 does: every request is for at least one permit.
 *
 * Returns: %TRUE on success; %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_release_many (AsyncSyncSemaphore  *self,
                                   guint                n,
                                   GError             **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return semaphore_release (self, n, error);
}

/**
 * async_sync_semaphore_get_value:
 * @self: an #AsyncSyncSemaphore
 *
 * Gets the number of free permits.
 *
 * Returns: the current value
 *
 * Since: 1.0
 */
guint
async_sync_semaphore_get_value (AsyncSyncSemaphore *self)
{
  AsyncSyncSemaphorePrivate *priv;
  guint value;

  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), 0);

  priv = PRIV (self);
  g_mutex_lock (&priv->mutex);
  value = priv->value;
  g_mutex_unlock (&priv->mutex);

  return value;
}

/**
 * async_sync_semaphore_is_locked:
 * @self: an #AsyncSyncSemaphore
 *
 * Whether an acquisition of one permit could not succeed at once: no
 * permit is free, or others wait (a weighted request at the head of the
 * queue can wait while some permits are free).
 *
 * Returns: %TRUE if an acquisition would wait
 *
 * Since: 1.0
 */
gboolean
async_sync_semaphore_is_locked (AsyncSyncSemaphore *self)
{
  AsyncSyncSemaphorePrivate *priv;
  gboolean locked;

  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), FALSE);

  priv = PRIV (self);
  g_mutex_lock (&priv->mutex);
  locked = priv->value == 0 || async_sync_waiter_queue_length (&priv->waiters) > 0;
  g_mutex_unlock (&priv->mutex);

  return locked;
}

/**
 * async_sync_semaphore_get_n_waiting:
 * @self: an #AsyncSyncSemaphore
 *
 * Counts the requests queued for a permit.
 *
 * Returns: the number of queued requests
 *
 * Since: 1.0
 */
guint
async_sync_semaphore_get_n_waiting (AsyncSyncSemaphore *self)
{
  AsyncSyncSemaphorePrivate *priv;
  guint n_waiting;

  g_return_val_if_fail (ASYNC_SYNC_IS_SEMAPHORE (self), 0);

  priv = PRIV (self);
  g_mutex_lock (&priv->mutex);
  n_waiting = async_sync_waiter_queue_length (&priv->waiters);
  g_mutex_unlock (&priv->mutex);

  return n_waiting;
}
