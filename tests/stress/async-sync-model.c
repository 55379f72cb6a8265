/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reference model: what SPEC sections 3 and 5 (and the choices the
 * library documents where SPEC is silent) say must happen, written as
 * plainly as possible, with no threads and no GLib main loop.
 *
 * Completions go through a per-context FIFO of ready items, like the
 * library's dispatcher: a waiter's completion, or an object's pending
 * property notification (coalesced: at most one pending per object, and
 * emitted only if the value read when it runs differs from the last one
 * notified).  An iteration of a context runs its ready items in order,
 * including the ones appended while it runs.  The order in which items
 * are appended is part of the contract the model checks: a grant pushes
 * the object's notification before the waiter's completion, as the
 * state changes before the waiter is handed its result.
 */

#include "async-sync-model.h"

#include <gio/gio.h>

#include <stdlib.h>
#include <string.h>

typedef enum
{
  WHERE_NONE,        /* not yet started, or out of every queue */
  WHERE_LOCK_QUEUE,  /* index: which lock */
  WHERE_COND_QUEUE,  /* index: which condition */
  WHERE_EVENT_QUEUE,
  WHERE_SEM_QUEUE,   /* index: which semaphore */
  WHERE_READY,       /* in its context's ready queue */
  WHERE_DONE,        /* its callback ran */
} Where;

typedef struct
{
  guint       id;
  ModelOpKind kind;
  ModelTarget target;
  guint       ctx;
  gint        canc;        /* cancellable instance, -1 for none */
  guint       flag;        /* wait-for */
  guint       weight;      /* permits wanted (semaphores) */
  Where       where;
  guint       where_index;
  gboolean    uncancellable;
  gboolean    resume;      /* wait-for that parked: re-checks when it runs */
  ModelResult error;       /* the result it completes with */
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
  guint    last;
  guint    home;
} Notifier;

struct _Model
{
  ModelSetup setup;

  gboolean   locked[2];
  IntQueue   lock_queue[2];
  IntQueue   cond_queue[2];
  gboolean   event_set;
  IntQueue   event_queue;
  guint      sem_value[2];
  guint      sem_bound[2];
  IntQueue   sem_queue[2];
  Notifier   notifiers[MODEL_N_NOTIFIERS];

  gboolean   flags[MODEL_N_FLAGS];
  gint       slots[MODEL_N_SLOTS];   /* slot -> cancellable instance */
  GArray    *cancelled;              /* instance -> gboolean */

  GArray    *waiters;                /* of Waiter, by id */
  guint      n_outstanding;
  guint      n_wait_for;

  /* ready items per context, as (kind, index) pairs */
  GArray    *ready[MODEL_N_CONTEXTS];

