/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-barrier.h"

#include "async-sync-blocking-private.h"
#include "async-sync-error.h"
#include "async-sync-notify-private.h"
#include "async-sync-waiter-queue-private.h"

/**
 * SECTION:async-sync-barrier
 * @Title: AsyncSyncBarrier
 * @Short_description: Wait until a number of parties have arrived
 *
 * #AsyncSyncBarrier is asyncio's `Barrier` (Python 3.11): each party calls
 * async_sync_barrier_wait_async(), and all of them complete once the last
 * of the #AsyncSyncBarrier:parties has arrived.  Each gets an index,
 * unique in 0 to parties - 1 within a cycle, in order of arrival (the last
 * arrival gets parties - 1).  The barrier is then reusable.
 *
 * After a cycle is released, the barrier drains: it admits no new
 * arrivals until every party of that cycle has been completed (its
 * callback dispatched); arrivals meanwhile wait, in order, for the next
 * cycle.
 *
 * A reset, async_sync_barrier_reset(), fails the parties waiting in the
 * current cycle with %ASYNC_SYNC_ERROR_BROKEN_BARRIER and returns the
 * barrier to its empty state (once they have been completed).
 * async_sync_barrier_abort() breaks the barrier: current and future waits
 * fail with %ASYNC_SYNC_ERROR_BROKEN_BARRIER until a reset.
 *
 * A waiting party that is cancelled (or times out) leaves the count, as in
 * asyncio; once its cycle was released, its wait succeeds whatever the
 * cancellable does, as every grant in this library.  Indices are given when
 * the cycle is released, so they stay unique even when parties left.
 *
 * |[<!-- language="C" -->
 * static void
 * arrived (GObject *barrier, GAsyncResult *result, gpointer user_data)
 * {
 *   guint index;
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!async_sync_barrier_wait_finish (ASYNC_SYNC_BARRIER (barrier), result,
 *                                        &index, &error))
 *     g_printerr ("barrier broken: %s\n", error->message);
 *   else if (index == 0)
 *     g_print ("every worker finished phase one\n");  // one party does the summary
 * }
 *
 *   barrier = async_sync_barrier_new (n_workers);
 *   // each worker, at the end of its phase:
 *   async_sync_barrier_wait_async (barrier, NULL, arrived, worker);
 * ]|
 *
 * In Python, through the override, as in asyncio:
 * `barrier = AsyncSync.Barrier(3)`, `index = await barrier.wait()`,
 * `await barrier.reset()`, `barrier.n_waiting`, `barrier.broken`; GI's
 * async_sync_barrier_wait_finish() returns a tuple `(True, index)`.  In
 * GJS: `AsyncSync.Barrier.new(3)` (or
 * `new AsyncSync.Barrier({parties: 3})`), and
 * `await barrier.wait_async(null)` resolves to `[index]` once promisified.  A complete program: <link linkend="recipe-barrier">phased
 * workers</link>; asyncio's calls side by side: see
 * the <link linkend="porting-barrier">porting table</link>.
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

typedef enum
{
  BARRIER_FILLING,    /* admitting parties into the current cycle */
  BARRIER_DRAINING,   /* released: completing the cycle's parties */
  BARRIER_RESETTING,  /* reset: failing the cycle's parties */
  BARRIER_BROKEN,     /* aborted: every wait fails until reset */
} BarrierState;

/**
 * AsyncSyncBarrier:
 *
 * An asyncio-style barrier.  The structure is opaque: use the functions
 * below; any thread may call them.
 *
 * Since: 1.0
 */
struct _AsyncSyncBarrier
{
  GObject              parent_instance;

  GMutex               mutex;
  guint                parties;
  BarrierState         state;
  guint                count;      /* parties in the cycle that have not left */
  AsyncSyncWaiterQueue waiters;    /* of the filling cycle */
  AsyncSyncWaiterQueue arrivals;   /* held while draining or resetting */
  AsyncSyncNotifier    notifier;
};

G_DEFINE_FINAL_TYPE (AsyncSyncBarrier, async_sync_barrier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PARTIES,
  PROP_BROKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NOTIFY_BROKEN,
  N_NOTIFY
};

static GParamSpec *notify_pspecs[N_NOTIFY];

static guint
barrier_read_notified (GObject *object,
                       guint    index)
{
  return ASYNC_SYNC_BARRIER (object)->state == BARRIER_BROKEN;
}

