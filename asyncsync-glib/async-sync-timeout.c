/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-timeout.h"

#include "async-sync-waiter-queue-private.h"

/**
 * SECTION:async-sync-timeout
 * @Title: AsyncSyncTimeout
 * @Short_description: A deadline for any wait, as a GCancellable
 *
 * #AsyncSyncTimeout is a #GCancellable that carries a deadline.  Pass it
 * as the cancellable of any operation of this library (acquire, wait,
 * put, get, ... and their blocking variants) and the operation fails with
 * %G_IO_ERROR_TIMED_OUT if the deadline passes before it was granted.  The
 * same rules as for cancellation apply: the timeout only takes effect while
 * the operation is queued (a grant that came first wins), nothing is taken,
 * and an operation started after the deadline fails at once without
 * queueing.
 *
 * The deadline is decided by time, not by how busy the main loop is: an
 * operation whose deadline has passed is never granted, even if its
 * context was blocked and its timer has not run yet; it fails with
 * %G_IO_ERROR_TIMED_OUT as soon as a release (or set, put, ...) reaches
 * it, or when its timer runs, whichever comes first.
 *
 * Cancelling the timeout by hand with g_cancellable_cancel() stops the
 * operations it bounds as any cancellable does, and they report whichever
 * came first: %G_IO_ERROR_CANCELLED if the timeout was cancelled before
 * its deadline (even where that is noticed after the deadline, by an
 * operation started later for instance), %G_IO_ERROR_TIMED_OUT if the
 * deadline had passed already.
 *
 * The deadline is absolute, like asyncio's `asyncio.timeout()`: one
 * #AsyncSyncTimeout can bound a sequence of operations, each getting
 * whatever time is left.  The timer of a queued operation runs on the
 * main context where that operation completes, so it works for blocking
 * calls in worker threads too.
 *
 * The timeout does not cancel itself when it expires: other GIO operations
 * given the same cancellable are not affected by the deadline.
 *
 * |[<!-- language="C" -->
 * g_autoptr(AsyncSyncTimeout) timeout = async_sync_timeout_new (500);
 *
 * async_sync_lock_acquire_async (lock, G_CANCELLABLE (timeout), on_acquired, self);
 *
 * static void
 * on_acquired (GObject *lock, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (lock), result, &error))
 *     {
 *       if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
 *         g_message ("the lock stayed busy for half a second");
 *       return;
 *     }
 *   ...
 * }
 * ]|
 *
 * In Python, through the override:
 * `await lock.acquire(AsyncSync.Timeout.new(500))` raises a `GLib.Error`
 * that is also a `TimeoutError`; in GJS:
 * `await lock.acquire_async(AsyncSync.Timeout.new(500))`.  An expired timeout is
 * not cancelled: to bound the other GIO calls of a request too, give them
 * a #GCancellable that is cancelled at async_sync_timeout_get_deadline()
 * ([one deadline across every step][recipe-deadline]).
 * A complete program, in C, Python and JavaScript: see
 * the <link linkend="recipe-timeout">deadline recipe</link>; asyncio's
 * calls side by side: the <link linkend="porting-timeouts">porting table</link>.
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/**
 * AsyncSyncTimeout:
 *
 * A #GCancellable with a deadline.  The structure is opaque: use the
 * functions below, and the #GCancellable ones.
 *
 * Since: 1.0
 */
struct _AsyncSyncTimeout
{
  GCancellable parent_instance;

  gint64       deadline;      /* monotonic, microseconds; immutable */
  gint64       cancelled_at;  /* when cancelled by hand; G_MAXINT64: not; cancel_time_lock */
};

/* 64-bit atomics are not in GLib 2.74: one lock for every timeout, taken
 * only when one is cancelled and when an operation it stopped asks when. */
G_LOCK_DEFINE_STATIC (cancel_time_lock);

G_DEFINE_FINAL_TYPE (AsyncSyncTimeout, async_sync_timeout, G_TYPE_CANCELLABLE)

enum {
  PROP_0,
  PROP_DEADLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
async_sync_timeout_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AsyncSyncTimeout *self = ASYNC_SYNC_TIMEOUT (object);