  GArray    *events;                 /* of ModelEvent */
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

static gboolean
int_queue_remove (IntQueue *q,
                  guint     value)
{
  guint i;

  for (i = 0; i < q->len; i++)
    if (q->data[i] == value)
      {
        memmove (&q->data[i], &q->data[i + 1], (q->len - i - 1) * sizeof (guint));
        q->len--;
        return TRUE;
      }

  return FALSE;
}

static gboolean
int_queue_pop (IntQueue *q,
               guint    *value)
{
  if (q->len == 0)
    return FALSE;

  *value = q->data[0];
  memmove (&q->data[0], &q->data[1], (q->len - 1) * sizeof (guint));
  q->len--;

  return TRUE;
}

static void
int_queue_clear (IntQueue *q)
{
  g_clear_pointer (&q->data, g_free);
  q->len = q->alloc = 0;
}

/* ---- objects ---- */

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

static guint
sem_of_target (ModelTarget target)
{
  g_assert (target_is_sem (target));
  return target == MODEL_TARGET_SEM ? 0 : 1;
}

static guint
notifier_value (Model *model,
                guint  notifier)
{
  switch (notifier)
    {
    case MODEL_NOTIFIER_LOCK:
      return model->locked[0];
    case MODEL_NOTIFIER_LOCK1:
      return model->locked[1];
    case MODEL_NOTIFIER_EVENT:
      return model->event_set;
    case MODEL_NOTIFIER_SEM:
      return model->sem_value[0];
    case MODEL_NOTIFIER_BSEM:
      return model->sem_value[1];
    default:
      g_assert_not_reached ();
    }
}

static Waiter *
waiter_get (Model *model,
            guint  id)
{
  return &g_array_index (model->waiters, Waiter, id);
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
           guint           value)
{
  ModelEvent event = { kind, id, value };

  g_array_append_val (model->events, event);
}

/* async_sync_notifier_changed() */
static void
notifier_changed (Model *model,
                  guint  notifier)
{
  Notifier *n = &model->notifiers[notifier];

  if (n->pending)
    return;

  n->pending = TRUE;
  push_item (model, n->home, ITEM_NOTIFIER, notifier);
}

static void
waiter_leave_queue (Model  *model,
                    Waiter *w)
{
  IntQueue *q = NULL;

  switch (w->where)
    {
    case WHERE_LOCK_QUEUE:
      q = &model->lock_queue[w->where_index];
      break;
    case WHERE_COND_QUEUE:
      q = &model->cond_queue[w->where_index];
      break;
    case WHERE_EVENT_QUEUE:
      q = &model->event_queue;
      break;
    case WHERE_SEM_QUEUE:
      q = &model->sem_queue[w->where_index];
      break;
    default:
      return;
    }

  if (!int_queue_remove (q, w->id))
    g_assert_not_reached ();
  w->where = WHERE_NONE;
}

static void
waiter_enqueue (Model  *model,
                Waiter *w,
                Where   where,
                guint   index)
{
  IntQueue *q;

  g_assert (w->where == WHERE_NONE);

  switch (where)
    {
    case WHERE_LOCK_QUEUE:
      q = &model->lock_queue[index];
      break;
    case WHERE_COND_QUEUE:
      q = &model->cond_queue[index];
      break;
    case WHERE_EVENT_QUEUE:
      q = &model->event_queue;
      break;
    case WHERE_SEM_QUEUE:
      q = &model->sem_queue[index];
      break;
    default:
      g_assert_not_reached ();
    }

  int_queue_push (q, w->id);
  w->where = where;
  w->where_index = index;
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

static gboolean
cancellable_is_cancelled (Model *model,
                          gint   instance)
{
  return instance >= 0 && g_array_index (model->cancelled, gboolean, instance);
}

/* ---- Lock ---- */

static void
lock_set_locked (Model    *model,
                 guint     lock,
                 gboolean  locked)
{
  model->locked[lock] = locked;
  notifier_changed (model, lock == 0 ? MODEL_NOTIFIER_LOCK : MODEL_NOTIFIER_LOCK1);
}

/* Hand-off: the first waiter gets the lock, which stays locked. */
static void
lock_release_locked (Model *model,
                     guint  lock)
{
  guint next;

  g_assert (model->locked[lock]);

  if (int_queue_pop (&model->lock_queue[lock], &next))
    {
      Waiter *w = waiter_get (model, next);

      w->where = WHERE_NONE;
      waiter_complete (model, w);
    }
  else
    {
      lock_set_locked (model, lock, FALSE);
    }
}

static void
lock_grant_or_queue (Model  *model,
                     guint   lock,
                     Waiter *w)
{
  if (!model->locked[lock])
    {
      g_assert (model->lock_queue[lock].len == 0);
      lock_set_locked (model, lock, TRUE);
      waiter_complete (model, w);
    }
  else
    {
      waiter_enqueue (model, w, WHERE_LOCK_QUEUE, lock);
    }
}

/* ---- Condition ---- */

/* A notified (or cancelled) condition waiter moves to the back of the
 * lock's queue; from then on a cancellation no longer applies to it. */
static void
cond_move_to_lock (Model  *model,
                   guint   cond,
                   Waiter *w)
{
  waiter_leave_queue (model, w);
  w->uncancellable = TRUE;
  lock_grant_or_queue (model, cond == 0 ? 0 : 1, w);
}

/* Releases the lock and parks the waiter until notified. */
static gboolean
cond_park (Model  *model,
           guint   cond,
           Waiter *w)
{
  guint lock = cond == 0 ? 0 : 1;

  if (!model->locked[lock])
    {
      waiter_fail (model, w, MODEL_RESULT_NOT_LOCKED);
      return FALSE;
    }

  w->uncancellable = FALSE;
  waiter_enqueue (model, w, WHERE_COND_QUEUE, cond);
  lock_release_locked (model, lock);

  return TRUE;
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
  while (model->sem_queue[s].len > 0)
    {
      Waiter *head = waiter_get (model, model->sem_queue[s].data[0]);

      /* A head whose cancellable was cancelled (its handler has not run
       * yet) is never granted: it leaves first. */
      if (cancellable_is_cancelled (model, head->canc))
        {
          waiter_fail (model, head, MODEL_RESULT_CANCELLED);
          continue;
        }
      if (head->weight > value)
        break;
      value -= head->weight;
      waiter_complete (model, head);
    }

  if (value != model->sem_value[s])
    {
      model->sem_value[s] = value;
      notifier_changed (model, MODEL_NOTIFIER_SEM + s);
    }
}

/* arg 0: one permit (the plain call); arg n + 1: n permits (`_many`). */
static guint
permits (const ModelOp *op)
{
  return op->arg == 0 ? 1 : op->arg - 1;
}

/* ---- cancellation ---- */

/* The cancelled handler of one waiter (connected in creation order). */
static void
waiter_cancelled (Model  *model,
                  Waiter *w)
{
  switch (w->where)
    {
    case WHERE_COND_QUEUE:
      /* Re-acquires the lock (queued at the back), then fails. */
      w->error = MODEL_RESULT_CANCELLED;
      cond_move_to_lock (model, w->where_index, w);
      break;

    case WHERE_LOCK_QUEUE:
      if (w->uncancellable)
        break;
      waiter_fail (model, w, MODEL_RESULT_CANCELLED);
      break;

    case WHERE_EVENT_QUEUE:
      waiter_fail (model, w, MODEL_RESULT_CANCELLED);
      break;

    case WHERE_SEM_QUEUE:
      {
        guint s = w->where_index;

        /* A cancelled head may unblock the requests behind it. */
        waiter_fail (model, w, MODEL_RESULT_CANCELLED);
        sem_update (model, s, model->sem_value[s]);
      }
      break;

    default:
      /* Granted already (or not queued): success wins. */
      break;
    }
}

/* ---- running ready items ---- */

static void
run_waiter (Model  *model,
            Waiter *w)
{
  if (w->resume && w->error == MODEL_RESULT_OK)
    {
      gboolean value = model->flags[w->flag];

      /* The lock was handed to the waiter: check the predicate. */
      log_event (model, MODEL_EVENT_PREDICATE, w->id,
                 value | model->locked[lock_of_target (w->target)] << 1);
      if (!value)
        {
          if (cancellable_is_cancelled (model, w->canc))
            {
              w->error = MODEL_RESULT_CANCELLED;
            }
          else
            {
              w->where = WHERE_NONE;
              if (cond_park (model, cond_of_target (w->target), w))
                return;
              /* NOT_LOCKED: someone released the lock that was handed to
               * the waiter.  It completes once, with the error. */
              g_assert (w->where == WHERE_READY);
              /* cond_park queued it again through waiter_fail(); it is
               * running now, so take that item back out. */
              g_array_remove_index (model->ready[w->ctx], model->ready[w->ctx]->len - 1);
            }
        }
    }

  w->where = WHERE_DONE;
  model->n_outstanding--;
  log_event (model, MODEL_EVENT_COMPLETE, w->id, w->error);
}

static void
run_notifier (Model *model,
              guint  notifier)
{
  Notifier *n = &model->notifiers[notifier];
  guint value = notifier_value (model, notifier);

  n->pending = FALSE;
  if (value != n->last)
    {
      n->last = value;
      log_event (model, MODEL_EVENT_NOTIFY, notifier, value);
    }
}

/* One iteration of @ctx: every ready item, including those appended
 * meanwhile.  Returns whether anything was dispatched. */
static gboolean
iterate (Model *model,
         guint  ctx)
{
  GArray *ready = model->ready[ctx];

  if (ready->len == 0)
    return FALSE;

  while (ready->len > 0)
    {
      Item item = g_array_index (ready, Item, 0);

      g_array_remove_index (ready, 0);
      if (item.kind == ITEM_WAITER)
        run_waiter (model, waiter_get (model, item.index));
      else
        run_notifier (model, item.index);
    }

  return TRUE;
}

/* ---- public ---- */

Model *
model_new (const ModelSetup *setup)
{
  Model *model = g_new0 (Model, 1);
  guint i;

  model->setup = *setup;
  model->sem_value[0] = setup->sem_value;
  model->sem_bound[0] = G_MAXUINT;
  model->sem_value[1] = setup->bsem_value;
  model->sem_bound[1] = setup->bsem_value;
  model->cancelled = g_array_new (FALSE, TRUE, sizeof (gboolean));
  for (i = 0; i < MODEL_N_SLOTS; i++)
    {
      gboolean no = FALSE;

      g_array_append_val (model->cancelled, no);
      model->slots[i] = i;
    }
  model->waiters = g_array_new (FALSE, TRUE, sizeof (Waiter));
  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    model->ready[i] = g_array_new (FALSE, FALSE, sizeof (Item));
  model->events = g_array_new (FALSE, FALSE, sizeof (ModelEvent));
  for (i = 0; i < MODEL_N_NOTIFIERS; i++)
    {
      model->notifiers[i].home = setup->home[i] % MODEL_N_CONTEXTS;
      model->notifiers[i].last = notifier_value (model, i);
    }

  return model;
}

void
model_free (Model *model)
{
  guint i;

  for (i = 0; i < 2; i++)
    {
      int_queue_clear (&model->lock_queue[i]);
      int_queue_clear (&model->cond_queue[i]);
      int_queue_clear (&model->sem_queue[i]);
    }
  int_queue_clear (&model->event_queue);
  g_array_unref (model->cancelled);
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
  w.where = WHERE_NONE;
  w.error = MODEL_RESULT_OK;
  g_array_append_val (model->waiters, w);
  model->n_outstanding++;
  if (op->kind == MODEL_OP_COND_WAIT_FOR)
    model->n_wait_for++;

  return waiter_get (model, w.id);
}

/* async_sync_waiter_fail_if_cancelled() */
static gboolean
waiter_fail_if_cancelled (Model  *model,
                          Waiter *w)
{
  if (!cancellable_is_cancelled (model, w->canc))
    return FALSE;

  waiter_fail (model, w, MODEL_RESULT_CANCELLED);
  return TRUE;
}

ModelReply
model_apply (Model         *model,
             const ModelOp *op)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, FALSE };
  Waiter *w;
  guint i;

