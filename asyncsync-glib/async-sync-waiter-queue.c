/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The waiter queue: what every primitive needs to park an `_async` call.
 *
 * FIFO with O(1) removal (the list node is embedded in the waiter); the
 * grant-or-cancel decision is made once, under the owner's mutex, by
 * whoever takes the waiter out of its queue first; the result then goes
 * through the dispatcher of the caller's context.
 *
 * Deadlines are decided by time, not by main-loop latency: a waiter whose
 * cancellable is cancelled or whose deadline has passed is never granted.
 * Its cancellable's handler, or its deadline's timer on its own context,
 * normally takes it out; but that timer may be late (its context busy or
 * blocked), so every grant decision looks at the head of the queue through
 * async_sync_waiter_queue_peek(), which makes such waiters leave first, by
 * their class's rule.  Whether a stopped waiter reports
 * G_IO_ERROR_CANCELLED or G_IO_ERROR_TIMED_OUT depends on which came
 * first, the cancellation or the deadline, not on when it is looked at.
 *
 * A waiter is reference counted: the dispatcher holds one reference until
 * the task has returned, the `_async` caller holds one until its cancellable
 * is connected, and the cancellable's handler holds one for as long as it
 * is connected.  That last one is not redundant: since GLib 2.80,
 * g_cancellable_disconnect() can return while a g_cancellable_cancel() that
 * started just before it still invokes the handler in another thread, so
 * the handler must own what it touches.  The handler is disconnected when
 * the task returns (which may wait for a running handler, so never with a
 * mutex held).
 */

#include "config.h"

#include "async-sync-waiter-queue-private.h"

#include "async-sync-timeout-private.h"

/* What the core knows of a cancellable that carries a deadline (an
 * AsyncSyncTimeout): these two functions, nothing else. */
static gint64
cancellable_get_deadline (GCancellable *cancellable)
{
  if (ASYNC_SYNC_IS_TIMEOUT (cancellable))
    return async_sync_timeout_get_deadline (ASYNC_SYNC_TIMEOUT (cancellable));

  return G_MAXINT64;
}

/* When @cancellable, which is cancelled, was cancelled: now if unknown
 * (the cancellation is in progress, or the cancellable keeps no record). */
static gint64
cancellable_get_cancel_time (GCancellable *cancellable)
{
  gint64 cancelled_at = G_MAXINT64;

  if (ASYNC_SYNC_IS_TIMEOUT (cancellable))
    cancelled_at = async_sync_timeout_get_cancel_time (ASYNC_SYNC_TIMEOUT (cancellable));

  return cancelled_at != G_MAXINT64 ? cancelled_at : g_get_monotonic_time ();
}

void
async_sync_waiter_queue_init (AsyncSyncWaiterQueue     *queue,
                              AsyncSyncWaiterLeaveFunc  leave,
                              AsyncSyncWaiterServeFunc  serve,
                              gpointer                  owner)
{
  g_queue_init (&queue->waiters);
  queue->leave = leave;
  queue->serve = serve;
  queue->owner = owner;
}

guint
async_sync_waiter_queue_length (AsyncSyncWaiterQueue *queue)
{
  return queue->waiters.length;
}

/*
 * async_sync_waiter_queue_peek_unchecked:
 *
 * The head of @queue, whether or not it may still be granted: for a
 * decision already made under the same hold of the mutex, after
 * async_sync_waiter_queue_expire().
 */
AsyncSyncWaiter *
async_sync_waiter_queue_peek_unchecked (AsyncSyncWaiterQueue *queue)
{
  return queue->waiters.head != NULL ? queue->waiters.head->data : NULL;
}

void
async_sync_waiter_queue_push (AsyncSyncWaiterQueue *queue,
                              AsyncSyncWaiter      *waiter)
{
  g_assert (waiter->queue == NULL);

  waiter->queue = queue;
  g_queue_push_tail_link (&queue->waiters, &waiter->item.link);
}

void
async_sync_waiter_queue_remove (AsyncSyncWaiterQueue *queue,
                                AsyncSyncWaiter      *waiter)
{
  g_assert (waiter->queue == queue);

  g_queue_unlink (&queue->waiters, &waiter->item.link);
  waiter->queue = NULL;
}

/* A queued waiter that may no longer be granted.  A waiter promised
 * what it waits for (ASYNC_SYNC_WAITER_UNCANCELLABLE) always may. */
static gboolean
waiter_must_leave (AsyncSyncWaiter *waiter)
{
  return waiter->cancellable != NULL &&
         !(waiter->flags & ASYNC_SYNC_WAITER_UNCANCELLABLE) &&
         async_sync_waiter_is_stopped (waiter);
}

