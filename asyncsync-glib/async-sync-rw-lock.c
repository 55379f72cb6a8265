/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-rw-lock.h"

#include "async-sync-blocking-private.h"
#include "async-sync-error.h"
#include "async-sync-notify-private.h"
#include "async-sync-waiter-queue-private.h"

/**
 * SECTION:async-sync-rw-lock
 * @Title: AsyncSyncRWLock
 * @Short_description: A fair read-write lock for async code
 *
 * #AsyncSyncRWLock lets many readers or one writer hold it, like tokio's
 * `RwLock`: fair and write-preferring.  Requests of both kinds queue in
 * one FIFO queue: a writer queued behind the current readers blocks the
 * readers that come after it, so writers are never starved, and
 * consecutive readers at the head of the queue are admitted together.
 *
 * Acquisitions are GIO asynchronous operations with the same rules as
 * #AsyncSyncLock: completion on the caller's thread-default main context,
 * from a later iteration; cancellation (or an #AsyncSyncTimeout) only while
 * queued; a grant wins over a later cancellation; direct hand-off on
 * release.
 *
 * |[<!-- language="C" -->
 * // many lookups at once, one update at a time
 * async_sync_rw_lock_read_acquire_async (cache->lock, NULL, lookup_locked, request);
 * async_sync_rw_lock_write_acquire_async (cache->lock, NULL, update_locked, update);
 *
 * static void
 * lookup_locked (GObject *lock, GAsyncResult *result, gpointer user_data)
 * {
 *   if (!async_sync_rw_lock_read_acquire_finish (ASYNC_SYNC_RW_LOCK (lock), result, NULL))
 *     return;
 *   answer (user_data);
 *   async_sync_rw_lock_read_release (ASYNC_SYNC_RW_LOCK (lock), NULL);
 * }
 * ]|
 *
 * A complete program, in C, Python and JavaScript: see
 * the <link linkend="recipe-rw-lock">read-write lock recipe</link>;
 * tokio's calls side by side: the <link linkend="porting-tokio">porting table</link>.
 *
 * In Python, through the override, as aiorwlock spells it:
 * `async with rw.reader:` and `async with rw.writer:`.  In GJS, once
 * `Gio._promisify()` has wrapped the pairs:
 * `await rw.read_acquire_async(null)`, and `rw.read_release()` in a
 * `finally`.
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/* A waiter's class flag: whether it asks for the write side. */

/**
 * AsyncSyncRWLock:
 *
 * A read-write lock for async code.  The structure is opaque: use the
 * functions below; any thread may call them.
 *
 * Since: 1.0
 */
struct _AsyncSyncRWLock
{
  GObject              parent_instance;

  GMutex               mutex;
  guint                n_readers;
  gboolean             writer;      /* invariant: writer => n_readers == 0 */
  AsyncSyncWaiterQueue waiters;     /* readers and writers, one FIFO */
  AsyncSyncNotifier    notifier;
};

G_DEFINE_FINAL_TYPE (AsyncSyncRWLock, async_sync_rw_lock, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_READERS,
  PROP_WRITE_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NOTIFY_N_READERS,
  NOTIFY_WRITE_LOCKED,
  N_NOTIFY
};

static GParamSpec *notify_pspecs[N_NOTIFY];

static guint
rw_lock_read_notified (GObject *object,
                       guint    index)
{
  AsyncSyncRWLock *self = ASYNC_SYNC_RW_LOCK (object);

  return index == NOTIFY_N_READERS ? self->n_readers : (guint) self->writer;
}

static gboolean
rw_lock_can_read (AsyncSyncRWLock *self)
{
  return !self->writer;
}

static gboolean
rw_lock_can_write (AsyncSyncRWLock *self)
{
  return !self->writer && self->n_readers == 0;
}

/* Admits requests from the head of the queue while they fit: a run of
 * readers together, or one writer. */
static void
rw_lock_grant_locked (AsyncSyncRWLock *self)
{
  AsyncSyncWaiter *head;
  gboolean changed = FALSE;

  while ((head = async_sync_waiter_queue_peek (&self->waiters)) != NULL)
    {
      if (async_sync_waiter_get_class_flag (head))  /* a writer */
        {
          if (!rw_lock_can_write (self))
            break;
          self->writer = TRUE;
        }
      else
        {
          if (!rw_lock_can_read (self))
            break;
          self->n_readers++;
        }
      async_sync_waiter_complete (head);
      changed = TRUE;
    }

  if (changed)
    async_sync_notifier_changed (&self->notifier);
}