  if (model_would_skip (model, op))
    {
      reply.skipped = TRUE;
      return reply;
    }

  switch ((ModelOpKind) op->kind)
    {
    case MODEL_OP_ACQUIRE:
      w = waiter_new (model, op);
      if (waiter_fail_if_cancelled (model, w))
        break;
      if (target_is_sem (op->target))
        {
          guint s = sem_of_target (op->target);
          guint n = permits (op);

          w->weight = n;
          if (n == 0 || n > model->sem_bound[s])
            {
              waiter_fail (model, w, MODEL_RESULT_INVALID_ARGUMENT);
            }
          else if (model->sem_queue[s].len == 0 && model->sem_value[s] >= n)
            {
              model->sem_value[s] -= n;
              notifier_changed (model, MODEL_NOTIFIER_SEM + s);
              waiter_complete (model, w);
            }
          else
            {
              waiter_enqueue (model, w, WHERE_SEM_QUEUE, s);
            }
        }
      else
        {
          lock_grant_or_queue (model, lock_of_target (op->target), w);
        }
      break;

    case MODEL_OP_TRY_ACQUIRE:
      if (target_is_sem (op->target))
        {
          guint s = sem_of_target (op->target);
          guint n = MAX (permits (op), 1);

          reply.ret = model->sem_queue[s].len == 0 && model->sem_value[s] >= n;
          if (reply.ret)
            {
              model->sem_value[s] -= n;
              notifier_changed (model, MODEL_NOTIFIER_SEM + s);
            }
        }
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
        {
          guint s = sem_of_target (op->target);
          guint n = permits (op);

          if (n == 0)
            {
              reply.ret = FALSE;
              reply.error = MODEL_RESULT_INVALID_ARGUMENT;
              break;
            }
          reply.ret = n <= model->sem_bound[s] - model->sem_value[s];
          if (reply.ret)
            sem_update (model, s, model->sem_value[s] + n);
          else
            reply.error = MODEL_RESULT_VALUE;
        }
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

    case MODEL_OP_WAIT:
      w = waiter_new (model, op);
      if (waiter_fail_if_cancelled (model, w))
        break;
      if (model->event_set)
        waiter_complete (model, w);
      else
        waiter_enqueue (model, w, WHERE_EVENT_QUEUE, 0);
      break;

    case MODEL_OP_SET:
      if (!model->event_set)
        {
          guint next;

          model->event_set = TRUE;
          notifier_changed (model, MODEL_NOTIFIER_EVENT);
          while (int_queue_pop (&model->event_queue, &next))
            {
              w = waiter_get (model, next);
              w->where = WHERE_NONE;
              waiter_complete (model, w);
            }
        }
      break;

    case MODEL_OP_CLEAR:
      if (model->event_set)
        {
          model->event_set = FALSE;
          notifier_changed (model, MODEL_NOTIFIER_EVENT);
        }
      break;

    case MODEL_OP_COND_WAIT:
      w = waiter_new (model, op);
      if (waiter_fail_if_cancelled (model, w))
        break;
      cond_park (model, cond_of_target (op->target), w);
      break;

    case MODEL_OP_COND_WAIT_FOR:
      {
        guint c;
        gboolean value;

        w = waiter_new (model, op);
        if (waiter_fail_if_cancelled (model, w))
          break;
        c = cond_of_target (op->target);
        if (!model->locked[c])
          {
            waiter_fail (model, w, MODEL_RESULT_NOT_LOCKED);
            break;
          }
        /* Checked at once, the caller holding the lock. */
        value = model->flags[w->flag];
        log_event (model, MODEL_EVENT_PREDICATE, w->id, value | TRUE << 1);
        if (value)
          {
            waiter_complete (model, w);
          }
        else
          {
            w->resume = TRUE;
            cond_park (model, c, w);
          }
      }
      break;

    case MODEL_OP_NOTIFY:
    case MODEL_OP_NOTIFY_ALL:
      {
        guint c = cond_of_target (op->target);
        guint n = op->kind == MODEL_OP_NOTIFY_ALL ? G_MAXUINT : op->arg;

        reply.ret = model->locked[c];
        if (!model->locked[c])
          {
            reply.error = MODEL_RESULT_NOT_LOCKED;
            break;
          }
        for (; n > 0 && model->cond_queue[c].len > 0; n--)
          cond_move_to_lock (model, c, waiter_get (model, model->cond_queue[c].data[0]));
      }
      break;

    case MODEL_OP_SET_FLAG:
      model->flags[op->arg % MODEL_N_FLAGS] = op->canc != 0;
      break;

    case MODEL_OP_CANCEL:
      {
        gint instance;

        if (op->canc < 0)
          break;
        instance = model->slots[op->canc % MODEL_N_SLOTS];

        if (g_array_index (model->cancelled, gboolean, instance))
          break;
        g_array_index (model->cancelled, gboolean, instance) = TRUE;
        /* Handlers run in the order they were connected: creation order. */
        for (i = 0; i < model->waiters->len; i++)
          {
            w = waiter_get (model, i);
            if (w->canc == instance)
              waiter_cancelled (model, w);
          }
      }
      break;

    case MODEL_OP_RENEW:
      {
        gboolean no = FALSE;

        if (op->canc < 0)
          break;
        model->slots[op->canc % MODEL_N_SLOTS] = model->cancelled->len;
        g_array_append_val (model->cancelled, no);
      }
      break;

    case MODEL_OP_ITERATE:
      iterate (model, op->ctx % MODEL_N_CONTEXTS);
      break;

    case MODEL_OP_RUN_IDLE:
      {
        gboolean any;

        do
          {
            any = FALSE;
            for (i = 0; i < MODEL_N_CONTEXTS; i++)
              any |= iterate (model, i);
          }
        while (any);
      }
      break;

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
      snapshot->lock_waiting[i] = model->lock_queue[i].len;
      snapshot->cond_waiting[i] = model->cond_queue[i].len;
      snapshot->sem_value[i] = model->sem_value[i];
      snapshot->sem_waiting[i] = model->sem_queue[i].len;
      snapshot->sem_locked[i] = model->sem_value[i] == 0 || model->sem_queue[i].len > 0;
    }
  snapshot->event_set = model->event_set;
  snapshot->event_waiting = model->event_queue.len;
  snapshot->bsem_bound = model->sem_bound[1];
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
 * operation in flight to completion (cancel everything, make every
 * predicate true, set the event, notify everyone, release what is
 * held), so that the objects can be dropped and must be finalized.
 * Returns %FALSE when nothing is left in flight.
 */
gboolean
model_next_drain_op (Model   *model,
                     ModelOp *op)
{
  guint i;

  memset (op, 0, sizeof *op);

  for (i = 0; i < MODEL_N_SLOTS; i++)
    if (!g_array_index (model->cancelled, gboolean, model->slots[i]))
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

  if (model->event_queue.len > 0)
    {
      op->kind = MODEL_OP_SET;
      return TRUE;
    }

  for (i = 0; i < 2; i++)
    if (model->cond_queue[i].len > 0)
      {
        op->target = i == 0 ? MODEL_TARGET_COND0 : MODEL_TARGET_COND1;
        op->kind = model->locked[i] ? MODEL_OP_NOTIFY_ALL : MODEL_OP_TRY_ACQUIRE;
        return TRUE;
      }

  for (i = 0; i < 2; i++)
    if (model->lock_queue[i].len > 0)
      {
        op->kind = MODEL_OP_RELEASE;
        op->target = i == 0 ? MODEL_TARGET_LOCK : MODEL_TARGET_COND1;
        return TRUE;
      }

  for (i = 0; i < 2; i++)
    if (model->sem_queue[i].len > 0)
      {
        op->kind = MODEL_OP_RELEASE;
        op->target = i == 0 ? MODEL_TARGET_SEM : MODEL_TARGET_BSEM;
        return TRUE;
      }

  /* Something is in flight but nothing can move it: the model is stuck
   * (a waiter nobody can wake). */
  return FALSE;
}

/* ---- text form ---- */

static const gchar *const op_names[MODEL_N_OPS] = {
  [MODEL_OP_ACQUIRE] = "acquire",
  [MODEL_OP_TRY_ACQUIRE] = "try-acquire",
  [MODEL_OP_RELEASE] = "release",
  [MODEL_OP_WAIT] = "wait",
  [MODEL_OP_SET] = "set",
  [MODEL_OP_CLEAR] = "clear",
  [MODEL_OP_COND_WAIT] = "cond-wait",
  [MODEL_OP_COND_WAIT_FOR] = "cond-wait-for",
  [MODEL_OP_NOTIFY] = "notify",
  [MODEL_OP_NOTIFY_ALL] = "notify-all",
  [MODEL_OP_SET_FLAG] = "set-flag",
  [MODEL_OP_CANCEL] = "cancel",
  [MODEL_OP_RENEW] = "renew",
  [MODEL_OP_ITERATE] = "iterate",
  [MODEL_OP_RUN_IDLE] = "run-idle",
};

static const gchar *const target_names[MODEL_N_TARGETS] = {
  "lock", "cond0", "cond1", "event", "sem", "bsem",
};

static const gchar *const notifier_names[MODEL_N_NOTIFIERS] = {
  "lock:locked", "cond1-lock:locked", "event:is-set", "sem:value", "bsem:value",
};

static const gchar *const result_names[] = {
  "ok", "cancelled", "not-locked", "value", "invalid-argument", "false", "other-error",
};

void
model_setup_format (const ModelSetup *setup,
                    GString          *out)
{
  guint i;

  g_string_append_printf (out, "setup sem=%u bsem=%u homes=", setup->sem_value, setup->bsem_value);
  for (i = 0; i < MODEL_N_NOTIFIERS; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? "," : "", setup->home[i] % MODEL_N_CONTEXTS);
}

static void
append_canc (const ModelOp *op,
             GString       *out)
{
  if (op->canc < 0)
    g_string_append (out, " canc=-");
  else
    g_string_append_printf (out, " canc=%d", op->canc % MODEL_N_SLOTS);
}

/* The weighted calls: "permits=n" (absent: the single-permit call). */
static void
append_permits (const ModelOp *op,
                GString       *out)
{
  if ((op->target == MODEL_TARGET_SEM || op->target == MODEL_TARGET_BSEM) &&
      op->kind != MODEL_OP_COND_WAIT && op->arg > 0)
    g_string_append_printf (out, " permits=%u", op->arg - 1);
}

void
model_op_format (const ModelOp *op,
                 GString       *out)
{
  g_string_append (out, op_names[op->kind]);

  switch ((ModelOpKind) op->kind)
    {
    case MODEL_OP_ACQUIRE:
    case MODEL_OP_COND_WAIT:
      g_string_append_printf (out, " %s ctx=%u", target_names[op->target], op->ctx % MODEL_N_CONTEXTS);
      append_canc (op, out);
      append_permits (op, out);
      break;
    case MODEL_OP_COND_WAIT_FOR:
      g_string_append_printf (out, " %s ctx=%u", target_names[op->target], op->ctx % MODEL_N_CONTEXTS);
      append_canc (op, out);
      g_string_append_printf (out, " flag=%u", op->arg % MODEL_N_FLAGS);
      break;
    case MODEL_OP_WAIT:
      g_string_append_printf (out, " event ctx=%u", op->ctx % MODEL_N_CONTEXTS);
      append_canc (op, out);
      break;
    case MODEL_OP_TRY_ACQUIRE:
    case MODEL_OP_RELEASE:
      g_string_append_printf (out, " %s", target_names[op->target]);
      append_permits (op, out);
      break;
    case MODEL_OP_NOTIFY_ALL:
      g_string_append_printf (out, " %s", target_names[op->target]);
      break;
    case MODEL_OP_NOTIFY:
      g_string_append_printf (out, " %s n=%u", target_names[op->target], op->arg);
      break;
    case MODEL_OP_SET:
    case MODEL_OP_CLEAR:
      g_string_append (out, " event");
      break;
    case MODEL_OP_SET_FLAG:
      g_string_append_printf (out, " flag=%u value=%d", op->arg % MODEL_N_FLAGS, op->canc != 0);
      break;
    case MODEL_OP_CANCEL:
    case MODEL_OP_RENEW:
      append_canc (op, out);
      break;
    case MODEL_OP_ITERATE:
      g_string_append_printf (out, " ctx=%u", op->ctx % MODEL_N_CONTEXTS);
      break;
    case MODEL_OP_RUN_IDLE:
    case MODEL_N_OPS:
    default:
      break;
    }
}

void
model_sequence_format (const ModelSequence *seq,
                       GString             *out)
{
  guint i;

  model_setup_format (&seq->setup, out);
  g_string_append_c (out, '\n');
  for (i = 0; i < seq->n_ops; i++)
    {
      model_op_format (&seq->ops[i], out);
      g_string_append_c (out, '\n');
    }
}

static gboolean
parse_uint (const gchar *s,
            guint       *value)
{
  guint64 v;
  gchar *end;

  v = g_ascii_strtoull (s, &end, 10);
  if (end == s || *end != '\0' || v > G_MAXUINT)
    return FALSE;
  *value = v;
  return TRUE;
}

static gboolean
parse_op_line (gchar   **words,
               ModelOp  *op)
{
  guint i, k;
  gboolean found = FALSE;

  memset (op, 0, sizeof *op);
  op->canc = -1;

  for (k = 0; k < MODEL_N_OPS; k++)
    if (g_strcmp0 (words[0], op_names[k]) == 0)
      {
        op->kind = k;
        found = TRUE;
        break;
      }
  if (!found)
    return FALSE;

  for (i = 1; words[i] != NULL; i++)
    {
      const gchar *w = words[i];
      guint v;

      if (*w == '\0')
        continue;
      if (g_str_has_prefix (w, "ctx="))
        {
          if (!parse_uint (w + 4, &v))
            return FALSE;
          op->ctx = v % MODEL_N_CONTEXTS;
        }
      else if (g_str_has_prefix (w, "canc="))
        {
          if (g_strcmp0 (w + 5, "-") == 0)
            op->canc = -1;
          else if (parse_uint (w + 5, &v))
            op->canc = v % MODEL_N_SLOTS;
          else
            return FALSE;
        }
      else if (g_str_has_prefix (w, "flag=") || g_str_has_prefix (w, "n="))
        {
          if (!parse_uint (strchr (w, '=') + 1, &v))
            return FALSE;
          op->arg = v;
        }
      else if (g_str_has_prefix (w, "permits="))
        {
          if (!parse_uint (w + 8, &v) || v > 1000)
            return FALSE;
          op->arg = v + 1;
        }
      else if (g_str_has_prefix (w, "value="))
        {
          if (!parse_uint (w + 6, &v))
            return FALSE;
          op->canc = v != 0;
        }
      else
        {
          found = FALSE;
          for (k = 0; k < MODEL_N_TARGETS; k++)
            if (g_strcmp0 (w, target_names[k]) == 0)
              {
                op->target = k;
                found = TRUE;
              }
          if (!found)
            return FALSE;
        }
    }

  return TRUE;
}

/* Reads what model_sequence_format() wrote; '#' starts a comment. */
gboolean
model_sequence_parse (const gchar    *text,
                      ModelSequence  *seq,
                      GError        **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean have_setup = FALSE;
  guint i;

  memset (seq, 0, sizeof *seq);
  seq->setup.sem_value = 1;
  seq->setup.bsem_value = 1;

  for (i = 0; lines[i] != NULL; i++)
    {
      gchar *line = g_strstrip (lines[i]);
      gchar *hash = strchr (line, '#');
      g_auto(GStrv) words = NULL;

      if (hash != NULL)
        *hash = '\0';
      g_strstrip (line);
      if (*line == '\0')
        continue;

      words = g_strsplit_set (line, " \t", -1);
      if (g_strcmp0 (words[0], "setup") == 0)
        {
          guint j;

          for (j = 1; words[j] != NULL; j++)
            {
              if (g_str_has_prefix (words[j], "sem="))
                parse_uint (words[j] + 4, &seq->setup.sem_value);
              else if (g_str_has_prefix (words[j], "bsem="))
                parse_uint (words[j] + 5, &seq->setup.bsem_value);
              else if (g_str_has_prefix (words[j], "homes="))
                {
                  g_auto(GStrv) homes = g_strsplit (words[j] + 6, ",", -1);
                  guint k;

                  for (k = 0; homes[k] != NULL && k < MODEL_N_NOTIFIERS; k++)
                    seq->setup.home[k] = g_ascii_strtoull (homes[k], NULL, 10) % MODEL_N_CONTEXTS;
                }
            }
          have_setup = TRUE;
          continue;
        }

      if (seq->n_ops == MODEL_MAX_OPS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "too many operations");
          return FALSE;
        }
      if (!parse_op_line (words, &seq->ops[seq->n_ops]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %u: cannot parse “%s”", i + 1, line);
          return FALSE;
        }
      seq->n_ops++;
    }

  if (!have_setup)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no setup line");
      return FALSE;
    }