/* Takes a stopped waiter out of its queue, by its class's rule.  Once
 * completed, the waiter may run and be freed on its context at once, in
 * another thread: it is not looked at again here. */
static void
waiter_leave (AsyncSyncWaiter *waiter)
{
  AsyncSyncWaiterQueue *queue = waiter->queue;
  G_GNUC_UNUSED guint length = queue->waiters.length;

  g_clear_error (&waiter->error);
  waiter->error = async_sync_waiter_stopped_error (waiter);
  if (queue->leave != NULL)
    queue->leave (queue, waiter);
  else
    async_sync_waiter_complete (waiter);

  g_assert (queue->waiters.length < length);
}

/*
 * async_sync_waiter_queue_peek:
 *
 * The first waiter of @queue that may be granted, or %NULL: the waiters
 * ahead of it whose cancellable is cancelled or whose deadline has passed
 * leave first, by the class's rule (not its serve rule: the caller is
 * deciding a grant).  Every grant decision goes through here.
 */
AsyncSyncWaiter *
async_sync_waiter_queue_peek (AsyncSyncWaiterQueue *queue)
{
  AsyncSyncWaiter *head;

  while ((head = async_sync_waiter_queue_peek_unchecked (queue)) != NULL &&
         waiter_must_leave (head))
    waiter_leave (head);

  return head;
}

/* async_sync_waiter_queue_peek(), taking the waiter out of @queue. */
AsyncSyncWaiter *
async_sync_waiter_queue_pop (AsyncSyncWaiterQueue *queue)
{
  AsyncSyncWaiter *waiter = async_sync_waiter_queue_peek (queue);

  if (waiter != NULL)
    async_sync_waiter_queue_remove (queue, waiter);

  return waiter;
}

/*
 * async_sync_waiter_queue_expire:
 *
 * Makes every waiter of @queue that may no longer be granted leave, by the
 * class's rule: for a decision that depends on all the waiters, not only
 * the first (a barrier's count).
 */
void
async_sync_waiter_queue_expire (AsyncSyncWaiterQueue *queue)
{
  GList *link = queue->waiters.head;

  while (link != NULL)
    {
      AsyncSyncWaiter *waiter = link->data;

      link = link->next;
      if (waiter_must_leave (waiter))
        waiter_leave (waiter);
    }
}

static AsyncSyncWaiter *
waiter_ref (AsyncSyncWaiter *waiter)
{
  g_atomic_ref_count_inc (&waiter->ref_count);
  return waiter;
}

static void
waiter_unref (AsyncSyncWaiter *waiter)
{
  if (!g_atomic_ref_count_dec (&waiter->ref_count))
    return;

  g_assert (waiter->queue == NULL);
  g_assert (waiter->timer == NULL);
  g_assert (waiter->cancelled_id == 0);

  g_clear_object (&waiter->cancellable);
  if (waiter->data_destroy != NULL)
    waiter->data_destroy (waiter->data);
  g_clear_error (&waiter->error);
  g_clear_object (&waiter->object);
  g_clear_object (&waiter->task);
  async_sync_dispatcher_unref (waiter->dispatcher);
  g_free (waiter);
}

/* The waiter is done: disconnects its cancellable's handler, now or, if
 * the `_async` call has not connected it yet, as soon as it has.  Called
 * with no mutex held. */
static void
waiter_unwatch_cancellable (AsyncSyncWaiter *waiter)
{
  gulong cancelled_id;

  g_mutex_lock (waiter->mutex);
  waiter->finished = TRUE;
  cancelled_id = waiter->cancelled_id;
  waiter->cancelled_id = 0;
  g_mutex_unlock (waiter->mutex);

  /* Drops the handler's reference, at once or once it has returned. */
  g_cancellable_disconnect (waiter->cancellable, cancelled_id);
}

/* Runs on the waiter's context, from the dispatcher: this is where the
 * user's callback is invoked (GTask calls it from inside g_task_return_*,
 * since the task was created in an earlier iteration). */
