/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reference model: what SPEC sections 3 and 5 (and the choices the
 * library documents where SPEC is silent) say must happen, written as
 * plainly as possible, with no threads and no GLib main loop.  The text
 * form of sequences, their generation and the fuzzer's byte encoding are in
 * async-sync-model-sequence.c.
 *
 * Completions go through a per-context FIFO of ready items, like the
 * library's dispatcher: a waiter's completion, or an object's pending
 * property notification (coalesced: at most one pending per object, and
 * emitted for each property whose value, read when it runs, differs from
 * the last one notified).  An iteration of a context runs its ready items
 * in order, including the ones appended while it runs, then the deadline
 * timers of its waiters whose deadline has passed, in the order they were
 * armed.  The order in which items are appended is part of the contract
 * the model checks: a lock grant pushes the lock's notification before the
 * waiter's completion (the state changes first), a semaphore or read-write
 * lock grant after it.
 *
 * Deadlines: a waiter whose cancellable is cancelled, or whose deadline has
 * passed, is never granted.  Every grant decision looks at the head of a
 * queue through peek(), where such waiters leave first, by their class's
 * leave rule; a barrier's would-be last arrival first makes them leave the
 * whole cycle.  A stopped waiter reports TIMED_OUT if its deadline passed
 * before its cancellable was cancelled by hand (or without that), else
 * CANCELLED.
 */

#include "async-sync-model.h"

#include <string.h>

/* The waiter queues of the objects. */
typedef enum
{
  Q_LOCK,        /* lock (and cond0's) */
  Q_LOCK1,       /* cond1's lock */
  Q_COND0,
  Q_COND1,
  Q_EVENT,
  Q_SEM,
  Q_BSEM,
  Q_BARRIER,     /* the parties of the filling cycle */
  Q_ARRIVALS,    /* arrivals held while the barrier drains or resets */
  Q_PUTTERS,
  Q_GETTERS,
  Q_JOINERS,
  Q_RW,
  N_QUEUES
} QueueId;

typedef enum
{
  WHERE_NONE,    /* not yet started, or out of every queue */
  WHERE_QUEUED,  /* in queues[queue] */
  WHERE_READY,   /* in its context's ready queue */
  WHERE_DONE,    /* its callback ran */
} Where;

typedef struct
{
  guint       id;
  ModelOpKind kind;
  ModelTarget target;
  guint       ctx;
  gint        canc;          /* cancellable instance, -1 for none */
  guint       flag;          /* wait-for */
  guint       weight;        /* permits wanted (semaphores) */
  Where       where;
  QueueId     queue;         /* while WHERE_QUEUED */
  gboolean    uncancellable; /* a notified Condition waiter in the lock's queue */
  gboolean    resume;        /* wait-for that parked: re-checks when it runs */
  gboolean    in_cycle;      /* a barrier party counted in its cycle */
  gboolean    writer;        /* rw: the write side */
  gboolean    timer_armed;   /* its deadline's timer is attached */
  gboolean    timer_gone;    /* ... and has run, or was destroyed */
  guint       item;          /* put: the item it carries; get: the item it took */
  guint       index;         /* barrier: its index in the cycle */
  ModelResult error;         /* the result it completes with */
} Waiter;

typedef enum
{
  ITEM_WAITER,
  ITEM_NOTIFIER,
} ItemKind;

typedef struct
{
  ItemKind kind;
  guint    index;
} Item;

/* A FIFO of small integers: queues are short, removal may be linear. */
typedef struct
{
  guint *data;
  guint  len;
  guint  alloc;
} IntQueue;

typedef struct
{
  gboolean pending;
  guint    home;
  guint    last[2];
} Notifier;

typedef struct
{
  ModelCancKind kind;
  gboolean      cancelled;
  gboolean      expired;          /* its deadline has passed */
  gboolean      cancelled_first;  /* cancelled before its deadline passed */
} Cancellable;

typedef enum
{
  BARRIER_FILLING,
  BARRIER_DRAINING,
  BARRIER_RESETTING,
  BARRIER_BROKEN,
} BarrierState;

struct _Model
{
  ModelSetup   setup;

  IntQueue     queues[N_QUEUES];
  gboolean     locked[2];
  gboolean     event_set;
  guint        sem_value[2];
  guint        sem_bound[2];
  BarrierState barrier_state;
  guint        barrier_count;     /* parties in the cycle that have not left */
  IntQueue     items;             /* the queue's items, by number */
  guint        unfinished;
  gboolean     shut_down;
  guint        n_items;           /* items made so far: the next one's number */
  guint        rw_readers;
  gboolean     rw_writer;
  Notifier     notifiers[MODEL_N_HOMES];

  gboolean     flags[MODEL_N_FLAGS];
  gint         slots[MODEL_N_SLOTS];   /* slot -> cancellable instance */
  GArray      *cancellables;           /* of Cancellable, by instance */

  GArray      *waiters;                /* of Waiter, by id */
  guint        n_outstanding;
  guint        n_wait_for;

  GArray      *ready[MODEL_N_CONTEXTS];  /* of Item */
  GArray      *events;                   /* of ModelEvent */
};

/* The properties of each object, in the order it notifies them. */
static const struct
{
  guint     n_props;
  ModelProp props[2];
} home_props[MODEL_N_HOMES] = {
  [MODEL_HOME_LOCK] = { 1, { MODEL_PROP_LOCKED } },
  [MODEL_HOME_LOCK1] = { 1, { MODEL_PROP_LOCK1_LOCKED } },
  [MODEL_HOME_EVENT] = { 1, { MODEL_PROP_IS_SET } },
  [MODEL_HOME_SEM] = { 1, { MODEL_PROP_SEM_VALUE } },
  [MODEL_HOME_BSEM] = { 1, { MODEL_PROP_BSEM_VALUE } },
  [MODEL_HOME_BARRIER] = { 1, { MODEL_PROP_BROKEN } },
  [MODEL_HOME_QUEUE] = { 1, { MODEL_PROP_LENGTH } },
  [MODEL_HOME_RW] = { 2, { MODEL_PROP_N_READERS, MODEL_PROP_WRITE_LOCKED } },
};

/* ---- small queues ---- */