  return TRUE;
}

void
model_event_format (const ModelEvent *event,
                    GString          *out)
{
  switch ((ModelEventKind) event->kind)
    {
    case MODEL_EVENT_COMPLETE:
      g_string_append_printf (out, "op#%u completed: %s", event->id,
                              event->value < G_N_ELEMENTS (result_names) ? result_names[event->value] : "?");
      break;
    case MODEL_EVENT_NOTIFY:
      g_string_append_printf (out, "notify %s = %u",
                              event->id < MODEL_N_NOTIFIERS ? notifier_names[event->id] : "?",
                              event->value);
      break;
    case MODEL_EVENT_PREDICATE:
      g_string_append_printf (out, "op#%u predicate -> %u (lock %s)", event->id, event->value & 1,
                              event->value & 2 ? "held" : "NOT held");
      break;
    default:
      g_string_append (out, "?");
    }
}

void
model_snapshot_format (const ModelSnapshot *s,
                       GString             *out)
{
  g_string_append_printf (out,
                          "lock{locked=%d waiting=%u} cond0{waiting=%u} "
                          "cond1{locked=%d lock-waiting=%u waiting=%u} "
                          "event{set=%d waiting=%u} sem{value=%u waiting=%u locked=%d} "
                          "bsem{value=%u bound=%u waiting=%u locked=%d}",
                          s->locked[0], s->lock_waiting[0], s->cond_waiting[0],
                          s->locked[1], s->lock_waiting[1], s->cond_waiting[1],
                          s->event_set, s->event_waiting,
                          s->sem_value[0], s->sem_waiting[0], s->sem_locked[0],
                          s->sem_value[1], s->bsem_bound, s->sem_waiting[1], s->sem_locked[1]);
}

