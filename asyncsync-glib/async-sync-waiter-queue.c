/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The waiter queue: what every primitive needs to park an `_async` call.
 *
 * FIFO with O(1) removal (the list node is embedded in the waiter); the
 * grant-or-cancel decision is made once, under the owner's mutex, by
 * whoever takes the waiter out of its queue first; the result then goes
 * through the dispatcher of the caller's context.
 *
 * The contract with a class is narrow: a class never sees a waiter's
 * fields.  It gives an `_async` call to async_sync_waiter_start() with its
 * arrive rule (grant, fail or queue, under the mutex), gives a queue its
 * leave and serve rules, and completes waiters by result type; the core
 * decides cancellation, deadlines, reference counting and delivery.  A
 * new primitive is its rules and nothing else.
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

/* What the core knows of a cancellable that carries a deadline: the
 * AsyncSyncDeadlineFuncs its type attached to it, nothing else. */
static GQuark
deadline_funcs_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("async-sync-deadline-funcs");

  return quark;
}

/*
 * async_sync_deadline_attach:
 * @funcs: (not nullable): static, they must outlive @cancellable
 *
 * Gives @cancellable a deadline that every wait it bounds honours; called
 * by the cancellable's type as it is created, before any wait sees it.
 */
void
async_sync_deadline_attach (GCancellable                 *cancellable,
                            const AsyncSyncDeadlineFuncs *funcs)
{
  g_object_set_qdata (G_OBJECT (cancellable), deadline_funcs_quark (), (gpointer) funcs);
}

static const AsyncSyncDeadlineFuncs *
cancellable_get_deadline_funcs (GCancellable *cancellable)
{
  return g_object_get_qdata (G_OBJECT (cancellable), deadline_funcs_quark ());
}

static gint64
cancellable_get_deadline (GCancellable *cancellable)
{
  const AsyncSyncDeadlineFuncs *funcs = cancellable_get_deadline_funcs (cancellable);

  return funcs != NULL ? funcs->get_deadline (cancellable) : G_MAXINT64;
}

/* When @cancellable, which is cancelled, was cancelled: now if unknown
 * (the cancellation is in progress, or the cancellable keeps no record). */
static gint64
cancellable_get_cancel_time (GCancellable *cancellable)
{
  const AsyncSyncDeadlineFuncs *funcs = cancellable_get_deadline_funcs (cancellable);
  gint64 cancelled_at = G_MAXINT64;

  if (funcs != NULL)
    cancelled_at = funcs->get_cancel_time (cancellable);

  return cancelled_at != G_MAXINT64 ? cancelled_at : g_get_monotonic_time ();
}

typedef enum
{
  /* Ownership is promised (a notified Condition waiter in the lock's
   * queue): a cancellation no longer applies. */
  WAITER_UNCANCELLABLE = 1 << 0,
  /* Free for the owning class's own bookkeeping. */
  WAITER_CLASS_FLAG = 1 << 1,
} WaiterFlags;

/* What the task returns on success. */
typedef enum
{
  RESULT_BOOLEAN,    /* TRUE */
  RESULT_INDEX,      /* @index */
  RESULT_OBJECT,     /* @object */
} ResultType;

struct _AsyncSyncWaiter
{
  AsyncSyncDispatchItem     item;          /* first: the item is the waiter */
  gatomicrefcount           ref_count;
  GMutex                   *mutex;         /* the owner's; guards everything below */
  AsyncSyncWaiterQueue     *queue;         /* where it waits; NULL once out */
  WaiterFlags               flags;
  guint                     weight;        /* permits wanted; 1 but for weighted calls */
  GTask                    *task;
  GCancellable             *cancellable;
  gint64                    deadline;      /* of the cancellable; G_MAXINT64: none */
  gboolean                  watched;       /* the cancellable was connected (caller's thread) */
  gboolean                  finished;      /* the task returned: nothing left to cancel */
  gulong                    cancelled_id;  /* the connected handler, until finished */
  GSource                  *timer;         /* when the cancellable has a deadline */
  AsyncSyncDispatcher      *dispatcher;    /* of the task's context */
  GError                   *error;         /* the result on completion; NULL: success */
  ResultType                result_type;   /* the result on success */
  guint                     index;
  GObject                  *object;
  GObject                  *item_carried;  /* what the call brings in (a Queue's put) */
  AsyncSyncWaiterResumeFunc resume;
  gpointer                  data;
  GDestroyNotify            data_destroy;
};

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