static void
int_queue_push (IntQueue *q,
                guint     value)
{
  if (q->len == q->alloc)
    {
      q->alloc = MAX (8, q->alloc * 2);
      q->data = g_renew (guint, q->data, q->alloc);
    }
  q->data[q->len++] = value;
}

static void
int_queue_remove_at (IntQueue *q,
                     guint     i)
{
  memmove (&q->data[i], &q->data[i + 1], (q->len - i - 1) * sizeof (guint));
  q->len--;
}

static gboolean
int_queue_remove (IntQueue *q,
                  guint     value)
{
  guint i;

  for (i = 0; i < q->len; i++)
    if (q->data[i] == value)
      {
        int_queue_remove_at (q, i);
        return TRUE;
      }

  return FALSE;
}

static void
int_queue_clear (IntQueue *q)
{
  g_clear_pointer (&q->data, g_free);
  q->len = q->alloc = 0;
}

/* ---- targets ---- */

static guint
lock_of_target (ModelTarget target)
{
  switch (target)
    {
    case MODEL_TARGET_LOCK:
    case MODEL_TARGET_COND0:
      return 0;
    case MODEL_TARGET_COND1:
      return 1;
    default:
      g_assert_not_reached ();
    }
}

static guint
cond_of_target (ModelTarget target)
{
  g_assert (target == MODEL_TARGET_COND0 || target == MODEL_TARGET_COND1);
  return target == MODEL_TARGET_COND0 ? 0 : 1;
}

static gboolean
target_is_sem (ModelTarget target)
{
  return target == MODEL_TARGET_SEM || target == MODEL_TARGET_BSEM;
}

static gboolean
target_is_rw (ModelTarget target)
{
  return target == MODEL_TARGET_RW_READ || target == MODEL_TARGET_RW_WRITE;
}

static guint
sem_of_target (ModelTarget target)
{
  g_assert (target_is_sem (target));
  return target == MODEL_TARGET_SEM ? 0 : 1;
}

/* arg 0: one permit (the plain call); arg n + 1: n permits (`_many`). */
static guint
permits (const ModelOp *op)
{
  return op->arg == 0 ? 1 : op->arg - 1;
}

/* ---- items, events, notifications ---- */

static Waiter *
waiter_get (Model *model,
            guint  id)
{
  return &g_array_index (model->waiters, Waiter, id);
}

static Cancellable *
cancellable_get (Model *model,
                 gint   instance)
{
  return &g_array_index (model->cancellables, Cancellable, instance);
}

static void
push_item (Model    *model,
           guint     ctx,
           ItemKind  kind,
           guint     index)
{
  Item item = { kind, index };

  g_array_append_val (model->ready[ctx], item);
}

static void
log_event (Model          *model,
           ModelEventKind  kind,
           guint           id,
           guint           value,
           guint           detail)
{
  ModelEvent event = { kind, id, value, detail };

  g_array_append_val (model->events, event);
}

static guint
prop_value (Model     *model,
            ModelProp  prop)
{
  switch (prop)
    {
    case MODEL_PROP_LOCKED:
      return model->locked[0];
    case MODEL_PROP_LOCK1_LOCKED:
      return model->locked[1];
    case MODEL_PROP_IS_SET:
      return model->event_set;
    case MODEL_PROP_SEM_VALUE:
      return model->sem_value[0];
    case MODEL_PROP_BSEM_VALUE:
      return model->sem_value[1];
    case MODEL_PROP_BROKEN:
      return model->barrier_state == BARRIER_BROKEN;
    case MODEL_PROP_LENGTH:
      return model->items.len;
    case MODEL_PROP_N_READERS:
      return model->rw_readers;
    case MODEL_PROP_WRITE_LOCKED:
      return model->rw_writer;
    case MODEL_N_PROPS:
    default:
      g_assert_not_reached ();
    }
}

/* async_sync_notifier_changed() */
static void
notifier_changed (Model     *model,
                  ModelHome  home)
{
  Notifier *n = &model->notifiers[home];

  if (n->pending)
    return;

  n->pending = TRUE;
  push_item (model, n->home, ITEM_NOTIFIER, home);
}

/* ---- cancellables and deadlines ---- */

static gboolean
canc_is_stopped (Model *model,
                 gint   instance)
{
  Cancellable *c;

  if (instance < 0)
    return FALSE;
  c = cancellable_get (model, instance);
  return c->cancelled || c->expired;
}

/* async_sync_waiter_stopped_error(): whichever came first. */
static ModelResult
canc_stop_error (Model *model,
                 gint   instance)
{
  Cancellable *c = cancellable_get (model, instance);

  if (c->cancelled && c->cancelled_first)
    return MODEL_RESULT_CANCELLED;
  return MODEL_RESULT_TIMED_OUT;
}

static gboolean
canc_has_deadline (Model *model,
                   gint   instance)
{
  return instance >= 0 && cancellable_get (model, instance)->kind != MODEL_CANC_PLAIN;
}

/* ---- waiters in queues ---- */

static void
waiter_enqueue (Model   *model,
                Waiter  *w,
                QueueId  queue)
{
  g_assert (w->where == WHERE_NONE);

  int_queue_push (&model->queues[queue], w->id);
  w->where = WHERE_QUEUED;
  w->queue = queue;
}

static void
waiter_leave_queue (Model  *model,
                    Waiter *w)
{
  if (w->where != WHERE_QUEUED)
    return;

  if (!int_queue_remove (&model->queues[w->queue], w->id))
    g_assert_not_reached ();
  w->where = WHERE_NONE;
}

/* async_sync_waiter_complete(): out of its queue, into its context's
 * ready queue, with w->error as its result. */
static void
waiter_complete (Model  *model,
                 Waiter *w)
{
  waiter_leave_queue (model, w);
  w->where = WHERE_READY;
  push_item (model, w->ctx, ITEM_WAITER, w->id);
}

static void
waiter_fail (Model       *model,
             Waiter      *w,
             ModelResult  error)
{
  w->error = error;
  waiter_complete (model, w);
}

static Waiter *
queue_head (Model   *model,
            QueueId  queue)
{
  IntQueue *q = &model->queues[queue];

  return q->len > 0 ? waiter_get (model, q->data[0]) : NULL;
}