/* ---- generation ---- */

static const guint sem_values[] = { 0, 1, 2, 3, G_MAXUINT - 1, G_MAXUINT };

static void
random_setup (GRand      *rand,
              ModelSetup *setup)
{
  guint i;

  setup->sem_value = sem_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (sem_values))];
  setup->bsem_value = g_rand_int_range (rand, 1, 4);
  for (i = 0; i < MODEL_N_NOTIFIERS; i++)
    setup->home[i] = g_rand_int_range (rand, 0, MODEL_N_CONTEXTS);
}

/* Relative frequencies of the operations in random sequences. */
static const guint op_weights[MODEL_N_OPS] = {
  [MODEL_OP_ACQUIRE] = 14,
  [MODEL_OP_TRY_ACQUIRE] = 5,
  [MODEL_OP_RELEASE] = 14,
  [MODEL_OP_WAIT] = 6,
  [MODEL_OP_SET] = 3,
  [MODEL_OP_CLEAR] = 3,
  [MODEL_OP_COND_WAIT] = 6,
  [MODEL_OP_COND_WAIT_FOR] = 5,
  [MODEL_OP_NOTIFY] = 5,
  [MODEL_OP_NOTIFY_ALL] = 3,
  [MODEL_OP_SET_FLAG] = 3,
  [MODEL_OP_CANCEL] = 8,
  [MODEL_OP_RENEW] = 3,
  [MODEL_OP_ITERATE] = 12,
  [MODEL_OP_RUN_IDLE] = 5,
};