static void
waiter_run (AsyncSyncDispatchItem *item)
{
  AsyncSyncWaiter *waiter = (AsyncSyncWaiter *) item;

  /* Waiting again: the dispatcher's reference goes to the next completion,
   * and the deadline, if any, still applies. */
  if (waiter->resume != NULL && !waiter->resume (waiter))
    return;

  /* Same context as the timer's dispatch: no race with its callback. */
  if (waiter->timer != NULL)
    {
      g_source_destroy (waiter->timer);
      g_clear_pointer (&waiter->timer, g_source_unref);
    }
  waiter_unwatch_cancellable (waiter);

  if (waiter->error != NULL)
    g_task_return_error (waiter->task, g_steal_pointer (&waiter->error));
  else if (waiter->object != NULL)
    g_task_return_pointer (waiter->task, g_steal_pointer (&waiter->object), g_object_unref);
  else
    g_task_return_int (waiter->task, waiter->value);

  waiter_unref (waiter);
}

/*
 * async_sync_waiter_new:
 *
 * Creates the waiter of one `_async` call, with its GTask.  The GTask gets
 * no cancellable: the primitive alone decides whether the call was
 * cancelled (success wins once granted), and GTask must not second-guess
 * that decision.
 */
AsyncSyncWaiter *
async_sync_waiter_new (gpointer             source_object,
                       GMutex              *mutex,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data,
                       gpointer             source_tag)
{
  AsyncSyncWaiter *waiter = g_new0 (AsyncSyncWaiter, 1);

  waiter->item.link.data = waiter;
  waiter->item.run = waiter_run;
  g_atomic_ref_count_init (&waiter->ref_count);
  g_atomic_ref_count_inc (&waiter->ref_count);  /* the caller's, until started */
  waiter->mutex = mutex;
  waiter->weight = 1;
  waiter->value = TRUE;
  waiter->task = g_task_new (source_object, NULL, callback, user_data);
  g_task_set_source_tag (waiter->task, source_tag);
  /* Read after g_task_new(): never earlier than the task's creation time. */
  waiter->item.not_before = g_get_monotonic_time ();
  waiter->dispatcher = async_sync_dispatcher_get_for_context (g_task_get_context (waiter->task));
  waiter->deadline = G_MAXINT64;
  if (cancellable != NULL)
    {
      waiter->cancellable = g_object_ref (cancellable);
      waiter->deadline = cancellable_get_deadline (cancellable);
    }

  return waiter;
}

/*
 * async_sync_waiter_complete:
 *
 * Hands the waiter its result (success with @waiter->value, or
 * @waiter->error): takes it out of its queue and schedules the callback.
 * Called with the waiter's mutex held, once.
 */
void
async_sync_waiter_complete (AsyncSyncWaiter *waiter)
{
  if (waiter->queue != NULL)
    async_sync_waiter_queue_remove (waiter->queue, waiter);

  async_sync_dispatcher_push (waiter->dispatcher, &waiter->item);
}

void
async_sync_waiter_fail (AsyncSyncWaiter *waiter,
                        GError          *error)
{
  g_clear_error (&waiter->error);
  waiter->error = error;
  async_sync_waiter_complete (waiter);
}

void
async_sync_waiter_fail_literal (AsyncSyncWaiter *waiter,
                                GQuark           domain,
                                gint             code,
                                const gchar     *message)
{
  async_sync_waiter_fail (waiter, g_error_new_literal (domain, code, message));
}

/*
 * async_sync_waiter_is_stopped:
 *
 * Whether the waiter's cancellable is cancelled or its deadline has
 * passed: then it may no longer be granted.
 */
gboolean
async_sync_waiter_is_stopped (AsyncSyncWaiter *waiter)
{
  return g_cancellable_is_cancelled (waiter->cancellable) ||
         (waiter->deadline != G_MAXINT64 && g_get_monotonic_time () >= waiter->deadline);
}

/*
 * async_sync_waiter_stopped_error:
 *
 * The error of a stopped waiter, by whichever came first:
 * G_IO_ERROR_TIMED_OUT if its deadline passed before its cancellable was
 * cancelled by hand (or without that), else G_IO_ERROR_CANCELLED.  Not
 * when it was looked at: a timeout cancelled before its deadline reports
 * CANCELLED even if that is noticed after the deadline.
 */
GError *
async_sync_waiter_stopped_error (AsyncSyncWaiter *waiter)
{
  gint64 stopped_at;

  if (g_cancellable_is_cancelled (waiter->cancellable))
    stopped_at = cancellable_get_cancel_time (waiter->cancellable);
  else
    stopped_at = g_get_monotonic_time ();

  if (waiter->deadline <= stopped_at)
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                "Operation timed out");

  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              "Operation was cancelled");
}

/*
 * async_sync_waiter_fail_if_cancelled:
 *
 * SPEC 3: a cancellable that is already cancelled (or a timeout that has
 * expired) fails the call without queueing and without taking anything.
 * Returns %TRUE (and consumes the caller's reference) if so.
 */