static gboolean
waiter_must_leave (Model  *model,
                   Waiter *w)
{
  return !w->uncancellable && canc_is_stopped (model, w->canc);
}

static void lock_grant_or_queue (Model  *model,
                                 guint   lock,
                                 Waiter *w);
static void sem_update          (Model  *model,
                                 guint   s,
                                 guint   value);
static void rw_grant            (Model  *model);

/* The classes' leave rules, for a stopped waiter still queued. */
static void
waiter_leave (Model  *model,
              Waiter *w)
{
  w->error = canc_stop_error (model, w->canc);

  switch (w->queue)
    {
    case Q_COND0:
    case Q_COND1:
      /* Gets the lock back (queued at the back), then reports. */
      waiter_leave_queue (model, w);
      w->uncancellable = TRUE;
      lock_grant_or_queue (model, w->queue == Q_COND0 ? 0 : 1, w);
      break;

    case Q_BARRIER:
      /* The party leaves the count of its cycle. */
      w->in_cycle = FALSE;
      model->barrier_count--;
      waiter_complete (model, w);
      break;

    default:
      waiter_complete (model, w);
      break;
    }
}

/* The classes' serve rules, after a waiter left on its own (its
 * cancellable's handler or its timer). */
static void
queue_serve (Model   *model,
             QueueId  queue)
{
  switch (queue)
    {
    case Q_SEM:
    case Q_BSEM:
      sem_update (model, queue - Q_SEM, model->sem_value[queue - Q_SEM]);
      break;
    case Q_RW:
      rw_grant (model);
      break;
    default:
      break;
    }
}

/* async_sync_waiter_queue_peek(): the first waiter that may be granted;
 * stopped waiters ahead of it leave first. */
static Waiter *
queue_peek (Model   *model,
            QueueId  queue)
{
  Waiter *head;

  while ((head = queue_head (model, queue)) != NULL && waiter_must_leave (model, head))
    waiter_leave (model, head);

  return head;
}

static Waiter *
queue_pop (Model   *model,
           QueueId  queue)
{
  Waiter *head = queue_peek (model, queue);

  if (head != NULL)
    waiter_leave_queue (model, head);

  return head;
}

/* async_sync_waiter_queue_expire(): every stopped waiter leaves. */
static void
queue_expire (Model   *model,
              QueueId  queue)
{
  IntQueue *q = &model->queues[queue];
  guint *ids = g_memdup2 (q->data, q->len * sizeof (guint));
  guint n = q->len, i;

  for (i = 0; i < n; i++)
    {
      Waiter *w = waiter_get (model, ids[i]);

      if (w->where == WHERE_QUEUED && w->queue == queue && waiter_must_leave (model, w))
        waiter_leave (model, w);
    }
  g_free (ids);
}

static void
queue_complete_all (Model   *model,
                    QueueId  queue)
{
  Waiter *w;

  while ((w = queue_peek (model, queue)) != NULL)
    waiter_complete (model, w);
}

static void
queue_fail_all (Model       *model,
                QueueId      queue,
                ModelResult  error)
{
  Waiter *w;

  while ((w = queue_peek (model, queue)) != NULL)
    waiter_fail (model, w, error);
}

/* The cancelled handler, or the deadline's timer, of a waiter. */
static void
waiter_stop (Model  *model,
             Waiter *w)
{
  QueueId queue = w->queue;

  if (w->where != WHERE_QUEUED || w->uncancellable)
    return;

  waiter_leave (model, w);
  queue_serve (model, queue);
}

/* ---- Lock ---- */

static void
lock_set_locked (Model    *model,
                 guint     lock,
                 gboolean  locked)
{
  model->locked[lock] = locked;
  notifier_changed (model, lock == 0 ? MODEL_HOME_LOCK : MODEL_HOME_LOCK1);
}

/* Hand-off: the first waiter gets the lock, which stays locked. */
static void
lock_release_locked (Model *model,
                     guint  lock)
{
  Waiter *next;

  g_assert (model->locked[lock]);

  next = queue_pop (model, lock == 0 ? Q_LOCK : Q_LOCK1);
  if (next != NULL)
    waiter_complete (model, next);
  else
    lock_set_locked (model, lock, FALSE);
}

static void
lock_grant_or_queue (Model  *model,
                     guint   lock,
                     Waiter *w)
{
  if (!model->locked[lock])
    {
      lock_set_locked (model, lock, TRUE);
      waiter_complete (model, w);
    }
  else
    {
      waiter_enqueue (model, w, lock == 0 ? Q_LOCK : Q_LOCK1);
    }
}

/* ---- Condition ---- */

/* A notified condition waiter moves to the back of the lock's queue; from
 * then on a cancellation no longer applies to it. */
static void
cond_move_to_lock (Model  *model,
                   guint   cond,
                   Waiter *w)
{
  waiter_leave_queue (model, w);
  w->uncancellable = TRUE;
  lock_grant_or_queue (model, cond, w);
}

/* Releases the lock and parks the waiter until notified; FALSE (with the
 * error recorded, not completed) if the lock is not held. */
static gboolean
cond_park_or_record (Model  *model,
                     guint   cond,
                     Waiter *w)
{
  if (!model->locked[cond])
    {
      w->error = MODEL_RESULT_NOT_LOCKED;
      return FALSE;
    }

  w->uncancellable = FALSE;
  waiter_enqueue (model, w, cond == 0 ? Q_COND0 : Q_COND1);
  lock_release_locked (model, cond);

  return TRUE;
}

static void
cond_park (Model  *model,
           guint   cond,
           Waiter *w)
{
  if (!cond_park_or_record (model, cond, w))
    waiter_complete (model, w);
}

static void
cond_notify (Model *model,
             guint  cond,
             guint  n)
{
  Waiter *w;

  for (; n > 0 && (w = queue_peek (model, cond == 0 ? Q_COND0 : Q_COND1)) != NULL; n--)
    cond_move_to_lock (model, cond, w);
}

/* ---- Semaphore ---- */

/* Serves the queue from its head while the value covers the first
 * request (strict FIFO: a big request blocks smaller ones behind it);
 * the value changes (and notifies) once, after the grants. */