static void
barrier_set_state (AsyncSyncBarrier *self,
                   BarrierState      state)
{
  self->state = state;
  async_sync_notifier_changed (&self->notifier);
}

static void
barrier_fail_all (AsyncSyncWaiterQueue *queue,
                  const gchar          *message)
{
  async_sync_waiter_queue_fail_all (queue, ASYNC_SYNC_ERROR,
                                    ASYNC_SYNC_ERROR_BROKEN_BARRIER, message);
}

/* The last party arrived: release the cycle, indices in arrival order. */
static void
barrier_release_locked (AsyncSyncBarrier *self,
                        AsyncSyncWaiter  *last)
{
  AsyncSyncWaiter *waiter;
  guint index = 0;

  barrier_set_state (self, BARRIER_DRAINING);
  /* Every party still there counted: the decision is made. */
  while ((waiter = async_sync_waiter_queue_peek_unchecked (&self->waiters)) != NULL)
    async_sync_waiter_complete_index (waiter, index++);
  async_sync_waiter_complete_index (last, index);
}

static void
barrier_join_locked (AsyncSyncBarrier *self,
                     AsyncSyncWaiter  *waiter)
{
  g_assert (self->state == BARRIER_FILLING);

  /* The arrival that may complete the cycle: parties whose deadline has
   * passed (or that were cancelled) leave first, and do not count. */
  if (self->count + 1 == self->parties)
    async_sync_waiter_queue_expire (&self->waiters);

  /* In the cycle: it leaves it when its completion runs. */
  async_sync_waiter_set_class_flag (waiter, TRUE);
  self->count++;
  if (self->count == self->parties)
    barrier_release_locked (self, waiter);
  else
    async_sync_waiter_queue_push (&self->waiters, waiter);
}

static void
barrier_arrive_locked (gpointer         owner,
                       AsyncSyncWaiter *waiter)
{
  AsyncSyncBarrier *self = owner;

  switch (self->state)
    {
    case BARRIER_BROKEN:
      async_sync_waiter_fail_literal (waiter, ASYNC_SYNC_ERROR,
                                      ASYNC_SYNC_ERROR_BROKEN_BARRIER, "Barrier is broken");
      break;

    case BARRIER_DRAINING:
    case BARRIER_RESETTING:
      async_sync_waiter_queue_push (&self->arrivals, waiter);
      break;

    case BARRIER_FILLING:
      barrier_join_locked (self, waiter);
      break;
    }
}

/* Once the last party of a drained or reset cycle has left, the barrier
 * fills again, first with the parties that arrived meanwhile. */
static void
barrier_refill_locked (AsyncSyncBarrier *self)
{
  AsyncSyncWaiter *waiter;

  if (self->count > 0 ||
      (self->state != BARRIER_DRAINING && self->state != BARRIER_RESETTING))
    return;

  barrier_set_state (self, BARRIER_FILLING);
  while (self->state == BARRIER_FILLING &&
         (waiter = async_sync_waiter_queue_pop (&self->arrivals)) != NULL)
    barrier_join_locked (self, waiter);
}