gboolean
async_sync_waiter_fail_if_cancelled (AsyncSyncWaiter *waiter)
{
  if (!async_sync_waiter_is_stopped (waiter))
    return FALSE;

  waiter->error = async_sync_waiter_stopped_error (waiter);
  async_sync_dispatcher_push (waiter->dispatcher, &waiter->item);
  waiter_unref (waiter);

  return TRUE;
}

/* The cancellable fired or the deadline's timer ran: if the waiter is
 * still queued, it leaves by its class's rule, and the class serves those
 * it held back; else the grant came first. */
static void
waiter_stop (AsyncSyncWaiter *waiter)
{
  g_mutex_lock (waiter->mutex);
  if (waiter->queue != NULL && !(waiter->flags & ASYNC_SYNC_WAITER_UNCANCELLABLE))
    {
      AsyncSyncWaiterQueue *queue = waiter->queue;

      waiter_leave (waiter);
      if (queue->serve != NULL)
        queue->serve (queue);
    }
  g_mutex_unlock (waiter->mutex);
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  waiter_stop (user_data);
}

static gboolean
waiter_deadline_cb (gpointer user_data)
{
  waiter_stop (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
deadline_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return callback (user_data);
}

/* A source ready at an instant, to the microsecond (a timeout source
 * counts whole milliseconds from when it is attached). */
static GSourceFuncs deadline_funcs = {
  .dispatch = deadline_dispatch,
};

/* Arms the deadline of an AsyncSyncTimeout on the waiter's own context,
 * which is iterated whenever the waiter can complete (a blocking call's
 * private context included). */
static void
waiter_watch_deadline (AsyncSyncWaiter *waiter)
{
  GSource *timer;

  if (waiter->deadline == G_MAXINT64)
    return;

  timer = g_source_new (&deadline_funcs, sizeof (GSource));
  g_source_set_ready_time (timer, waiter->deadline);
  g_source_set_static_name (timer, "[asyncsync] waiter deadline");
  g_source_set_callback (timer, waiter_deadline_cb, waiter_ref (waiter),
                         (GDestroyNotify) waiter_unref);

  /* Only for a waiter still queued: once completed, waiter_run() may have
   * run already, and it is what destroys the timer. */
  g_mutex_lock (waiter->mutex);
  if (waiter->queue != NULL)
    {
      waiter->timer = g_source_ref (timer);
      g_source_attach (timer, g_task_get_context (waiter->task));
    }
  g_mutex_unlock (waiter->mutex);
  g_source_unref (timer);
}

/*
 * async_sync_waiter_watch_cancellable:
 *
 * Connects the cancellable, unless there is none.  Never call it with the
 * mutex held: if the cancellable fired meanwhile, the handler runs at once,
 * in this thread, and takes the mutex.
 */
void
async_sync_waiter_watch_cancellable (AsyncSyncWaiter *waiter)
{
  gulong cancelled_id;
  gboolean finished;

  if (waiter->cancellable == NULL || waiter->watched)
    return;

  waiter->watched = TRUE;
  waiter_watch_deadline (waiter);
  /* 0 if it was cancelled already: the handler ran, and let go of its
   * reference. */
  cancelled_id = g_cancellable_connect (waiter->cancellable,
                                        G_CALLBACK (waiter_cancelled_cb),
                                        waiter_ref (waiter),
                                        (GDestroyNotify) waiter_unref);
  if (cancelled_id == 0)
    return;

  g_mutex_lock (waiter->mutex);
  finished = waiter->finished;
  if (!finished)
    waiter->cancelled_id = cancelled_id;
  g_mutex_unlock (waiter->mutex);

  /* Granted and returned while we connected: nothing left to cancel. */
  if (finished)
    g_cancellable_disconnect (waiter->cancellable, cancelled_id);
}

/*
 * async_sync_waiter_started:
 * @queued: whether the call was left in a queue (else it completed at once)
 *
 * Ends the `_async` call's part: watches the cancellable of a queued waiter,
 * then drops the caller's reference.  Called after the mutex was released.
 */
void
async_sync_waiter_started (AsyncSyncWaiter *waiter,
                           gboolean         queued)
{
  if (queued)
    async_sync_waiter_watch_cancellable (waiter);

  waiter_unref (waiter);
}

/*
 * async_sync_waiter_propagate:
 *
 * The common part of every `_finish`: the value the waiter completed with,
 * or -1 and @error.
 */
gssize
async_sync_waiter_propagate (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}