static void
sem_update (Model *model,
            guint  s,
            guint  value)
{
  Waiter *head;

  while ((head = queue_peek (model, Q_SEM + s)) != NULL && head->weight <= value)
    {
      value -= head->weight;
      waiter_complete (model, head);
    }

  if (value != model->sem_value[s])
    {
      model->sem_value[s] = value;
      notifier_changed (model, MODEL_HOME_SEM + s);
    }
}

static void
sem_take (Model *model,
          guint  s,
          guint  n)
{
  model->sem_value[s] -= n;
  notifier_changed (model, MODEL_HOME_SEM + s);
}

static void
sem_acquire (Model  *model,
             guint   s,
             guint   n,
             Waiter *w)
{
  w->weight = n;
  if (n == 0 || n > model->sem_bound[s])
    {
      waiter_fail (model, w, MODEL_RESULT_INVALID_ARGUMENT);
      return;
    }

  /* Settle first: stopped heads leave, those behind are served. */
  sem_update (model, s, model->sem_value[s]);
  if (model->queues[Q_SEM + s].len == 0 && model->sem_value[s] >= n)
    {
      sem_take (model, s, n);
      waiter_complete (model, w);
    }
  else
    {
      waiter_enqueue (model, w, Q_SEM + s);
    }
}

static gboolean
sem_try_acquire (Model *model,
                 guint  s,
                 guint  n)
{
  sem_update (model, s, model->sem_value[s]);
  if (model->queues[Q_SEM + s].len > 0 || model->sem_value[s] < n)
    return FALSE;

  sem_take (model, s, n);
  return TRUE;
}

static ModelReply
sem_release (Model *model,
             guint  s,
             guint  n)
{
  ModelReply reply = { FALSE, MODEL_RESULT_OK, 0, FALSE };

  if (n == 0)
    reply.error = MODEL_RESULT_INVALID_ARGUMENT;
  else if (n > model->sem_bound[s] - model->sem_value[s])
    reply.error = MODEL_RESULT_VALUE;
  else
    {
      reply.ret = TRUE;
      sem_update (model, s, model->sem_value[s] + n);
    }

  return reply;
}

/* ---- RWLock ---- */

static gboolean
rw_can (Model    *model,
        gboolean  write)
{
  return !model->rw_writer && (!write || model->rw_readers == 0);
}

static void
rw_take (Model    *model,
         gboolean  write)
{
  if (write)
    model->rw_writer = TRUE;
  else
    model->rw_readers++;
}

/* Admits requests from the head of the queue while they fit: a run of
 * readers together, or one writer; notifies once, after the grants. */
static void
rw_grant (Model *model)
{
  gboolean changed = FALSE;
  Waiter *head;

  while ((head = queue_peek (model, Q_RW)) != NULL && rw_can (model, head->writer))
    {
      rw_take (model, head->writer);
      waiter_complete (model, head);
      changed = TRUE;
    }

  if (changed)
    notifier_changed (model, MODEL_HOME_RW);
}

static gboolean
rw_try_acquire (Model    *model,
                gboolean  write)
{
  rw_grant (model);
  if (model->queues[Q_RW].len > 0 || !rw_can (model, write))
    return FALSE;

  rw_take (model, write);
  notifier_changed (model, MODEL_HOME_RW);
  return TRUE;
}

static ModelReply
rw_release (Model    *model,
            gboolean  write)
{
  ModelReply reply = { FALSE, MODEL_RESULT_NOT_LOCKED, 0, FALSE };

  if (write ? !model->rw_writer : model->rw_readers == 0)
    return reply;

  if (write)
    model->rw_writer = FALSE;
  else
    model->rw_readers--;
  notifier_changed (model, MODEL_HOME_RW);
  rw_grant (model);

  reply.ret = TRUE;
  reply.error = MODEL_RESULT_OK;
  return reply;
}

/* ---- Barrier ---- */

static void
barrier_set_state (Model        *model,
                   BarrierState  state)
{
  model->barrier_state = state;
  notifier_changed (model, MODEL_HOME_BARRIER);
}

/* The last party arrived: release the cycle, indices in arrival order. */
static void
barrier_release (Model  *model,
                 Waiter *last)
{
  Waiter *w;
  guint index = 0;

  barrier_set_state (model, BARRIER_DRAINING);
  while ((w = queue_head (model, Q_BARRIER)) != NULL)
    {
      w->index = index++;
      waiter_complete (model, w);
    }
  last->index = index;
  waiter_complete (model, last);
}

static void
barrier_join (Model  *model,
              Waiter *w)
{
  g_assert (model->barrier_state == BARRIER_FILLING);

  /* The arrival that may complete the cycle: stopped parties leave first. */
  if (model->barrier_count + 1 == model->setup.parties)
    queue_expire (model, Q_BARRIER);

  w->in_cycle = TRUE;
  model->barrier_count++;
  if (model->barrier_count == model->setup.parties)
    barrier_release (model, w);
  else
    waiter_enqueue (model, w, Q_BARRIER);
}

static void
barrier_arrive (Model  *model,
                Waiter *w)
{
  switch (model->barrier_state)
    {
    case BARRIER_BROKEN:
      waiter_fail (model, w, MODEL_RESULT_BROKEN_BARRIER);
      break;
    case BARRIER_DRAINING:
    case BARRIER_RESETTING:
      waiter_enqueue (model, w, Q_ARRIVALS);
      break;
    case BARRIER_FILLING:
      barrier_join (model, w);
      break;
    }
}

/* Once the last party of a drained or reset cycle has left, the barrier
 * fills again, first with the parties that arrived meanwhile. */
static void
barrier_refill (Model *model)
{
  Waiter *w;

  if (model->barrier_count > 0 ||
      (model->barrier_state != BARRIER_DRAINING && model->barrier_state != BARRIER_RESETTING))
    return;

  barrier_set_state (model, BARRIER_FILLING);
  while (model->barrier_state == BARRIER_FILLING && (w = queue_pop (model, Q_ARRIVALS)) != NULL)
    barrier_join (model, w);
}

static void
barrier_reset (Model *model)
{
  queue_fail_all (model, Q_BARRIER, MODEL_RESULT_BROKEN_BARRIER);
  barrier_set_state (model, BARRIER_RESETTING);
  barrier_refill (model);
}

