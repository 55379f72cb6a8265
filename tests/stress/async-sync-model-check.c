/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs a model sequence on the real library, next to the model, and
 * compares them step by step.
 *
 * Determinism: the library completes a waiter from its context's
 * dispatcher, but never in the main-loop iteration whose time is not
 * later than the waiter's creation (GTask's rule for returning at once).
 * After each `_async` call the harness waits for the monotonic clock to
 * move on (a spin of at most a microsecond), so that any later iteration
 * runs every ready completion, as the model does.
 */

#include "async-sync-model-check.h"

#include <string.h>

#include <asyncsync-glib/asyncsync-glib.h>

typedef struct _Harness Harness;

/* One `_async` call made by the harness. */
typedef struct
{
  Harness    *h;
  guint       id;
  ModelOpKind kind;
  ModelTarget target;
  guint       ctx;
  guint       flag;
  guint       permits;     /* semaphores: 0 for the plain call, n + 1 for _many */
  guint       n_completed;
  guint       n_destroyed;
  gpointer    task;        /* weak pointer to the GTask, set on completion */
} HarnessOp;

struct _Harness
{
  GMainContext       *contexts[MODEL_N_CONTEXTS];
  AsyncSyncLock      *lock;
  AsyncSyncCondition *cond[2];
  AsyncSyncLock      *cond1_lock;          /* borrowed from cond[1] */
  AsyncSyncEvent     *event;
  AsyncSyncSemaphore *sem[2];
  GCancellable       *slots[MODEL_N_SLOTS];
  gboolean            flags[MODEL_N_FLAGS];
  guint8              home[MODEL_N_NOTIFIERS];

  GPtrArray          *ops;                 /* of HarnessOp, by id */
  GArray             *events;              /* of ModelEvent */
  GString            *violations;
  gboolean            in_call;             /* inside an API call */
  gboolean            dropped;             /* objects dropped: callbacks only count */
  gboolean            predicate_in_call;   /* the predicate may run now */

  /* weak pointers: objects, then every cancellable ever made */
  gpointer            weak_objects[8];
  GPtrArray          *weak_cancellables;   /* of gpointer cells */
};

static void
violation (Harness     *h,
           const gchar *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
violation (Harness     *h,
           const gchar *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (h->violations, format, args);
  g_string_append_c (h->violations, '\n');
  va_end (args);
}

static void
log_event (Harness        *h,
           ModelEventKind  kind,
           guint           id,
           guint           value)
{
  ModelEvent event = { kind, id, value };

  g_array_append_val (h->events, event);
}

/* Where a callback runs: it must be a dispatch of @ctx, outside any call. */
static void
check_dispatch_context (Harness      *h,
                        GMainContext *ctx,
                        const gchar  *what,
                        guint         id)
{
  GSource *source = g_main_current_source ();

  if (h->in_call)
    violation (h, "%s %u ran inside an API call", what, id);
  if (source == NULL || g_source_get_context (source) != ctx)
    violation (h, "%s %u ran outside a dispatch of its own context", what, id);
}

static ModelResult
result_of (gboolean  ok,
           GError   *error)
{
  if (ok && error == NULL)
    return MODEL_RESULT_OK;
  if (error == NULL)
    return MODEL_RESULT_FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return MODEL_RESULT_CANCELLED;
  if (g_error_matches (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED))
    return MODEL_RESULT_NOT_LOCKED;
  if (g_error_matches (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE))
    return MODEL_RESULT_VALUE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return MODEL_RESULT_INVALID_ARGUMENT;
  return MODEL_RESULT_OTHER;
}

static void
op_done_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HarnessOp *op = user_data;
  Harness *h = op->h;
  GError *error = NULL;
  gboolean ok = FALSE;

  check_dispatch_context (h, h->contexts[op->ctx], "completion of op", op->id);
  if (op->n_completed++ > 0)
    violation (h, "op %u completed %u times", op->id, op->n_completed);

  switch (op->kind)
    {
    case MODEL_OP_ACQUIRE:
      switch (op->target)
        {
        case MODEL_TARGET_LOCK:
          ok = async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source_object), result, &error);
          break;
        case MODEL_TARGET_COND0:
        case MODEL_TARGET_COND1:
          ok = async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (source_object), result, &error);
          break;
        default:
          if (op->permits > 0)
            ok = async_sync_semaphore_acquire_many_finish (ASYNC_SYNC_SEMAPHORE (source_object), result, &error);
          else
            ok = async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source_object), result, &error);
          break;
        }
      break;
    case MODEL_OP_WAIT:
      ok = async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source_object), result, &error);
      break;
    case MODEL_OP_COND_WAIT:
      ok = async_sync_condition_wait_finish (ASYNC_SYNC_CONDITION (source_object), result, &error);
      break;
    case MODEL_OP_COND_WAIT_FOR:
      ok = async_sync_condition_wait_for_finish (ASYNC_SYNC_CONDITION (source_object), result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (ok != (error == NULL))
    violation (h, "op %u: _finish returned %d with error %s", op->id, ok,
               error != NULL ? error->message : "(none)");

  log_event (h, MODEL_EVENT_COMPLETE, op->id, result_of (ok, error));
  g_clear_error (&error);

  if (op->task == NULL)
    {
      op->task = result;
      g_object_add_weak_pointer (G_OBJECT (result), &op->task);
    }
}