/* The serve rule: a writer that left may have held back readers. */
static void
rw_lock_serve (AsyncSyncWaiterQueue *queue)
{
  rw_lock_grant_locked (queue->owner);
}

/* Queue first, then admit from the head: no barging past earlier
 * requests, and an immediate grant when the queue was empty. */
static void
rw_lock_arrive_locked (gpointer         owner,
                       AsyncSyncWaiter *waiter)
{
  AsyncSyncRWLock *self = owner;

  async_sync_waiter_queue_push (&self->waiters, waiter);
  rw_lock_grant_locked (self);
}

static void
rw_lock_acquire_for (AsyncSyncRWLock     *self,
                     gboolean             write,
                     gpointer             source_tag,
                     const gchar         *name,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  waiter = async_sync_waiter_new (self, &self->mutex, cancellable, callback, user_data,
                                  source_tag, name);
  async_sync_waiter_set_class_flag (waiter, write);
  async_sync_waiter_start (waiter, rw_lock_arrive_locked, self);
}

static gboolean
rw_lock_acquire_finish (AsyncSyncRWLock  *self,
                        GAsyncResult     *result,
                        gpointer          source_tag,
                        GError          **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_RW_LOCK, result,
                                           source_tag, error);
}

static gboolean
rw_lock_try_acquire (AsyncSyncRWLock *self,
                     gboolean         write)
{
  gboolean acquired;

  g_mutex_lock (&self->mutex);
  /* Waiters at the head that may no longer be granted leave first, and
   * those they held back are admitted: never jump a live queue. */
  rw_lock_grant_locked (self);
  acquired = async_sync_waiter_queue_length (&self->waiters) == 0 &&
             (write ? rw_lock_can_write (self) : rw_lock_can_read (self));
  if (acquired)
    {
      if (write)
        self->writer = TRUE;
      else
        self->n_readers++;
      async_sync_notifier_changed (&self->notifier);
    }
  g_mutex_unlock (&self->mutex);

  return acquired;
}

static gboolean
rw_lock_release (AsyncSyncRWLock  *self,
                 gboolean          write,
                 GError          **error)
{
  gboolean held;

  g_mutex_lock (&self->mutex);
  held = write ? self->writer : self->n_readers > 0;
  if (held)
    {
      if (write)
        self->writer = FALSE;
      else
        self->n_readers--;
      async_sync_notifier_changed (&self->notifier);
      rw_lock_grant_locked (self);
    }
  g_mutex_unlock (&self->mutex);

  if (!held)
    g_set_error_literal (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED,
                         write ? "Read-write lock is not write-locked"
                               : "Read-write lock is not read-locked");

  return held;
}

static void
async_sync_rw_lock_finalize (GObject *object)
{
  AsyncSyncRWLock *self = ASYNC_SYNC_RW_LOCK (object);

  g_assert (async_sync_waiter_queue_length (&self->waiters) == 0);

  async_sync_notifier_clear (&self->notifier);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (async_sync_rw_lock_parent_class)->finalize (object);
}