static void
barrier_abort (Model *model)
{
  barrier_set_state (model, BARRIER_BROKEN);
  queue_fail_all (model, Q_BARRIER, MODEL_RESULT_BROKEN_BARRIER);
  queue_fail_all (model, Q_ARRIVALS, MODEL_RESULT_BROKEN_BARRIER);
}

/* ---- Queue ---- */

static gboolean
queue_has_room (Model *model)
{
  return model->setup.maxsize == 0 || model->items.len < model->setup.maxsize;
}

/* To the first waiting consumer, else into the items. */
static void
queue_insert (Model *model,
              guint  item)
{
  Waiter *getter = queue_pop (model, Q_GETTERS);

  model->unfinished++;
  if (getter != NULL)
    {
      getter->item = item;
      waiter_complete (model, getter);
    }
  else
    {
      int_queue_push (&model->items, item);
      notifier_changed (model, MODEL_HOME_QUEUE);
    }
}

/* Takes the first item, then lets the first waiting producer in. */
static guint
queue_take (Model *model)
{
  guint item = model->items.data[0];
  Waiter *putter;

  int_queue_remove_at (&model->items, 0);
  notifier_changed (model, MODEL_HOME_QUEUE);
  if (queue_has_room (model) && (putter = queue_pop (model, Q_PUTTERS)) != NULL)
    {
      queue_insert (model, putter->item);
      waiter_complete (model, putter);
    }

  return item;
}

static void
queue_put (Model  *model,
           Waiter *w)
{
  if (model->shut_down)
    waiter_fail (model, w, MODEL_RESULT_SHUT_DOWN);
  else if (queue_peek (model, Q_PUTTERS) == NULL && queue_has_room (model))
    {
      queue_insert (model, w->item);
      waiter_complete (model, w);
    }
  else
    waiter_enqueue (model, w, Q_PUTTERS);
}

static void
queue_get (Model  *model,
           Waiter *w)
{
  if (model->items.len > 0)
    {
      w->item = queue_take (model);
      waiter_complete (model, w);
    }
  else if (model->shut_down)
    waiter_fail (model, w, MODEL_RESULT_SHUT_DOWN);
  else
    waiter_enqueue (model, w, Q_GETTERS);
}

static ModelReply
queue_try_put (Model *model,
               guint  item)
{
  ModelReply reply = { FALSE, MODEL_RESULT_OK, 0, FALSE };

  if (model->shut_down)
    reply.error = MODEL_RESULT_SHUT_DOWN;
  else if (queue_peek (model, Q_PUTTERS) != NULL || !queue_has_room (model))
    reply.error = MODEL_RESULT_WOULD_BLOCK;
  else
    {
      queue_insert (model, item);
      reply.ret = TRUE;
    }

  return reply;
}

static ModelReply
queue_try_get (Model *model)
{
  ModelReply reply = { FALSE, MODEL_RESULT_OK, 0, FALSE };

  if (model->items.len > 0)
    {
      reply.ret = TRUE;
      reply.detail = queue_take (model);
    }
  else
    {
      reply.error = model->shut_down ? MODEL_RESULT_SHUT_DOWN : MODEL_RESULT_WOULD_BLOCK;
    }

  return reply;
}

static ModelReply
queue_task_done (Model *model)
{
  ModelReply reply = { FALSE, MODEL_RESULT_VALUE, 0, FALSE };

  if (model->unfinished == 0)
    return reply;

  if (--model->unfinished == 0)
    queue_complete_all (model, Q_JOINERS);
  reply.ret = TRUE;
  reply.error = MODEL_RESULT_OK;
  return reply;
}

static void
queue_shutdown (Model    *model,
                gboolean  immediate)
{
  model->shut_down = TRUE;
  if (immediate && model->items.len > 0)
    {
      model->unfinished -= MIN (model->unfinished, model->items.len);
      model->items.len = 0;
      if (model->unfinished == 0)
        queue_complete_all (model, Q_JOINERS);
      notifier_changed (model, MODEL_HOME_QUEUE);
    }
  queue_fail_all (model, Q_PUTTERS, MODEL_RESULT_SHUT_DOWN);
  if (model->items.len == 0)
    queue_fail_all (model, Q_GETTERS, MODEL_RESULT_SHUT_DOWN);
}

/* ---- running ready items, and timers ---- */

/* The wait-for resume hook: the lock was handed back to the waiter. */
static gboolean
wait_for_resume (Model  *model,
                 Waiter *w)
{
  gboolean value = model->flags[w->flag];
  guint cond = cond_of_target (w->target);

  log_event (model, MODEL_EVENT_PREDICATE, w->id, value | model->locked[cond] << 1, 0);
  if (value)
    return TRUE;

  /* A cancellation ignored after the notification counts now. */
  if (canc_is_stopped (model, w->canc))
    {
      w->error = canc_stop_error (model, w->canc);
      return TRUE;
    }

  w->where = WHERE_NONE;
  /* NOT_LOCKED if someone released the lock handed to the waiter. */
  return !cond_park_or_record (model, cond, w);
}

static void
run_waiter (Model  *model,
            Waiter *w)
{
  /* The barrier's resume hook: a party of the cycle leaves it. */
  if (w->kind == MODEL_OP_WAIT && w->target == MODEL_TARGET_BARRIER && w->in_cycle)
    {
      w->in_cycle = FALSE;
      model->barrier_count--;
      barrier_refill (model);
    }

  if (w->resume && w->error == MODEL_RESULT_OK && !wait_for_resume (model, w))
    return;

  w->where = WHERE_DONE;
  w->timer_gone = TRUE;
  model->n_outstanding--;
  log_event (model, MODEL_EVENT_COMPLETE, w->id, w->error,
             w->error != MODEL_RESULT_OK ? 0 :
             w->kind == MODEL_OP_GET ? w->item :
             w->kind == MODEL_OP_WAIT && w->target == MODEL_TARGET_BARRIER ? w->index : 0);
}