static gboolean
predicate_cb (gpointer user_data)
{
  HarnessOp *op = user_data;
  Harness *h = op->h;
  AsyncSyncLock *lock = op->target == MODEL_TARGET_COND0 ? h->lock : h->cond1_lock;
  gboolean value = h->flags[op->flag];

  /* After a failed run, waiters may still complete while it is torn down. */
  if (h->dropped)
    return TRUE;

  if (!h->predicate_in_call)
    check_dispatch_context (h, h->contexts[op->ctx], "predicate of op", op->id);

  /* The lock is held, unless the sequence released it behind the waiter's
   * back (the lock has no owner): the model knows which. */
  log_event (h, MODEL_EVENT_PREDICATE, op->id, value | async_sync_lock_is_locked (lock) << 1);

  return value;
}

static void
predicate_destroy (gpointer user_data)
{
  HarnessOp *op = user_data;

  if (op->n_destroyed++ > 0)
    violation (op->h, "predicate data of op %u destroyed twice", op->id);
}

typedef struct
{
  Harness *h;
  guint    notifier;
} NotifyWatch;

static guint
notifier_read (Harness *h,
               guint    notifier)
{
  switch (notifier)
    {
    case MODEL_NOTIFIER_LOCK:
      return async_sync_lock_is_locked (h->lock);
    case MODEL_NOTIFIER_LOCK1:
      return async_sync_lock_is_locked (h->cond1_lock);
    case MODEL_NOTIFIER_EVENT:
      return async_sync_event_is_set (h->event);
    case MODEL_NOTIFIER_SEM:
      return async_sync_semaphore_get_value (h->sem[0]);
    case MODEL_NOTIFIER_BSEM:
      return async_sync_semaphore_get_value (h->sem[1]);
    default:
      g_assert_not_reached ();
    }
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  NotifyWatch *watch = user_data;
  Harness *h = watch->h;

  if (h->dropped)
    return;

  check_dispatch_context (h, h->contexts[h->home[watch->notifier]], "notification", watch->notifier);
  log_event (h, MODEL_EVENT_NOTIFY, watch->notifier, notifier_read (h, watch->notifier));
}

static void
watch_free (gpointer  data,
            GClosure *closure)
{
  g_free (data);
}

static void
watch (Harness     *h,
       gpointer     object,
       const gchar *signal,
       guint        notifier)
{
  NotifyWatch *w = g_new (NotifyWatch, 1);

  w->h = h;
  w->notifier = notifier;
  g_signal_connect_data (object, signal, G_CALLBACK (notify_cb), w, watch_free, 0);
}

static void
add_weak (gpointer  object,
          gpointer *cell)
{
  *cell = object;
  g_object_add_weak_pointer (G_OBJECT (object), cell);
}

static GCancellable *
new_cancellable (Harness *h)
{
  GCancellable *cancellable = g_cancellable_new ();
  gpointer *cell = g_new (gpointer, 1);

  add_weak (cancellable, cell);
  g_ptr_array_add (h->weak_cancellables, cell);

  return cancellable;
}