static const ModelTarget lock_targets[] = {
  MODEL_TARGET_LOCK, MODEL_TARGET_COND0, MODEL_TARGET_COND1, MODEL_TARGET_SEM, MODEL_TARGET_BSEM,
};

/* Fills the fields an op of @kind uses from @bits (random, or 12 bits of
 * fuzz input), so that every operation can be reached:
 *   bit 0      context
 *   bits 1-3   cancellable slot 0-5, or none (6, 7)
 *   bits 4-6   target; set-flag: flag (4), value (5)
 *   bits 7-9   semaphores: 0-3 the plain call, 4-7 the weighted one for
 *              0-3 permits (0 is an error for acquire, 1 for try-acquire);
 *              notify: n; wait-for: the flag */
static void
op_from_bits (ModelOpKind  kind,
              guint32      bits,
              ModelOp     *op)
{
  guint canc = (bits >> 1) & 7;
  guint target = (bits >> 4) & 7;
  guint extra = (bits >> 7) & 7;

  memset (op, 0, sizeof *op);
  op->kind = kind;
  op->ctx = bits & 1;
  op->canc = canc >= MODEL_N_SLOTS ? -1 : (gint8) canc;

  switch (kind)
    {
    case MODEL_OP_ACQUIRE:
    case MODEL_OP_TRY_ACQUIRE:
    case MODEL_OP_RELEASE:
      op->target = lock_targets[target % G_N_ELEMENTS (lock_targets)];
      if (target_is_sem (op->target) && extra >= 4)
        {
          guint n = extra - 4;

          if (kind == MODEL_OP_TRY_ACQUIRE)
            n = MAX (n, 1);
          op->arg = n + 1;
        }
      break;
    case MODEL_OP_WAIT:
    case MODEL_OP_SET:
    case MODEL_OP_CLEAR:
      op->target = MODEL_TARGET_EVENT;
      break;
    case MODEL_OP_COND_WAIT:
    case MODEL_OP_COND_WAIT_FOR:
    case MODEL_OP_NOTIFY:
    case MODEL_OP_NOTIFY_ALL:
      op->target = (target & 1) ? MODEL_TARGET_COND1 : MODEL_TARGET_COND0;
      op->arg = kind == MODEL_OP_NOTIFY ? extra % 4 : extra % MODEL_N_FLAGS;
      break;
    case MODEL_OP_SET_FLAG:
      op->arg = target & 1;
      op->canc = (target >> 1) & 1;
      break;
    case MODEL_OP_CANCEL:
    case MODEL_OP_RENEW:
      if (op->canc < 0)
        op->canc = target % MODEL_N_SLOTS;
      break;
    default:
      break;
    }
}