/* The resume hook: a party of the cycle leaves when its completion runs. */
static gboolean
barrier_leave (AsyncSyncWaiter *waiter)
{
  AsyncSyncBarrier *self = async_sync_waiter_get_data (waiter);

  if (!async_sync_waiter_get_class_flag (waiter))
    return TRUE;

  g_mutex_lock (&self->mutex);
  async_sync_waiter_set_class_flag (waiter, FALSE);
  self->count--;
  barrier_refill_locked (self);
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

/* The leave rule of the filling cycle: the party leaves the count. */
static void
barrier_waiter_left (AsyncSyncWaiterQueue *queue,
                     AsyncSyncWaiter      *waiter)
{
  AsyncSyncBarrier *self = queue->owner;

  async_sync_waiter_set_class_flag (waiter, FALSE);
  self->count--;
  async_sync_waiter_complete (waiter);
}

static void
async_sync_barrier_constructed (GObject *object)
{
  AsyncSyncBarrier *self = ASYNC_SYNC_BARRIER (object);

  G_OBJECT_CLASS (async_sync_barrier_parent_class)->constructed (object);

  async_sync_notifier_init (&self->notifier, object, &self->mutex,
                            notify_pspecs, N_NOTIFY, barrier_read_notified);
}

static void
async_sync_barrier_finalize (GObject *object)
{
  AsyncSyncBarrier *self = ASYNC_SYNC_BARRIER (object);

  g_assert (async_sync_waiter_queue_length (&self->waiters) == 0);
  g_assert (async_sync_waiter_queue_length (&self->arrivals) == 0);

  async_sync_notifier_clear (&self->notifier);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (async_sync_barrier_parent_class)->finalize (object);
}

static void
async_sync_barrier_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AsyncSyncBarrier *self = ASYNC_SYNC_BARRIER (object);

  switch (prop_id)
    {
    case PROP_PARTIES:
      g_value_set_uint (value, self->parties);
      break;

    case PROP_BROKEN:
      g_value_set_boolean (value, async_sync_barrier_is_broken (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_barrier_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AsyncSyncBarrier *self = ASYNC_SYNC_BARRIER (object);

  switch (prop_id)
    {
    case PROP_PARTIES:
      self->parties = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_barrier_class_init (AsyncSyncBarrierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = async_sync_barrier_constructed;
  object_class->finalize = async_sync_barrier_finalize;
  object_class->get_property = async_sync_barrier_get_property;
  object_class->set_property = async_sync_barrier_set_property;

  /**
   * AsyncSyncBarrier:parties:
   *
   * How many parties must arrive to release a cycle; at least 1.
   *
   * Since: 1.0
   */
  properties[PROP_PARTIES] =
    g_param_spec_uint ("parties", NULL, NULL,
                       1, G_MAXUINT, 1,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS));

  /**
   * AsyncSyncBarrier:broken:
   *
   * Whether the barrier was aborted and not reset since.
   *
   * Change notifications are emitted on the barrier's home context (the
   * thread-default main context of the thread that created it), from a
   * main-loop iteration after the change, never from inside a method call.
   *
   * Since: 1.0
   */
  properties[PROP_BROKEN] =
    g_param_spec_boolean ("broken", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  notify_pspecs[NOTIFY_BROKEN] = properties[PROP_BROKEN];
}

static void
async_sync_barrier_init (AsyncSyncBarrier *self)
{
  g_mutex_init (&self->mutex);
  self->parties = 1;
  self->state = BARRIER_FILLING;
  async_sync_waiter_queue_init (&self->waiters, barrier_waiter_left, NULL, self);
  async_sync_waiter_queue_init (&self->arrivals, NULL, NULL, NULL);
}

/**
 * async_sync_barrier_new:
 * @parties: how many parties must arrive to release a cycle; at least 1
 *
 * Creates a barrier for @parties parties.
 *
 * Returns: (transfer full): a new #AsyncSyncBarrier
 *
 * Since: 1.0
 */
AsyncSyncBarrier *
async_sync_barrier_new (guint parties)
{
  g_return_val_if_fail (parties >= 1, NULL);

  return g_object_new (ASYNC_SYNC_TYPE_BARRIER, "parties", parties, NULL);
}

/**
 * async_sync_barrier_wait_async:
 * @self: an #AsyncSyncBarrier
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the cycle
 *   is released or the wait failed
 * @user_data: the data to pass to @callback
 *
 * Arrives at the barrier and waits until all parties of the cycle have
 * arrived.  If the barrier is draining the previous cycle, the wait first
 * waits for the next one.
 *
 * @callback runs on the thread-default main context of the calling thread,
 * from a later iteration, never from inside this call (not even for the
 * last arrival); call async_sync_barrier_wait_finish() there.
 *
 * Since: 1.0
 */
void
async_sync_barrier_wait_async (AsyncSyncBarrier    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  g_return_if_fail (ASYNC_SYNC_IS_BARRIER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter = async_sync_waiter_new (self, &self->mutex, cancellable, callback, user_data,
                                  ASYNC_SYNC_SOURCE_TAG (async_sync_barrier_wait_async));
  /* @self is kept alive by the task. */
  async_sync_waiter_set_resume (waiter, barrier_leave, self, NULL);
  async_sync_waiter_start (waiter, barrier_arrive_locked, self);
}

/**
 * async_sync_barrier_wait_finish:
 * @self: an #AsyncSyncBarrier
 * @result: the #GAsyncResult passed to the callback
 * @index: (out) (optional): return location for the party's index in its
 *   cycle, from 0 to #AsyncSyncBarrier:parties - 1
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_barrier_wait_async().
 *
 * Returns: %TRUE if the cycle was released; %FALSE with @error set to
 *   %ASYNC_SYNC_ERROR_BROKEN_BARRIER (aborted, or reset while waiting),
 *   %G_IO_ERROR_CANCELLED or %G_IO_ERROR_TIMED_OUT otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_barrier_wait_finish (AsyncSyncBarrier  *self,
                                GAsyncResult      *result,
                                guint             *index,
                                GError           **error)
{
  return async_sync_waiter_finish_index (self, ASYNC_SYNC_TYPE_BARRIER, result,
                                         async_sync_barrier_wait_async, index, error);
}

/**
 * async_sync_barrier_wait:
 * @self: an #AsyncSyncBarrier
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @index: (out) (optional): return location for the party's index
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_barrier_wait_async(), for worker
 * threads: blocks until the cycle is released.  Calling it on the thread
 * that runs the main context of the other parties deadlocks.
 *
 * Returns: %TRUE if the cycle was released; %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_barrier_wait (AsyncSyncBarrier  *self,
                         GCancellable      *cancellable,
                         guint             *index,
                         GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_BARRIER (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_barrier_wait_async),
                                    self, cancellable);

  return async_sync_barrier_wait_finish (self, result, index, error);
}

/**
 * async_sync_barrier_reset:
 * @self: an #AsyncSyncBarrier
 *
 * Returns the barrier to its empty, unbroken state.  Parties waiting in
 * the current cycle fail with %ASYNC_SYNC_ERROR_BROKEN_BARRIER; new
 * arrivals wait until they have been completed.  Parties of a cycle that
 * was already released still succeed.
 *
 * Since: 1.0
 */
void
async_sync_barrier_reset (AsyncSyncBarrier *self)
{
  g_return_if_fail (ASYNC_SYNC_IS_BARRIER (self));

  g_mutex_lock (&self->mutex);
  barrier_fail_all (&self->waiters, "Barrier was reset while waiting");
  /* Fills again once the failed parties (and those of a released cycle)
   * have left; at once if there are none. */
  barrier_set_state (self, BARRIER_RESETTING);
  barrier_refill_locked (self);
  g_mutex_unlock (&self->mutex);
}

/**
 * async_sync_barrier_abort:
 * @self: an #AsyncSyncBarrier
 *
 * Breaks the barrier: every waiting party fails with
 * %ASYNC_SYNC_ERROR_BROKEN_BARRIER, and so does every later wait until
 * async_sync_barrier_reset().
 *
 * Since: 1.0
 */
void
async_sync_barrier_abort (AsyncSyncBarrier *self)
{
  g_return_if_fail (ASYNC_SYNC_IS_BARRIER (self));

  g_mutex_lock (&self->mutex);
  barrier_set_state (self, BARRIER_BROKEN);
  barrier_fail_all (&self->waiters, "Barrier was aborted");
  barrier_fail_all (&self->arrivals, "Barrier was aborted");
  g_mutex_unlock (&self->mutex);
}

/**
 * async_sync_barrier_get_parties:
 * @self: an #AsyncSyncBarrier
 *
 * Gets the number of parties a cycle needs.
 *
 * Returns: the number of parties
 *
 * Since: 1.0
 */
guint
async_sync_barrier_get_parties (AsyncSyncBarrier *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_BARRIER (self), 0);

  return self->parties;
}

/**
 * async_sync_barrier_get_n_waiting:
 * @self: an #AsyncSyncBarrier
 *
 * Counts the parties waiting in the filling cycle, as asyncio's
 * `n_waiting`: 0 while the barrier drains or resets (arrivals held for the
 * next cycle are not counted).
 *
 * Returns: the number of waiting parties
 *
 * Since: 1.0
 */
guint
async_sync_barrier_get_n_waiting (AsyncSyncBarrier *self)
{
  guint n_waiting;

  g_return_val_if_fail (ASYNC_SYNC_IS_BARRIER (self), 0);

  g_mutex_lock (&self->mutex);
  n_waiting = async_sync_waiter_queue_length (&self->waiters);
  g_mutex_unlock (&self->mutex);

  return n_waiting;
}

/**
 * async_sync_barrier_is_broken:
 * @self: an #AsyncSyncBarrier
 *
 * Whether the barrier was aborted and not reset since.
 *
 * Returns: %TRUE if the barrier is broken
 *
 * Since: 1.0
 */
gboolean
async_sync_barrier_is_broken (AsyncSyncBarrier *self)
{
  gboolean broken;

  g_return_val_if_fail (ASYNC_SYNC_IS_BARRIER (self), FALSE);

  g_mutex_lock (&self->mutex);
  broken = self->state == BARRIER_BROKEN;
  g_mutex_unlock (&self->mutex);

  return broken;
}