static void
push (Harness *h,
      guint    ctx)
{
  g_main_context_push_thread_default (h->contexts[ctx]);
}

static void
pop (Harness *h,
     guint    ctx)
{
  g_main_context_pop_thread_default (h->contexts[ctx]);
}

static Harness *
harness_new (const ModelSetup *setup)
{
  Harness *h = g_new0 (Harness, 1);
  guint i;

  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    h->contexts[i] = g_main_context_new ();
  for (i = 0; i < MODEL_N_NOTIFIERS; i++)
    h->home[i] = setup->home[i] % MODEL_N_CONTEXTS;
  h->ops = g_ptr_array_new_with_free_func (g_free);
  h->events = g_array_new (FALSE, FALSE, sizeof (ModelEvent));
  h->violations = g_string_new (NULL);
  h->weak_cancellables = g_ptr_array_new_with_free_func (g_free);

  /* Each object is made with its home context as thread-default.  cond0
   * has no property of its own; cond1's private lock is made by cond1. */
  push (h, h->home[MODEL_NOTIFIER_LOCK]);
  h->lock = async_sync_lock_new ();
  h->cond[0] = async_sync_condition_new (h->lock);
  pop (h, h->home[MODEL_NOTIFIER_LOCK]);

  push (h, h->home[MODEL_NOTIFIER_LOCK1]);
  h->cond[1] = async_sync_condition_new (NULL);
  h->cond1_lock = async_sync_condition_get_lock (h->cond[1]);
  pop (h, h->home[MODEL_NOTIFIER_LOCK1]);

  push (h, h->home[MODEL_NOTIFIER_EVENT]);
  h->event = async_sync_event_new ();
  pop (h, h->home[MODEL_NOTIFIER_EVENT]);

  push (h, h->home[MODEL_NOTIFIER_SEM]);
  h->sem[0] = async_sync_semaphore_new (setup->sem_value);
  pop (h, h->home[MODEL_NOTIFIER_SEM]);

  push (h, h->home[MODEL_NOTIFIER_BSEM]);
  h->sem[1] = ASYNC_SYNC_SEMAPHORE (async_sync_bounded_semaphore_new (setup->bsem_value));
  pop (h, h->home[MODEL_NOTIFIER_BSEM]);

  watch (h, h->lock, "notify::locked", MODEL_NOTIFIER_LOCK);
  watch (h, h->cond1_lock, "notify::locked", MODEL_NOTIFIER_LOCK1);
  watch (h, h->event, "notify::is-set", MODEL_NOTIFIER_EVENT);
  watch (h, h->sem[0], "notify::value", MODEL_NOTIFIER_SEM);
  watch (h, h->sem[1], "notify::value", MODEL_NOTIFIER_BSEM);

  add_weak (h->lock, &h->weak_objects[0]);
  add_weak (h->cond[0], &h->weak_objects[1]);
  add_weak (h->cond[1], &h->weak_objects[2]);
  add_weak (h->cond1_lock, &h->weak_objects[3]);
  add_weak (h->event, &h->weak_objects[4]);
  add_weak (h->sem[0], &h->weak_objects[5]);
  add_weak (h->sem[1], &h->weak_objects[6]);

  for (i = 0; i < MODEL_N_SLOTS; i++)
    h->slots[i] = new_cancellable (h);

  return h;
}

/* Both contexts until neither dispatches anything.  Each round can only
 * be followed by another if some completion is still ready, which the
 * clock makes runnable within a microsecond: a few thousand rounds mean
 * the dispatcher spins on something that never completes. */
static void
run_until_idle (Harness *h)
{
  gboolean any;
  guint i, rounds = 0;

  do
    {
      any = FALSE;
      for (i = 0; i < MODEL_N_CONTEXTS; i++)
        any |= g_main_context_iteration (h->contexts[i], FALSE);
      if (++rounds == 100000)
        {
          violation (h, "the contexts never became idle (a completion that never runs?)");
          break;
        }
    }
  while (any);
}

/* Drops everything; objects must then be finalized.  Returns FALSE (with
 * @report) if something survived. */