static void
run_notifier (Model     *model,
              ModelHome  home)
{
  Notifier *n = &model->notifiers[home];
  guint i;

  n->pending = FALSE;
  for (i = 0; i < home_props[home].n_props; i++)
    {
      ModelProp prop = home_props[home].props[i];
      guint value = prop_value (model, prop);

      if (value != n->last[i])
        {
          n->last[i] = value;
          log_event (model, MODEL_EVENT_NOTIFY, prop, value, 0);
        }
    }
}

/* The deadline timers of @ctx whose deadline has passed, in the order they
 * were armed (the waiters' order).  Returns whether any ran. */
static gboolean
run_timers (Model *model,
            guint  ctx)
{
  gboolean any = FALSE;
  guint i;

  for (i = 0; i < model->waiters->len; i++)
    {
      Waiter *w = waiter_get (model, i);

      if (w->ctx != ctx || !w->timer_armed || w->timer_gone ||
          !cancellable_get (model, w->canc)->expired)
        continue;

      w->timer_gone = TRUE;
      any = TRUE;
      waiter_stop (model, w);
    }

  return any;
}

/* One iteration of @ctx: the dispatcher runs every ready item, including
 * those appended meanwhile, then the timers that are due run.  Returns
 * whether anything was dispatched. */
static gboolean
iterate (Model *model,
         guint  ctx)
{
  GArray *ready = model->ready[ctx];
  gboolean any = ready->len > 0;

  while (ready->len > 0)
    {
      Item item = g_array_index (ready, Item, 0);

      g_array_remove_index (ready, 0);
      if (item.kind == ITEM_WAITER)
        run_waiter (model, waiter_get (model, item.index));
      else
        run_notifier (model, item.index);
    }

  return run_timers (model, ctx) || any;
}

/* ---- public ---- */

static gint
cancellable_new (Model         *model,
                 ModelCancKind  kind)
{
  Cancellable c = { kind, FALSE, kind == MODEL_CANC_EXPIRED, FALSE };

  g_array_append_val (model->cancellables, c);
  return model->cancellables->len - 1;
}

Model *
model_new (const ModelSetup *setup)
{
  Model *model = g_new0 (Model, 1);
  guint i;

  model->setup = *setup;
  model->setup.parties = MAX (setup->parties, 1);
  model->sem_value[0] = setup->sem_value;
  model->sem_bound[0] = G_MAXUINT;
  model->sem_value[1] = setup->bsem_value;
  model->sem_bound[1] = setup->bsem_value;
  model->barrier_state = BARRIER_FILLING;
  model->cancellables = g_array_new (FALSE, TRUE, sizeof (Cancellable));
  for (i = 0; i < MODEL_N_SLOTS; i++)
    model->slots[i] = cancellable_new (model, MODEL_CANC_PLAIN);
  model->waiters = g_array_new (FALSE, TRUE, sizeof (Waiter));
  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    model->ready[i] = g_array_new (FALSE, FALSE, sizeof (Item));
  model->events = g_array_new (FALSE, FALSE, sizeof (ModelEvent));
  for (i = 0; i < MODEL_N_HOMES; i++)
    {
      guint j;

      model->notifiers[i].home = setup->home[i] % MODEL_N_CONTEXTS;
      for (j = 0; j < home_props[i].n_props; j++)
        model->notifiers[i].last[j] = prop_value (model, home_props[i].props[j]);
    }

  return model;
}

void
model_free (Model *model)
{
  guint i;

  for (i = 0; i < N_QUEUES; i++)
    int_queue_clear (&model->queues[i]);
  int_queue_clear (&model->items);
  g_array_unref (model->cancellables);
  g_array_unref (model->waiters);
  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    g_array_unref (model->ready[i]);
  g_array_unref (model->events);
  g_free (model);
}

gboolean
model_op_is_async (const ModelOp *op)
{
  switch (op->kind)
    {
    case MODEL_OP_ACQUIRE:
    case MODEL_OP_WAIT:
    case MODEL_OP_COND_WAIT:
    case MODEL_OP_COND_WAIT_FOR:
    case MODEL_OP_PUT:
    case MODEL_OP_GET:
    case MODEL_OP_JOIN:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
model_would_skip (Model         *model,
                  const ModelOp *op)
{
  return model_op_is_async (op) && model->n_outstanding >= MODEL_MAX_OUTSTANDING;
}

static Waiter *
waiter_new (Model         *model,
            const ModelOp *op)
{
  Waiter w = { 0, };

  w.id = model->waiters->len;
  w.kind = op->kind;
  w.target = op->target;
  w.ctx = op->ctx % MODEL_N_CONTEXTS;
  w.canc = op->canc >= 0 ? model->slots[op->canc % MODEL_N_SLOTS] : -1;
  w.flag = op->arg % MODEL_N_FLAGS;
  w.writer = op->target == MODEL_TARGET_RW_WRITE;
  w.where = WHERE_NONE;
  w.error = MODEL_RESULT_OK;
  g_array_append_val (model->waiters, w);
  model->n_outstanding++;
  if (op->kind == MODEL_OP_COND_WAIT_FOR)
    model->n_wait_for++;

  return waiter_get (model, w.id);
}

/* async_sync_waiter_fail_if_cancelled(): a stopped cancellable fails the
 * call without queueing and without taking anything. */
static gboolean
waiter_fail_if_stopped (Model  *model,
                        Waiter *w)
{
  if (!canc_is_stopped (model, w->canc))
    return FALSE;

  waiter_fail (model, w, canc_stop_error (model, w->canc));
  return TRUE;
}

/* The `_async` call of @w, after fail_if_cancelled. */
static void
start_waiter (Model         *model,
              Waiter        *w,
              const ModelOp *op)
{
  gboolean value;

  switch ((ModelOpKind) op->kind)
    {
    case MODEL_OP_ACQUIRE:
      if (target_is_sem (op->target))
        sem_acquire (model, sem_of_target (op->target), permits (op), w);
      else if (target_is_rw (op->target))
        {
          /* Queue first, then admit from the head. */
          waiter_enqueue (model, w, Q_RW);
          rw_grant (model);
        }
      else
        lock_grant_or_queue (model, lock_of_target (op->target), w);
      break;

    case MODEL_OP_WAIT:
      if (op->target == MODEL_TARGET_BARRIER)
        barrier_arrive (model, w);
      else if (model->event_set)
        waiter_complete (model, w);
      else
        waiter_enqueue (model, w, Q_EVENT);
      break;

    case MODEL_OP_COND_WAIT:
      cond_park (model, cond_of_target (op->target), w);
      break;

    case MODEL_OP_COND_WAIT_FOR:
      if (!model->locked[cond_of_target (op->target)])
        {
          waiter_fail (model, w, MODEL_RESULT_NOT_LOCKED);
          break;
        }
      /* Checked at once, the caller holding the lock. */
      value = model->flags[w->flag];
      log_event (model, MODEL_EVENT_PREDICATE, w->id, value | TRUE << 1, 0);
      if (value)
        {
          waiter_complete (model, w);
        }
      else
        {
          w->resume = TRUE;
          cond_park (model, cond_of_target (op->target), w);
        }
      break;

    case MODEL_OP_PUT:
      queue_put (model, w);
      break;

    case MODEL_OP_GET:
      queue_get (model, w);
      break;

    case MODEL_OP_JOIN:
      if (model->unfinished == 0)
        waiter_complete (model, w);
      else
        waiter_enqueue (model, w, Q_JOINERS);
      break;

    default:
      g_assert_not_reached ();
    }
}

static ModelReply
apply_async (Model         *model,
             const ModelOp *op)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, 0, FALSE };
  Waiter *w = waiter_new (model, op);

  /* A put makes its item first, whatever happens to the call. */
  if (op->kind == MODEL_OP_PUT)
    w->item = model->n_items++;

  if (waiter_fail_if_stopped (model, w))
    return reply;

  start_waiter (model, w, op);

  /* Still queued: the call connects the cancellable and arms the
   * deadline's timer on the waiter's context. */
  w = waiter_get (model, w->id);
  if (w->where == WHERE_QUEUED && canc_has_deadline (model, w->canc))
    w->timer_armed = TRUE;

  return reply;
}