  switch (prop_id)
    {
    case PROP_DEADLINE:
      g_value_set_int64 (value, self->deadline);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_timeout_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AsyncSyncTimeout *self = ASYNC_SYNC_TIMEOUT (object);

  switch (prop_id)
    {
    case PROP_DEADLINE:
      self->deadline = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_timeout_class_init (AsyncSyncTimeoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = async_sync_timeout_get_property;
  object_class->set_property = async_sync_timeout_set_property;

  /**
   * AsyncSyncTimeout:deadline:
   *
   * When the timeout expires, in the time base of g_get_monotonic_time()
   * (microseconds).
   *
   * Since: 1.0
   */
  properties[PROP_DEADLINE] =
    g_param_spec_int64 ("deadline", NULL, NULL,
                        0, G_MAXINT64, G_MAXINT64,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* Connected first, so it runs before the handlers of the operations the
 * timeout bounds: they can tell a cancellation before the deadline from
 * one after it. */
static void
timeout_record_cancel_time (GCancellable *cancellable,
                            gpointer      user_data)
{
  AsyncSyncTimeout *self = ASYNC_SYNC_TIMEOUT (cancellable);
  gint64 now = g_get_monotonic_time ();

  G_LOCK (cancel_time_lock);
  self->cancelled_at = now;
  G_UNLOCK (cancel_time_lock);
}

static gint64
timeout_get_deadline (GCancellable *cancellable)
{
  return ASYNC_SYNC_TIMEOUT (cancellable)->deadline;
}

/* When the timeout was last cancelled with g_cancellable_cancel(), or
 * %G_MAXINT64 if it was not (or its cancellation is still being
 * signalled and has not been recorded). */
static gint64
timeout_get_cancel_time (GCancellable *cancellable)
{
  AsyncSyncTimeout *self = ASYNC_SYNC_TIMEOUT (cancellable);
  gint64 cancelled_at;

  G_LOCK (cancel_time_lock);
  cancelled_at = self->cancelled_at;
  G_UNLOCK (cancel_time_lock);

  return cancelled_at;
}

/* How every wait this timeout bounds learns its deadline, and which came
 * first, the deadline or a cancellation by hand. */
static const AsyncSyncDeadlineFuncs timeout_deadline_funcs = {
  .get_deadline = timeout_get_deadline,
  .get_cancel_time = timeout_get_cancel_time,
};

static void
async_sync_timeout_init (AsyncSyncTimeout *self)
{
  self->deadline = G_MAXINT64;
  self->cancelled_at = G_MAXINT64;
  g_signal_connect (self, "cancelled", G_CALLBACK (timeout_record_cancel_time), NULL);
  async_sync_deadline_attach (G_CANCELLABLE (self), &timeout_deadline_funcs);
}

/**
 * async_sync_timeout_new:
 * @timeout_ms: the time allowed from now, in milliseconds
 *
 * Creates a timeout that expires @timeout_ms milliseconds from now.
 *
 * Returns: (transfer full): a new #AsyncSyncTimeout
 *
 * Since: 1.0
 */
AsyncSyncTimeout *
async_sync_timeout_new (guint timeout_ms)
{
  return async_sync_timeout_new_at (g_get_monotonic_time () + (gint64) timeout_ms * 1000);
}

/**
 * async_sync_timeout_new_at:
 * @deadline: when the timeout expires, in the time base of
 *   g_get_monotonic_time()
 *
 * Creates a timeout that expires at @deadline.
 *
 * Returns: (transfer full): a new #AsyncSyncTimeout
 *
 * Since: 1.0
 */
AsyncSyncTimeout *
async_sync_timeout_new_at (gint64 deadline)
{
  return g_object_new (ASYNC_SYNC_TYPE_TIMEOUT, "deadline", MAX (deadline, 0), NULL);
}

/**
 * async_sync_timeout_get_deadline:
 * @self: an #AsyncSyncTimeout
 *
 * Gets the deadline.
 *
 * Returns: the deadline, in the time base of g_get_monotonic_time()
 *
 * Since: 1.0
 */
gint64
async_sync_timeout_get_deadline (AsyncSyncTimeout *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_TIMEOUT (self), 0);

  return self->deadline;
}

/**
 * async_sync_timeout_has_expired:
 * @self: an #AsyncSyncTimeout
 *
 * Whether the deadline has passed.
 *
 * Returns: %TRUE if the deadline has passed
 *
 * Since: 1.0
 */
gboolean
async_sync_timeout_has_expired (AsyncSyncTimeout *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_TIMEOUT (self), FALSE);

  return g_get_monotonic_time () >= self->deadline;
}