static gboolean
harness_free (Harness  *h,
              gboolean  check,
              guint     n_wait_for,
              GString  *report)
{
  gboolean ok = TRUE;
  guint i;

  h->dropped = TRUE;
  for (i = 0; i < MODEL_N_SLOTS; i++)
    g_clear_object (&h->slots[i]);
  g_clear_object (&h->lock);
  g_clear_object (&h->cond[0]);
  g_clear_object (&h->cond[1]);
  g_clear_object (&h->event);
  g_clear_object (&h->sem[0]);
  g_clear_object (&h->sem[1]);
  /* Pending notifications hold a reference until they have run. */
  run_until_idle (h);

  if (check)
    {
      static const gchar *const names[] = {
        "lock", "cond0", "cond1", "cond1's lock", "event", "sem", "bsem",
      };
      guint n_destroyed = 0;

      for (i = 0; i < G_N_ELEMENTS (names); i++)
        if (h->weak_objects[i] != NULL)
          {
            g_string_append_printf (report, "%s was not finalized\n", names[i]);
            ok = FALSE;
          }
      for (i = 0; i < h->weak_cancellables->len; i++)
        if (*(gpointer *) g_ptr_array_index (h->weak_cancellables, i) != NULL)
          {
            g_string_append_printf (report, "cancellable %u was not finalized\n", i);
            ok = FALSE;
          }
      for (i = 0; i < h->ops->len; i++)
        {
          HarnessOp *op = g_ptr_array_index (h->ops, i);

          if (op->n_completed != 1)
            {
              g_string_append_printf (report, "op %u completed %u times\n", op->id, op->n_completed);
              ok = FALSE;
            }
          if (op->task != NULL)
            {
              g_string_append_printf (report, "the GTask of op %u was not finalized\n", op->id);
              ok = FALSE;
            }
          if (op->kind == MODEL_OP_COND_WAIT_FOR)
            n_destroyed += op->n_destroyed;
        }
      if (n_destroyed != n_wait_for)
        {
          g_string_append_printf (report, "%u predicate destroy notifies for %u wait-for calls\n",
                                  n_destroyed, n_wait_for);
          ok = FALSE;
        }
      if (h->violations->len > 0)
        {
          g_string_append (report, h->violations->str);
          ok = FALSE;
        }
    }

  /* Objects that survived (a failed run) keep their weak pointers. */
  for (i = 0; i < G_N_ELEMENTS (h->weak_objects); i++)
    if (h->weak_objects[i] != NULL)
      g_object_remove_weak_pointer (h->weak_objects[i], &h->weak_objects[i]);
  for (i = 0; i < h->weak_cancellables->len; i++)
    {
      gpointer *cell = g_ptr_array_index (h->weak_cancellables, i);

      if (*cell != NULL)
        g_object_remove_weak_pointer (*cell, cell);
    }
  for (i = 0; i < h->ops->len; i++)
    {
      HarnessOp *op = g_ptr_array_index (h->ops, i);

      if (op->task != NULL)
        g_object_remove_weak_pointer (op->task, &op->task);
    }
  /* A failed run may leave waiters whose data is this op: keep the ops. */
  if (check && ok)
    g_ptr_array_unref (h->ops);

  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    g_main_context_unref (h->contexts[i]);
  g_ptr_array_unref (h->weak_cancellables);
  g_array_unref (h->events);
  g_string_free (h->violations, TRUE);
  g_free (h);

  return ok;
}

static GCancellable *
slot (Harness       *h,
      const ModelOp *op)
{
  return op->canc >= 0 ? h->slots[op->canc % MODEL_N_SLOTS] : NULL;
}

static HarnessOp *
new_op (Harness       *h,
        const ModelOp *model_op)
{
  HarnessOp *op = g_new0 (HarnessOp, 1);

  op->h = h;
  op->id = h->ops->len;
  op->kind = model_op->kind;
  op->target = model_op->target;
  op->ctx = model_op->ctx % MODEL_N_CONTEXTS;
  op->flag = model_op->arg % MODEL_N_FLAGS;
  op->permits = model_op->arg;
  g_ptr_array_add (h->ops, op);

  return op;
}

/* Lets the monotonic clock pass the creation time of the GTask just made:
 * from now on, any iteration of its context may complete it. */