static void
apply_cancel (Model *model,
              guint  slot)
{
  gint instance = model->slots[slot % MODEL_N_SLOTS];
  Cancellable *c = cancellable_get (model, instance);
  guint i;

  if (c->cancelled)
    return;

  c->cancelled = TRUE;
  c->cancelled_first = !c->expired;
  /* Handlers run in the order they were connected: creation order. */
  for (i = 0; i < model->waiters->len; i++)
    {
      Waiter *w = waiter_get (model, i);

      if (w->canc == instance)
        waiter_stop (model, w);
    }
}

static gboolean
run_idle (Model *model)
{
  gboolean any, ran = FALSE;
  guint i;

  do
    {
      any = FALSE;
      for (i = 0; i < MODEL_N_CONTEXTS; i++)
        any |= iterate (model, i);
      ran |= any;
    }
  while (any);

  return ran;
}

ModelReply
model_apply (Model         *model,
             const ModelOp *op)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, 0, FALSE };

  if (model_would_skip (model, op))
    {
      reply.skipped = TRUE;
      return reply;
    }
  if (model_op_is_async (op))
    return apply_async (model, op);

  switch ((ModelOpKind) op->kind)
    {
    case MODEL_OP_TRY_ACQUIRE:
      if (target_is_sem (op->target))
        reply.ret = sem_try_acquire (model, sem_of_target (op->target), MAX (permits (op), 1));
      else if (target_is_rw (op->target))
        reply.ret = rw_try_acquire (model, op->target == MODEL_TARGET_RW_WRITE);
      else
        {
          guint l = lock_of_target (op->target);

          reply.ret = !model->locked[l];
          if (reply.ret)
            lock_set_locked (model, l, TRUE);
        }
      break;

    case MODEL_OP_RELEASE:
      if (target_is_sem (op->target))
        reply = sem_release (model, sem_of_target (op->target), permits (op));
      else if (target_is_rw (op->target))
        reply = rw_release (model, op->target == MODEL_TARGET_RW_WRITE);
      else
        {
          guint l = lock_of_target (op->target);

          reply.ret = model->locked[l];
          if (model->locked[l])
            lock_release_locked (model, l);
          else
            reply.error = MODEL_RESULT_NOT_LOCKED;
        }
      break;

    case MODEL_OP_SET:
      if (!model->event_set)
        {
          Waiter *w;

          model->event_set = TRUE;
          notifier_changed (model, MODEL_HOME_EVENT);
          while ((w = queue_pop (model, Q_EVENT)) != NULL)
            waiter_complete (model, w);
        }
      break;

    case MODEL_OP_CLEAR:
      if (model->event_set)
        {
          model->event_set = FALSE;
          notifier_changed (model, MODEL_HOME_EVENT);
        }
      break;

    case MODEL_OP_RESET:
      barrier_reset (model);
      break;

    case MODEL_OP_ABORT:
      barrier_abort (model);
      break;

    case MODEL_OP_NOTIFY:
    case MODEL_OP_NOTIFY_ALL:
      {
        guint c = cond_of_target (op->target);

        reply.ret = model->locked[c];
        if (!model->locked[c])
          reply.error = MODEL_RESULT_NOT_LOCKED;
        else
          cond_notify (model, c, op->kind == MODEL_OP_NOTIFY_ALL ? G_MAXUINT : op->arg);
      }
      break;

    case MODEL_OP_SET_FLAG:
      model->flags[op->arg % MODEL_N_FLAGS] = op->canc != 0;
      break;

    case MODEL_OP_TRY_PUT:
      reply = queue_try_put (model, model->n_items++);
      break;

    case MODEL_OP_TRY_GET:
      reply = queue_try_get (model);
      break;

    case MODEL_OP_TASK_DONE:
      reply = queue_task_done (model);
      break;

    case MODEL_OP_SHUTDOWN:
      queue_shutdown (model, op->arg != 0);
      break;

    case MODEL_OP_CANCEL:
      if (op->canc >= 0)
        apply_cancel (model, op->canc);
      break;

    case MODEL_OP_RENEW:
      if (op->canc >= 0)
        model->slots[op->canc % MODEL_N_SLOTS] = cancellable_new (model, op->arg % MODEL_N_CANC_KINDS);
      break;

    case MODEL_OP_EXPIRE:
      if (op->canc >= 0)
        {
          Cancellable *c = cancellable_get (model, model->slots[op->canc % MODEL_N_SLOTS]);

          if (c->kind == MODEL_CANC_EXPIRING)
            c->expired = TRUE;
        }
      break;

    case MODEL_OP_ITERATE:
      iterate (model, op->ctx % MODEL_N_CONTEXTS);
      break;

    case MODEL_OP_RUN_IDLE:
      run_idle (model);
      break;

    case MODEL_OP_ACQUIRE:
    case MODEL_OP_WAIT:
    case MODEL_OP_COND_WAIT:
    case MODEL_OP_COND_WAIT_FOR:
    case MODEL_OP_PUT:
    case MODEL_OP_GET:
    case MODEL_OP_JOIN:
    case MODEL_N_OPS:
    default:
      g_assert_not_reached ();
    }

  return reply;
}