void
model_sequence_generate (guint32        seed,
                         ModelSequence *seq)
{
  GRand *rand = g_rand_new_with_seed (seed);
  guint total = 0, i, k;

  memset (seq, 0, sizeof *seq);
  random_setup (rand, &seq->setup);

  for (k = 0; k < MODEL_N_OPS; k++)
    total += op_weights[k];

  seq->n_ops = g_rand_int_range (rand, 4, 120);
  for (i = 0; i < seq->n_ops; i++)
    {
      guint r = g_rand_int_range (rand, 0, total);

      for (k = 0; r >= op_weights[k]; k++)
        r -= op_weights[k];
      op_from_bits (k, g_rand_int (rand), &seq->ops[i]);
    }

  g_rand_free (rand);
}

/* Fuzz input: 3 bytes of setup, then 2 bytes per operation. */
void
model_sequence_decode (const guint8 *data,
                       gsize         size,
                       ModelSequence *seq)
{
  gsize pos = 0;
  guint i;

  memset (seq, 0, sizeof *seq);
  seq->setup.sem_value = 1;
  seq->setup.bsem_value = 1;
  if (size >= 3)
    {
      seq->setup.sem_value = sem_values[data[0] % G_N_ELEMENTS (sem_values)];
      seq->setup.bsem_value = 1 + data[1] % 3;
      for (i = 0; i < MODEL_N_NOTIFIERS; i++)
        seq->setup.home[i] = (data[2] >> i) & 1;
      pos = 3;
    }

  while (pos + 2 <= size && seq->n_ops < MODEL_MAX_OPS)
    {
      op_from_bits (data[pos] % MODEL_N_OPS, data[pos + 1] | ((guint32) data[pos] / MODEL_N_OPS) << 8,
                    &seq->ops[seq->n_ops]);
      seq->n_ops++;
      pos += 2;
    }
}