static void
let_clock_move (void)
{
  gint64 now = g_get_monotonic_time ();

  while (g_get_monotonic_time () <= now)
    ;
}

static gpointer
lock_target (Harness     *h,
             ModelTarget  target)
{
  switch (target)
    {
    case MODEL_TARGET_LOCK:
      return h->lock;
    case MODEL_TARGET_COND0:
      return h->cond[0];
    case MODEL_TARGET_COND1:
      return h->cond[1];
    case MODEL_TARGET_SEM:
      return h->sem[0];
    case MODEL_TARGET_BSEM:
      return h->sem[1];
    default:
      g_assert_not_reached ();
    }
}

static ModelReply
harness_apply (Harness       *h,
               const ModelOp *mop)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, FALSE };
  GError *error = NULL;
  HarnessOp *op;
  gpointer target;

  h->in_call = TRUE;

  switch ((ModelOpKind) mop->kind)
    {
    case MODEL_OP_ACQUIRE:
      op = new_op (h, mop);
      target = lock_target (h, mop->target);
      push (h, op->ctx);
      if (ASYNC_SYNC_IS_LOCK (target))
        async_sync_lock_acquire_async (target, slot (h, mop), op_done_cb, op);
      else if (ASYNC_SYNC_IS_CONDITION (target))
        async_sync_condition_acquire_async (target, slot (h, mop), op_done_cb, op);
      else if (mop->arg > 0)
        async_sync_semaphore_acquire_many_async (target, mop->arg - 1, slot (h, mop), op_done_cb, op);
      else
        async_sync_semaphore_acquire_async (target, slot (h, mop), op_done_cb, op);
      pop (h, op->ctx);
      let_clock_move ();
      break;

    case MODEL_OP_TRY_ACQUIRE:
      target = lock_target (h, mop->target);
      if (ASYNC_SYNC_IS_LOCK (target))
        reply.ret = async_sync_lock_try_acquire (target);
      else if (ASYNC_SYNC_IS_CONDITION (target))
        reply.ret = async_sync_condition_try_acquire (target);
      else if (mop->arg > 0)
        reply.ret = async_sync_semaphore_try_acquire_many (target, MAX (mop->arg - 1, 1));
      else
        reply.ret = async_sync_semaphore_try_acquire (target);
      break;

    case MODEL_OP_RELEASE:
      target = lock_target (h, mop->target);
      if (ASYNC_SYNC_IS_LOCK (target))
        reply.ret = async_sync_lock_release (target, &error);
      else if (ASYNC_SYNC_IS_CONDITION (target))
        reply.ret = async_sync_condition_release (target, &error);
      else if (mop->arg > 0)
        reply.ret = async_sync_semaphore_release_many (target, mop->arg - 1, &error);
      else
        reply.ret = async_sync_semaphore_release (target, &error);
      reply.error = result_of (TRUE, error);
      break;

    case MODEL_OP_WAIT:
      op = new_op (h, mop);
      push (h, op->ctx);
      async_sync_event_wait_async (h->event, slot (h, mop), op_done_cb, op);
      pop (h, op->ctx);
      let_clock_move ();
      break;

    case MODEL_OP_SET:
      async_sync_event_set (h->event);
      break;

    case MODEL_OP_CLEAR:
      async_sync_event_clear (h->event);
      break;

    case MODEL_OP_COND_WAIT:
      op = new_op (h, mop);
      push (h, op->ctx);
      async_sync_condition_wait_async (lock_target (h, mop->target), slot (h, mop), op_done_cb, op);
      pop (h, op->ctx);
      let_clock_move ();
      break;

    case MODEL_OP_COND_WAIT_FOR:
      op = new_op (h, mop);
      push (h, op->ctx);
      h->predicate_in_call = TRUE;
      async_sync_condition_wait_for_async (lock_target (h, mop->target),
                                           predicate_cb, op, predicate_destroy,
                                           slot (h, mop), op_done_cb, op);
      h->predicate_in_call = FALSE;
      pop (h, op->ctx);
      let_clock_move ();
      break;

    case MODEL_OP_NOTIFY:
      reply.ret = async_sync_condition_notify (lock_target (h, mop->target), mop->arg, &error);
      reply.error = result_of (TRUE, error);
      break;

    case MODEL_OP_NOTIFY_ALL:
      reply.ret = async_sync_condition_notify_all (lock_target (h, mop->target), &error);
      reply.error = result_of (TRUE, error);
      break;

    case MODEL_OP_SET_FLAG:
      h->flags[mop->arg % MODEL_N_FLAGS] = mop->canc != 0;
      break;

    case MODEL_OP_CANCEL:
      if (mop->canc >= 0)
        g_cancellable_cancel (slot (h, mop));
      break;

    case MODEL_OP_RENEW:
      if (mop->canc >= 0)
        {
          g_clear_object (&h->slots[mop->canc % MODEL_N_SLOTS]);
          h->slots[mop->canc % MODEL_N_SLOTS] = new_cancellable (h);
        }
      break;

    case MODEL_OP_ITERATE:
      h->in_call = FALSE;
      g_main_context_iteration (h->contexts[mop->ctx % MODEL_N_CONTEXTS], FALSE);
      break;

    case MODEL_OP_RUN_IDLE:
      h->in_call = FALSE;
      run_until_idle (h);
      break;

    case MODEL_N_OPS:
    default:
      g_assert_not_reached ();
    }

  h->in_call = FALSE;
  g_clear_error (&error);

  return reply;
}