static void
waiter_queue_remove (AsyncSyncWaiterQueue *queue,
                                AsyncSyncWaiter      *waiter)
{
  g_assert (waiter->queue == queue);

  g_queue_unlink (&queue->waiters, &waiter->item.link);
  waiter->queue = NULL;
}

/* A queued waiter that may no longer be granted.  A waiter promised
 * what it waits for (WAITER_UNCANCELLABLE) always may. */
static gboolean
waiter_must_leave (AsyncSyncWaiter *waiter)
{
  return waiter->cancellable != NULL &&
         !(waiter->flags & WAITER_UNCANCELLABLE) &&
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
    waiter_queue_remove (queue, waiter);

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
  g_clear_object (&waiter->item_carried);
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
  else if (waiter->result_type == RESULT_OBJECT)
    g_task_return_pointer (waiter->task, g_steal_pointer (&waiter->object), g_object_unref);
  else if (waiter->result_type == RESULT_INDEX)
    g_task_return_int (waiter->task, waiter->index);
  else
    g_task_return_boolean (waiter->task, TRUE);

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
                       gpointer             source_tag,
                       const gchar         *name)
{
  AsyncSyncWaiter *waiter = g_new0 (AsyncSyncWaiter, 1);

  waiter->item.link.data = waiter;
  waiter->item.run = waiter_run;
  g_atomic_ref_count_init (&waiter->ref_count);
  g_atomic_ref_count_inc (&waiter->ref_count);  /* the caller's, until started */
  waiter->mutex = mutex;
  waiter->weight = 1;
  waiter->task = g_task_new (source_object, NULL, callback, user_data);
  /* In parentheses: GLib's macro would name the task "source_tag". */
  (g_task_set_source_tag) (waiter->task, source_tag);
#if GLIB_CHECK_VERSION (2, 76, 0)
  /* @name is a string literal: no copy. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_task_set_static_name (waiter->task, name);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  g_task_set_name (waiter->task, name);
#endif
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
 * Hands the waiter its result (success, or the error recorded with
 * async_sync_waiter_set_error()): takes it out of its queue and schedules
 * the callback.  Called with the waiter's mutex held, once.
 */
void
async_sync_waiter_complete (AsyncSyncWaiter *waiter)
{
  if (waiter->queue != NULL)
    waiter_queue_remove (waiter->queue, waiter);

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
 * when it was looked at: a cancellable cancelled before its deadline reports
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
 * A cancellable that is already cancelled (or whose deadline has passed)
 * fails the call without queueing and without taking anything: the
 * reference manual's section fairness-cancellation, and the scenario
 * "pre-cancelled-fails-without-taking" of tests/stress/test-model.c.
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
  if (waiter->queue != NULL && !(waiter->flags & WAITER_UNCANCELLABLE))
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

/* Arms the deadline of the waiter's cancellable on the waiter's own context,
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
 * waiter_watch_cancellable:
 *
 * Connects the cancellable, unless there is none.  Never call it with the
 * mutex held: if the cancellable fired meanwhile, the handler runs at once,
 * in this thread, and takes the mutex.
 */
static void
waiter_watch_cancellable (AsyncSyncWaiter *waiter)
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
    waiter_watch_cancellable (waiter);

  waiter_unref (waiter);
}

/*
 * async_sync_waiter_start:
 * @arrive: the class's rule for a new call
 *
 * The whole `_async` call once its waiter is made: fails it if its
 * cancellable is already cancelled (or its deadline passed) without
 * taking anything; else applies @arrive under the mutex and, if that
 * left the waiter queued, watches its cancellable.
 */
void
async_sync_waiter_start (AsyncSyncWaiter           *waiter,
                         AsyncSyncWaiterArriveFunc  arrive,
                         gpointer                   owner)
{
  if (!async_sync_waiter_fail_if_cancelled (waiter))
    async_sync_waiter_arrive (waiter, arrive, owner);
}

/*
 * async_sync_waiter_arrive:
 *
 * async_sync_waiter_start() without the first check, for a call that made
 * it already (Condition.wait_for, which tests its predicate in between).
 */
void
async_sync_waiter_arrive (AsyncSyncWaiter           *waiter,
                          AsyncSyncWaiterArriveFunc  arrive,
                          gpointer                   owner)
{
  gboolean queued;

  g_mutex_lock (waiter->mutex);
  arrive (owner, waiter);
  queued = waiter->queue != NULL;
  g_mutex_unlock (waiter->mutex);

  async_sync_waiter_started (waiter, queued);
}

/* The permits a Semaphore waiter wants: 1 unless set. */
guint
async_sync_waiter_get_weight (AsyncSyncWaiter *waiter)
{
  return waiter->weight;
}

void
async_sync_waiter_set_weight (AsyncSyncWaiter *waiter,
                              guint            weight)
{
  waiter->weight = weight;
}

/* An object the call brings in (a Queue's put), owned by the waiter
 * until stolen: set before the waiter is started (transfer full). */
void
async_sync_waiter_set_item (AsyncSyncWaiter *waiter,
                            GObject         *item)
{
  g_clear_object (&waiter->item_carried);
  waiter->item_carried = item;
}

GObject *
async_sync_waiter_get_item (AsyncSyncWaiter *waiter)
{
  return waiter->item_carried;
}

GObject *
async_sync_waiter_steal_item (AsyncSyncWaiter *waiter)
{
  return g_steal_pointer (&waiter->item_carried);
}

/* One flag for the class's own bookkeeping (a writer among readers, a
 * party counted in a barrier's cycle); under the mutex. */
gboolean
async_sync_waiter_get_class_flag (AsyncSyncWaiter *waiter)
{
  return (waiter->flags & WAITER_CLASS_FLAG) != 0;
}

static void
waiter_set_flag (AsyncSyncWaiter *waiter,
                 WaiterFlags      flag,
                 gboolean         set)
{
  if (set)
    waiter->flags |= flag;
  else
    waiter->flags &= ~flag;
}

void
async_sync_waiter_set_class_flag (AsyncSyncWaiter *waiter,
                                  gboolean         flag)
{
  waiter_set_flag (waiter, WAITER_CLASS_FLAG, flag);
}

/* The AsyncSyncWaiterResumeFunc and its @data, freed with the waiter. */
void
async_sync_waiter_set_resume (AsyncSyncWaiter           *waiter,
                              AsyncSyncWaiterResumeFunc  resume,
                              gpointer                   data,
                              GDestroyNotify             data_destroy)
{
  waiter->resume = resume;
  waiter->data = data;
  waiter->data_destroy = data_destroy;
}

gpointer
async_sync_waiter_get_data (AsyncSyncWaiter *waiter)
{
  return waiter->data;
}

/* Whether what the waiter waits for is promised to it (a notified
 * Condition waiter in its lock's queue): then a cancellation or a
 * deadline no longer applies.  Under the mutex. */
void
async_sync_waiter_set_uncancellable (AsyncSyncWaiter *waiter,
                                     gboolean         uncancellable)
{
  waiter_set_flag (waiter, WAITER_UNCANCELLABLE, uncancellable);
}

/* Takes the waiter out of whatever queue it is in, if any, without
 * completing it: it moves to another queue.  Under the mutex. */
void
async_sync_waiter_leave_queue (AsyncSyncWaiter *waiter)
{
  if (waiter->queue != NULL)
    waiter_queue_remove (waiter->queue, waiter);
}

/* async_sync_waiter_complete(), with @index as the result (a Barrier
 * party's place in its cycle). */
void
async_sync_waiter_complete_index (AsyncSyncWaiter *waiter,
                                  guint            index)
{
  waiter->result_type = RESULT_INDEX;
  waiter->index = index;
  async_sync_waiter_complete (waiter);
}

/* async_sync_waiter_complete(), with @object as the result (transfer
 * full: a Queue's item). */
void
async_sync_waiter_complete_object (AsyncSyncWaiter *waiter,
                                   GObject         *object)
{
  waiter->result_type = RESULT_OBJECT;
  g_clear_object (&waiter->object);
  waiter->object = object;
  async_sync_waiter_complete (waiter);
}

/* Records the error the waiter will complete with (transfer full),
 * without completing it: for a waiter whose completion is already under
 * way (from its resume hook) or decided elsewhere. */
void
async_sync_waiter_set_error (AsyncSyncWaiter *waiter,
                             GError          *error)
{
  g_clear_error (&waiter->error);
  waiter->error = error;
}

gboolean
async_sync_waiter_has_error (AsyncSyncWaiter *waiter)
{
  return waiter->error != NULL;
}

/* Grants every waiter of @queue that may still be granted; the others
 * leave first, by the class's rule.  Under the mutex. */
void
async_sync_waiter_queue_complete_all (AsyncSyncWaiterQueue *queue)
{
  AsyncSyncWaiter *waiter;

  while ((waiter = async_sync_waiter_queue_peek (queue)) != NULL)
    async_sync_waiter_complete (waiter);
}

/* Fails every waiter of @queue with one error (those already cancelled
 * or timed out with their own).  Under the mutex. */
void
async_sync_waiter_queue_fail_all (AsyncSyncWaiterQueue *queue,
                                  GQuark                domain,
                                  gint                  code,
                                  const gchar          *message)
{
  AsyncSyncWaiter *waiter;

  while ((waiter = async_sync_waiter_queue_peek (queue)) != NULL)
    async_sync_waiter_fail_literal (waiter, domain, code, message);
}

/* A failed precondition: a critical as g_return_val_if_fail() would
 * print it, in the public function that checks it. */
#define FINISH_CHECK(strfunc, expr) \
  G_STMT_START { \
    if (G_UNLIKELY (!(expr))) \
      { \
        g_return_if_fail_warning (G_LOG_DOMAIN, (strfunc), #expr); \
        return FALSE; \
      } \
  } G_STMT_END

/* The four preconditions of every `_finish`. */
static gboolean
finish_is_valid (const gchar   *strfunc,
                 gpointer       self,
                 GType          type,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
#ifndef G_DISABLE_CHECKS
  FINISH_CHECK (strfunc, G_TYPE_CHECK_INSTANCE_TYPE (self, type));
  FINISH_CHECK (strfunc, g_task_is_valid (result, self));
  FINISH_CHECK (strfunc, g_task_get_source_tag (G_TASK (result)) == source_tag);
  FINISH_CHECK (strfunc, error == NULL || *error == NULL);
#endif

  return TRUE;
}

gboolean
async_sync_waiter_finish_boolean_for (const gchar   *strfunc,
                                      gpointer       self,
                                      GType          type,
                                      GAsyncResult  *result,
                                      gpointer       source_tag,
                                      GError       **error)
{
  if (!finish_is_valid (strfunc, self, type, result, source_tag, error))
    return FALSE;

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
async_sync_waiter_finish_index_for (const gchar   *strfunc,
                                    gpointer       self,
                                    GType          type,
                                    GAsyncResult  *result,
                                    gpointer       source_tag,
                                    guint         *index,
                                    GError       **error)
{
  gssize value;

  if (!finish_is_valid (strfunc, self, type, result, source_tag, error))
    return FALSE;

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;

  if (index != NULL)
    *index = (guint) value;

  return TRUE;
}

gpointer
async_sync_waiter_finish_object_for (const gchar   *strfunc,
                                     gpointer       self,
                                     GType          type,
                                     GAsyncResult  *result,
                                     gpointer       source_tag,
                                     GError       **error)
{
  if (!finish_is_valid (strfunc, self, type, result, source_tag, error))
    return NULL;

  return g_task_propagate_pointer (G_TASK (result), error);
}