static gboolean
ops_equal (const ModelOp *a,
           const ModelOp *b)
{
  return a->kind == b->kind && a->target == b->target && a->ctx == b->ctx &&
         a->canc == b->canc && a->arg == b->arg;
}

/* Fills the fields of @op that its kind ignores as decoding would, so
 * that a parsed op compares equal to a decoded one. */
static void
op_normalize (const ModelOp *op,
              ModelOp       *out)
{
  gchar *text;
  GString *s = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  model_op_format (op, s);
  text = g_string_free (s, FALSE);
  words = g_strsplit (text, " ", -1);
  if (!parse_op_line (words, out))
    *out = *op;
  g_free (text);
}

/*
 * model_sequence_encode:
 *
 * The inverse of model_sequence_decode(), for making fuzzing seeds from
 * text sequences: finds, for each operation, two bytes that decode to it
 * (operations that cannot be encoded are left out).
 */
GBytes *
model_sequence_encode (const ModelSequence *seq)
{
  GByteArray *out = g_byte_array_new ();
  guint8 setup[3] = { 1, 0, 0 };
  guint i, k;

  for (k = 0; k < G_N_ELEMENTS (sem_values); k++)
    if (sem_values[k] == seq->setup.sem_value)
      setup[0] = k;
  setup[1] = (seq->setup.bsem_value + 2) % 3;
  for (k = 0; k < MODEL_N_NOTIFIERS; k++)
    setup[2] |= (seq->setup.home[k] & 1) << k;
  g_byte_array_append (out, setup, 3);

  for (i = 0; i < seq->n_ops; i++)
    {
      ModelOp want;
      guint b0, b1;
      gboolean found = FALSE;

      op_normalize (&seq->ops[i], &want);
      for (b0 = want.kind; b0 < 256 && !found; b0 += MODEL_N_OPS)
        for (b1 = 0; b1 < 256 && !found; b1++)
          {
            ModelOp got, norm;

            op_from_bits (b0 % MODEL_N_OPS, b1 | (b0 / MODEL_N_OPS) << 8, &got);
            op_normalize (&got, &norm);
            if (ops_equal (&norm, &want))
              {
                guint8 pair[2] = { b0, b1 };

                g_byte_array_append (out, pair, 2);
                found = TRUE;
              }
          }
    }

  return g_byte_array_free_to_bytes (out);
}