static gboolean
get_boolean_property (gpointer     object,
                      const gchar *name)
{
  gboolean value;

  g_object_get (object, name, &value, NULL);
  return value;
}

static void
harness_snapshot (Harness       *h,
                  ModelSnapshot *s)
{
  guint i;

  memset (s, 0, sizeof *s);
  s->locked[0] = async_sync_lock_is_locked (h->lock);
  s->locked[1] = async_sync_lock_is_locked (h->cond1_lock);
  s->lock_waiting[0] = async_sync_lock_get_n_waiting (h->lock);
  s->lock_waiting[1] = async_sync_lock_get_n_waiting (h->cond1_lock);
  for (i = 0; i < 2; i++)
    {
      guint value;

      s->cond_waiting[i] = async_sync_condition_get_n_waiting (h->cond[i]);
      s->sem_value[i] = async_sync_semaphore_get_value (h->sem[i]);
      s->sem_waiting[i] = async_sync_semaphore_get_n_waiting (h->sem[i]);
      s->sem_locked[i] = async_sync_semaphore_is_locked (h->sem[i]);
      if (async_sync_condition_is_locked (h->cond[i]) != s->locked[i])
        violation (h, "cond%u is_locked disagrees with its lock", i);
      g_object_get (h->sem[i], "value", &value, NULL);
      if (value != s->sem_value[i])
        violation (h, "the value property of sem %u disagrees with get_value()", i);
    }
  s->event_set = async_sync_event_is_set (h->event);
  s->event_waiting = async_sync_event_get_n_waiting (h->event);
  s->bsem_bound = async_sync_bounded_semaphore_get_bound (ASYNC_SYNC_BOUNDED_SEMAPHORE (h->sem[1]));

  if (get_boolean_property (h->lock, "locked") != s->locked[0])
    violation (h, "the locked property disagrees with is_locked()");
  if (get_boolean_property (h->event, "is-set") != s->event_set)
    violation (h, "the is-set property disagrees with is_set()");
  if (async_sync_condition_get_lock (h->cond[0]) != h->lock)
    violation (h, "cond0 lost its lock");
}

static const gchar *const reply_errors[] = {
  "ok", "cancelled", "not-locked", "value", "invalid-argument", "false", "other-error",
};

static void
format_reply (const ModelReply *reply,
              GString          *out)
{
  if (reply->skipped)
    g_string_append (out, "(skipped: too many in flight)");
  else if (reply->ret < 0)
    g_string_append (out, "void");
  else
    g_string_append_printf (out, "%s%s%s", reply->ret ? "TRUE" : "FALSE",
                            reply->error != MODEL_RESULT_OK ? " " : "",
                            reply->error != MODEL_RESULT_OK ? reply_errors[reply->error] : "");
}