void
model_snapshot (Model         *model,
                ModelSnapshot *snapshot)
{
  guint i;

  memset (snapshot, 0, sizeof *snapshot);
  for (i = 0; i < 2; i++)
    {
      snapshot->locked[i] = model->locked[i];
      snapshot->lock_waiting[i] = model->queues[Q_LOCK + i].len;
      snapshot->cond_waiting[i] = model->queues[Q_COND0 + i].len;
      snapshot->sem_value[i] = model->sem_value[i];
      snapshot->sem_waiting[i] = model->queues[Q_SEM + i].len;
      snapshot->sem_locked[i] = model->sem_value[i] == 0 || model->queues[Q_SEM + i].len > 0;
    }
  snapshot->event_set = model->event_set;
  snapshot->event_waiting = model->queues[Q_EVENT].len;
  snapshot->bsem_bound = model->sem_bound[1];
  snapshot->barrier_waiting = model->queues[Q_BARRIER].len;
  snapshot->barrier_broken = model->barrier_state == BARRIER_BROKEN;
  snapshot->queue_length = model->items.len;
  snapshot->queue_full = !queue_has_room (model);
  snapshot->queue_shut_down = model->shut_down;
  snapshot->rw_readers = model->rw_readers;
  snapshot->rw_writer = model->rw_writer;
  snapshot->rw_waiting = model->queues[Q_RW].len;
}

guint
model_n_outstanding (Model *model)
{
  return model->n_outstanding;
}

guint
model_n_async_ops (Model *model)
{
  return model->waiters->len;
}

guint
model_n_wait_for_ops (Model *model)
{
  return model->n_wait_for;
}

guint
model_n_items (Model *model)
{
  return model->n_items;
}

const ModelEvent *
model_get_events (Model *model,
                  guint *n_events)
{
  *n_events = model->events->len;
  return (const ModelEvent *) model->events->data;
}

/*
 * model_next_drain_op:
 *
 * The next step of the clean-up that ends every run: it brings every
 * operation in flight to completion (cancel every slot, make every
 * predicate true, run what is ready, set the event, notify everyone,
 * release what is held, abort the barrier, shut the queue down and
 * finish its work), so that the objects can be dropped and must be
 * finalized.  Returns %FALSE when nothing is left in flight.
 */
gboolean
model_next_drain_op (Model   *model,
                     ModelOp *op)
{
  guint i;

  memset (op, 0, sizeof *op);

  for (i = 0; i < MODEL_N_SLOTS; i++)
    if (!cancellable_get (model, model->slots[i])->cancelled)
      {
        op->kind = MODEL_OP_CANCEL;
        op->canc = i;
        return TRUE;
      }

  for (i = 0; i < MODEL_N_FLAGS; i++)
    if (!model->flags[i])
      {
        op->kind = MODEL_OP_SET_FLAG;
        op->arg = i;
        op->canc = 1;
        return TRUE;
      }

  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    if (model->ready[i]->len > 0)
      {
        op->kind = MODEL_OP_RUN_IDLE;
        return TRUE;
      }

  if (model->n_outstanding == 0)
    return FALSE;

  op->canc = -1;
  if (model->queues[Q_EVENT].len > 0)
    {
      op->kind = MODEL_OP_SET;
      op->target = MODEL_TARGET_EVENT;
      return TRUE;
    }

  for (i = 0; i < 2; i++)
    if (model->queues[Q_COND0 + i].len > 0)
      {
        op->target = i == 0 ? MODEL_TARGET_COND0 : MODEL_TARGET_COND1;
        op->kind = model->locked[i] ? MODEL_OP_NOTIFY_ALL : MODEL_OP_TRY_ACQUIRE;
        return TRUE;
      }

  for (i = 0; i < 2; i++)
    if (model->queues[Q_LOCK + i].len > 0)
      {
        op->kind = MODEL_OP_RELEASE;
        op->target = i == 0 ? MODEL_TARGET_LOCK : MODEL_TARGET_COND1;
        return TRUE;
      }

  for (i = 0; i < 2; i++)
    if (model->queues[Q_SEM + i].len > 0)
      {
        op->kind = MODEL_OP_RELEASE;
        op->target = i == 0 ? MODEL_TARGET_SEM : MODEL_TARGET_BSEM;
        return TRUE;
      }

  if (model->queues[Q_RW].len > 0)
    {
      op->kind = MODEL_OP_RELEASE;
      op->target = model->rw_writer ? MODEL_TARGET_RW_WRITE : MODEL_TARGET_RW_READ;
      return TRUE;
    }

  if (model->queues[Q_BARRIER].len > 0 || model->queues[Q_ARRIVALS].len > 0)
    {
      op->kind = MODEL_OP_ABORT;
      op->target = MODEL_TARGET_BARRIER;
      return TRUE;
    }

  op->target = MODEL_TARGET_QUEUE;
  if (model->queues[Q_PUTTERS].len > 0 || model->queues[Q_GETTERS].len > 0)
    {
      op->kind = MODEL_OP_SHUTDOWN;
      op->arg = 1;
      return TRUE;
    }
  if (model->queues[Q_JOINERS].len > 0)
    {
      op->kind = MODEL_OP_TASK_DONE;
      return TRUE;
    }

  /* Something is in flight but nothing can move it: the model is stuck
   * (a waiter nobody can wake). */
  return FALSE;
}