static void
async_sync_rw_lock_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AsyncSyncRWLock *self = ASYNC_SYNC_RW_LOCK (object);

  switch (prop_id)
    {
    case PROP_N_READERS:
      g_value_set_uint (value, async_sync_rw_lock_get_n_readers (self));
      break;

    case PROP_WRITE_LOCKED:
      g_value_set_boolean (value, async_sync_rw_lock_is_write_locked (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_rw_lock_class_init (AsyncSyncRWLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = async_sync_rw_lock_finalize;
  object_class->get_property = async_sync_rw_lock_get_property;

  /**
   * AsyncSyncRWLock:n-readers:
   *
   * How many readers hold the lock.
   *
   * Change notifications are emitted on the lock's home context (the
   * thread-default main context of the thread that created it), from a
   * main-loop iteration after the change, coalesced.
   *
   * Since: 1.0
   */
  properties[PROP_N_READERS] =
    g_param_spec_uint ("n-readers", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /**
   * AsyncSyncRWLock:write-locked:
   *
   * Whether a writer holds the lock.  Notified on the home context, as
   * #AsyncSyncRWLock:n-readers.
   *
   * Since: 1.0
   */
  properties[PROP_WRITE_LOCKED] =
    g_param_spec_boolean ("write-locked", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  notify_pspecs[NOTIFY_N_READERS] = properties[PROP_N_READERS];
  notify_pspecs[NOTIFY_WRITE_LOCKED] = properties[PROP_WRITE_LOCKED];
}

static void
async_sync_rw_lock_init (AsyncSyncRWLock *self)
{
  g_mutex_init (&self->mutex);
  async_sync_waiter_queue_init (&self->waiters, NULL, rw_lock_serve, self);
  async_sync_notifier_init (&self->notifier, G_OBJECT (self), &self->mutex,
                            notify_pspecs, N_NOTIFY, rw_lock_read_notified);
}

/**
 * async_sync_rw_lock_new:
 *
 * Creates an unlocked read-write lock.  The thread-default main context of
 * the calling thread becomes its home context, where its property
 * notifications are emitted.
 *
 * Returns: (transfer full): a new #AsyncSyncRWLock
 *
 * Since: 1.0
 */
AsyncSyncRWLock *
async_sync_rw_lock_new (void)
{
  return g_object_new (ASYNC_SYNC_TYPE_RW_LOCK, NULL);
}

/**
 * async_sync_rw_lock_read_acquire_async:
 * @self: an #AsyncSyncRWLock
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the read
 *   lock is held or the request failed
 * @user_data: the data to pass to @callback
 *
 * Acquires the lock for reading: at once if no writer holds it and nobody
 * waits, else when every earlier request was served and no writer holds
 * it.  @callback runs on the thread-default main context of the calling
 * thread, from a later iteration, never from inside this call.
 *
 * Since: 1.0
 */
void
async_sync_rw_lock_read_acquire_async (AsyncSyncRWLock     *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (ASYNC_SYNC_IS_RW_LOCK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  rw_lock_acquire_for (self, FALSE, ASYNC_SYNC_SOURCE_TAG (async_sync_rw_lock_read_acquire_async),
                       cancellable, callback, user_data);
}

/**
 * async_sync_rw_lock_read_acquire_finish:
 * @self: an #AsyncSyncRWLock
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_rw_lock_read_acquire_async().
 *
 * Returns: %TRUE if the caller now holds a read lock and must call
 *   async_sync_rw_lock_read_release(); %FALSE with @error set to
 *   %G_IO_ERROR_CANCELLED or %G_IO_ERROR_TIMED_OUT otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_read_acquire_finish (AsyncSyncRWLock  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  return rw_lock_acquire_finish (self, result, async_sync_rw_lock_read_acquire_async, error);
}

/**
 * async_sync_rw_lock_read_acquire:
 * @self: an #AsyncSyncRWLock
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_rw_lock_read_acquire_async(), for
 * worker threads.  Calling it on the thread that runs the main context
 * where the writer will release the lock deadlocks.
 *
 * Returns: %TRUE if the read lock was acquired; %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_read_acquire (AsyncSyncRWLock  *self,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_rw_lock_read_acquire_async),
                                    self, cancellable);

  return async_sync_rw_lock_read_acquire_finish (self, result, error);
}

/**
 * async_sync_rw_lock_try_read_acquire:
 * @self: an #AsyncSyncRWLock
 *
 * Acquires the lock for reading if that is possible at once: no writer
 * holds it and nobody waits.
 *
 * Returns: %TRUE if the caller now holds a read lock
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_try_read_acquire (AsyncSyncRWLock *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), FALSE);

  return rw_lock_try_acquire (self, FALSE);
}

/**
 * async_sync_rw_lock_read_release:
 * @self: an #AsyncSyncRWLock
 * @error: return location for a #GError, or %NULL
 *
 * Releases one read lock.  When the last reader leaves, the writer at the
 * head of the queue, if any, gets the lock before this returns.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_NOT_LOCKED if
 *   no reader held the lock
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_read_release (AsyncSyncRWLock  *self,
                                 GError          **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return rw_lock_release (self, FALSE, error);
}

/**
 * async_sync_rw_lock_write_acquire_async:
 * @self: an #AsyncSyncRWLock
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the write
 *   lock is held or the request failed
 * @user_data: the data to pass to @callback
 *
 * Acquires the lock for writing: at once if nobody holds it and nobody
 * waits, else when every earlier request was served and the lock is free.
 * Readers that ask after this request wait behind it.  @callback runs on
 * the thread-default main context of the calling thread, from a later
 * iteration, never from inside this call.
 *
 * Since: 1.0
 */
void
async_sync_rw_lock_write_acquire_async (AsyncSyncRWLock     *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (ASYNC_SYNC_IS_RW_LOCK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  rw_lock_acquire_for (self, TRUE, ASYNC_SYNC_SOURCE_TAG (async_sync_rw_lock_write_acquire_async),
                       cancellable, callback, user_data);
}

/**
 * async_sync_rw_lock_write_acquire_finish:
 * @self: an #AsyncSyncRWLock
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_rw_lock_write_acquire_async().
 *
 * Returns: %TRUE if the caller now holds the write lock and must call
 *   async_sync_rw_lock_write_release(); %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_write_acquire_finish (AsyncSyncRWLock  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  return rw_lock_acquire_finish (self, result, async_sync_rw_lock_write_acquire_async, error);
}

/**
 * async_sync_rw_lock_write_acquire:
 * @self: an #AsyncSyncRWLock
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_rw_lock_write_acquire_async(), for
 * worker threads.  Calling it on the thread that runs the main context
 * where the holders will release the lock deadlocks.
 *
 * Returns: %TRUE if the write lock was acquired; %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_write_acquire (AsyncSyncRWLock  *self,
                                  GCancellable     *cancellable,
                                  GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_rw_lock_write_acquire_async),
                                    self, cancellable);

  return async_sync_rw_lock_write_acquire_finish (self, result, error);
}

/**
 * async_sync_rw_lock_try_write_acquire:
 * @self: an #AsyncSyncRWLock
 *
 * Acquires the lock for writing if that is possible at once: nobody holds
 * it and nobody waits.
 *
 * Returns: %TRUE if the caller now holds the write lock
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_try_write_acquire (AsyncSyncRWLock *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), FALSE);

  return rw_lock_try_acquire (self, TRUE);
}

/**
 * async_sync_rw_lock_write_release:
 * @self: an #AsyncSyncRWLock
 * @error: return location for a #GError, or %NULL
 *
 * Releases the write lock, handing it to the head of the queue: one
 * writer, or every reader up to the next queued writer.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_NOT_LOCKED if
 *   no writer held the lock
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_write_release (AsyncSyncRWLock  *self,
                                  GError          **error)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return rw_lock_release (self, TRUE, error);
}

/**
 * async_sync_rw_lock_get_n_readers:
 * @self: an #AsyncSyncRWLock
 *
 * Counts the readers holding the lock.
 *
 * Returns: the number of readers
 *
 * Since: 1.0
 */
guint
async_sync_rw_lock_get_n_readers (AsyncSyncRWLock *self)
{
  guint n_readers;

  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), 0);

  g_mutex_lock (&self->mutex);
  n_readers = self->n_readers;
  g_mutex_unlock (&self->mutex);

  return n_readers;
}

/**
 * async_sync_rw_lock_is_write_locked:
 * @self: an #AsyncSyncRWLock
 *
 * Whether a writer holds the lock.
 *
 * Returns: %TRUE if a writer holds the lock
 *
 * Since: 1.0
 */
gboolean
async_sync_rw_lock_is_write_locked (AsyncSyncRWLock *self)
{
  gboolean writer;

  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), FALSE);

  g_mutex_lock (&self->mutex);
  writer = self->writer;
  g_mutex_unlock (&self->mutex);

  return writer;
}

/**
 * async_sync_rw_lock_get_n_waiting:
 * @self: an #AsyncSyncRWLock
 *
 * Counts the queued requests, readers and writers.
 *
 * Returns: the number of queued requests
 *
 * Since: 1.0
 */
guint
async_sync_rw_lock_get_n_waiting (AsyncSyncRWLock *self)
{
  guint n_waiting;

  g_return_val_if_fail (ASYNC_SYNC_IS_RW_LOCK (self), 0);

  g_mutex_lock (&self->mutex);
  n_waiting = async_sync_waiter_queue_length (&self->waiters);
  g_mutex_unlock (&self->mutex);

  return n_waiting;
}