static gboolean
step (Model         *model,
      Harness       *h,
      const ModelOp *op,
      const gchar   *label,
      guint          index,
      gboolean       verbose,
      GString       *report)
{
  g_autoptr(GString) line = g_string_new (NULL);
  ModelSnapshot expected_state, actual_state;
  ModelReply expected, actual;
  const ModelEvent *expected_events;
  guint n_expected, n_before = h->events->len, i;
  gboolean ok = TRUE;

  expected = model_apply (model, op);
  if (expected.skipped)
    actual = expected;
  else
    actual = harness_apply (h, op);

  model_snapshot (model, &expected_state);
  harness_snapshot (h, &actual_state);
  expected_events = model_get_events (model, &n_expected);

  g_string_append_printf (line, "%s %u: ", label, index);
  model_op_format (op, line);
  g_string_append (line, " -> ");
  format_reply (&actual, line);

  if (verbose)
    {
      g_printerr ("%s\n", line->str);
      for (i = n_before; i < h->events->len; i++)
        {
          g_autoptr(GString) e = g_string_new ("    ");

          model_event_format (&g_array_index (h->events, ModelEvent, i), e);
          g_printerr ("%s\n", e->str);
        }
      {
        g_autoptr(GString) s = g_string_new ("    state: ");

        model_snapshot_format (&actual_state, s);
        g_printerr ("%s\n", s->str);
      }
    }

  if (expected.ret != actual.ret || expected.error != actual.error)
    {
      g_string_append_printf (report, "%s\n  expected return: ", line->str);
      format_reply (&expected, report);
      g_string_append_c (report, '\n');
      ok = FALSE;
    }

  for (i = 0; ok && i < MAX (n_expected, h->events->len); i++)
    {
      const ModelEvent *e = i < n_expected ? &expected_events[i] : NULL;
      const ModelEvent *a = i < h->events->len ? &g_array_index (h->events, ModelEvent, i) : NULL;

      if (e == NULL || a == NULL || e->kind != a->kind || e->id != a->id || e->value != a->value)
        {
          g_string_append_printf (report, "%s\n  event %u: expected ", line->str, i);
          if (e != NULL)
            model_event_format (e, report);
          else
            g_string_append (report, "nothing");
          g_string_append (report, ", got ");
          if (a != NULL)
            model_event_format (a, report);
          else
            g_string_append (report, "nothing");
          g_string_append_c (report, '\n');
          ok = FALSE;
        }
    }

  if (ok && memcmp (&expected_state, &actual_state, sizeof expected_state) != 0)
    {
      g_string_append_printf (report, "%s\n  expected state: ", line->str);
      model_snapshot_format (&expected_state, report);
      g_string_append (report, "\n  library state:  ");
      model_snapshot_format (&actual_state, report);
      g_string_append_c (report, '\n');
      ok = FALSE;
    }

  if (ok && h->violations->len > 0)
    {
      g_string_append_printf (report, "%s\n  %s", line->str, h->violations->str);
      ok = FALSE;
    }

  return ok;
}

gboolean
model_check_run (const ModelSequence *seq,
                 ModelCheckFlags      flags,
                 GString             *report)
{
  gboolean verbose = (flags & MODEL_CHECK_VERBOSE) != 0;
  Model *model = model_new (&seq->setup);
  Harness *h = harness_new (&seq->setup);
  gboolean ok = TRUE;
  ModelOp op;
  guint i;

  if (verbose)
    {
      g_autoptr(GString) s = g_string_new (NULL);

      model_setup_format (&seq->setup, s);
      g_printerr ("%s\n", s->str);
    }

  for (i = 0; ok && i < seq->n_ops; i++)
    ok = step (model, h, &seq->ops[i], "step", i, verbose, report);

  /* Drain: complete everything in flight, still comparing. */
  for (i = 0; ok && i < 1000 && model_next_drain_op (model, &op); i++)
    ok = step (model, h, &op, "drain", i, verbose, report);

  if (ok && model_n_outstanding (model) > 0)
    {
      g_string_append_printf (report, "drain: %u operations still in flight\n",
                              model_n_outstanding (model));
      ok = FALSE;
    }

  ok = harness_free (h, ok, model_n_wait_for_ops (model), report) && ok;
  model_free (model);

  return ok;
}
