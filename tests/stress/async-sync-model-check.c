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
 *
 * Deadlines: the deadlines of "expiring" timeouts are spread out in the
 * order of their `expire` steps, known before the run: the k-th falls k
 * slacks (a few milliseconds each) after the run starts, and its step
 * waits for the clock to pass it, so that each deadline falls between its
 * step and the one before, as the model has it.  An expiring timeout that
 * no step expires gets a far future deadline.  If the clock passed a
 * deadline before its step (the machine was slow: a sanitizer, valgrind),
 * the run proves nothing about the steps after: a mismatch then is not
 * reported, the sequence runs again with four times the slack, and later
 * runs keep the larger slack.
 */

#include "async-sync-model-check.h"

#include <string.h>

#include <asyncsync-glib/asyncsync-glib.h>

/* The slack of the first run, and the most a run may get. */
#define SLACK_MIN_USEC (2 * G_TIME_SPAN_MILLISECOND)
#define SLACK_MAX_USEC (30 * G_TIME_SPAN_SECOND)

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
  gint        instance;    /* the cancellable's, -1 for none */
  guint       n_completed;
  guint       n_destroyed;
  gpointer    task;        /* weak pointer to the GTask, set on completion */
} HarnessOp;

/* Every cancellable made: its kind, and for an expiring one, its deadline
 * and whether its `expire` step came. */
typedef struct
{
  gpointer      weak;      /* the cancellable, until finalized */
  ModelCancKind kind;
  gint64        deadline;
  gboolean      expired;
} Instance;

/* Every queue item made: whether it is still alive. */
typedef struct
{
  Harness *h;
  guint    serial;
  gboolean alive;
} ItemWatch;

struct _Harness
{
  GMainContext       *contexts[MODEL_N_CONTEXTS];
  AsyncSyncLock      *lock;
  AsyncSyncCondition *cond[2];
  AsyncSyncLock      *cond1_lock;          /* borrowed from cond[1] */
  AsyncSyncEvent     *event;
  AsyncSyncSemaphore *sem[2];
  AsyncSyncBarrier   *barrier;
  AsyncSyncQueue     *queue;
  AsyncSyncRWLock    *rw;
  GCancellable       *slots[MODEL_N_SLOTS];
  gint                slot_instance[MODEL_N_SLOTS];
  gboolean            flags[MODEL_N_FLAGS];
  guint8              home[MODEL_N_HOMES];
  gint64              start;               /* when the run started */
  gint64              slack;               /* between two expiring deadlines */
  const guint        *expire_rank;         /* by step: of the timeout it renews */
  gint                step;                /* the step being run; -1 in the drain */

  GPtrArray          *ops;                 /* of HarnessOp, by id */
  GArray             *events;              /* of ModelEvent */
  GString            *violations;
  gboolean            in_call;             /* inside an API call */
  gboolean            dropped;             /* objects dropped: callbacks only count */
  gboolean            predicate_in_call;   /* the predicate may run now */
  gboolean            clock_disagreed;     /* a deadline passed before its step */

  GPtrArray          *instances;           /* of Instance, by number */
  GPtrArray          *items;               /* of ItemWatch, by serial */
  gpointer            weak_objects[10];
};

static const gchar *const object_names[] = {
  "lock", "cond0", "cond1", "cond1's lock", "event", "sem", "bsem", "barrier", "queue", "rw",
};

/* The object each property belongs to. */
static const ModelHome prop_home[MODEL_N_PROPS] = {
  [MODEL_PROP_LOCKED] = MODEL_HOME_LOCK,
  [MODEL_PROP_LOCK1_LOCKED] = MODEL_HOME_LOCK1,
  [MODEL_PROP_IS_SET] = MODEL_HOME_EVENT,
  [MODEL_PROP_SEM_VALUE] = MODEL_HOME_SEM,
  [MODEL_PROP_BSEM_VALUE] = MODEL_HOME_BSEM,
  [MODEL_PROP_BROKEN] = MODEL_HOME_BARRIER,
  [MODEL_PROP_LENGTH] = MODEL_HOME_QUEUE,
  [MODEL_PROP_N_READERS] = MODEL_HOME_RW,
  [MODEL_PROP_WRITE_LOCKED] = MODEL_HOME_RW,
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
           guint           value,
           guint           detail)
{
  ModelEvent event = { kind, id, value, detail };

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
  static const struct
  {
    GQuark    (*domain) (void);
    gint        code;
    ModelResult result;
  } errors[] = {
    { g_io_error_quark, G_IO_ERROR_CANCELLED, MODEL_RESULT_CANCELLED },
    { g_io_error_quark, G_IO_ERROR_TIMED_OUT, MODEL_RESULT_TIMED_OUT },
    { async_sync_error_quark, ASYNC_SYNC_ERROR_NOT_LOCKED, MODEL_RESULT_NOT_LOCKED },
    { async_sync_error_quark, ASYNC_SYNC_ERROR_VALUE, MODEL_RESULT_VALUE },
    { g_io_error_quark, G_IO_ERROR_INVALID_ARGUMENT, MODEL_RESULT_INVALID_ARGUMENT },
    { async_sync_error_quark, ASYNC_SYNC_ERROR_BROKEN_BARRIER, MODEL_RESULT_BROKEN_BARRIER },
    { async_sync_error_quark, ASYNC_SYNC_ERROR_SHUT_DOWN, MODEL_RESULT_SHUT_DOWN },
    { g_io_error_quark, G_IO_ERROR_WOULD_BLOCK, MODEL_RESULT_WOULD_BLOCK },
  };
  guint i;

  if (ok && error == NULL)
    return MODEL_RESULT_OK;
  if (error == NULL)
    return MODEL_RESULT_FALSE;
  for (i = 0; i < G_N_ELEMENTS (errors); i++)
    if (g_error_matches (error, errors[i].domain (), errors[i].code))
      return errors[i].result;
  return MODEL_RESULT_OTHER;
}

/* ---- queue items ---- */

static GQuark
item_serial_quark (void)
{
  return g_quark_from_static_string ("asyncsync-model-item-serial");
}

static void
item_finalized (gpointer  data,
                GObject  *where_the_object_was)
{
  ItemWatch *watch = data;

  watch->alive = FALSE;
  /* A finalizer is user code: never inside a call of the library. */
  if (watch->h->in_call && !watch->h->dropped)
    violation (watch->h, "item %u was finalized inside an API call", watch->serial);
}

static GObject *
item_new (Harness *h)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);
  ItemWatch *watch = g_new0 (ItemWatch, 1);

  watch->h = h;
  watch->serial = h->items->len;
  watch->alive = TRUE;
  g_ptr_array_add (h->items, watch);
  g_object_set_qdata (item, item_serial_quark (), GUINT_TO_POINTER (watch->serial + 1));
  g_object_weak_ref (item, item_finalized, watch);

  return item;
}

static guint
item_serial (gpointer item)
{
  return GPOINTER_TO_UINT (g_object_get_qdata (item, item_serial_quark ())) - 1;
}

/* ---- completions ---- */

/* Calls the `_finish` of @op; sets *detail (a party's index, the item a get
 * took). */
static gboolean
op_finish (HarnessOp     *op,
           GObject       *source,
           GAsyncResult  *result,
           guint         *detail,
           GError       **error)
{
  gboolean ok;

  switch (op->kind)
    {
    case MODEL_OP_ACQUIRE:
      switch (op->target)
        {
        case MODEL_TARGET_LOCK:
          return async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, error);
        case MODEL_TARGET_COND0:
        case MODEL_TARGET_COND1:
          return async_sync_condition_acquire_finish (ASYNC_SYNC_CONDITION (source), result, error);
        case MODEL_TARGET_RW_READ:
          return async_sync_rw_lock_read_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, error);
        case MODEL_TARGET_RW_WRITE:
          return async_sync_rw_lock_write_acquire_finish (ASYNC_SYNC_RW_LOCK (source), result, error);
        default:
          if (op->permits > 0)
            return async_sync_semaphore_acquire_many_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
          return async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, error);
        }
    case MODEL_OP_WAIT:
      if (op->target == MODEL_TARGET_BARRIER)
        return async_sync_barrier_wait_finish (ASYNC_SYNC_BARRIER (source), result, detail, error);
      return async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source), result, error);
    case MODEL_OP_COND_WAIT:
      return async_sync_condition_wait_finish (ASYNC_SYNC_CONDITION (source), result, error);
    case MODEL_OP_COND_WAIT_FOR:
      return async_sync_condition_wait_for_finish (ASYNC_SYNC_CONDITION (source), result, error);
    case MODEL_OP_PUT:
      return async_sync_queue_put_finish (ASYNC_SYNC_QUEUE (source), result, error);
    case MODEL_OP_GET:
      {
        GObject *item = async_sync_queue_get_finish (ASYNC_SYNC_QUEUE (source), result, error);

        ok = item != NULL;
        if (ok)
          *detail = item_serial (item);
        g_clear_object (&item);
        return ok;
      }
    case MODEL_OP_JOIN:
      return async_sync_queue_join_finish (ASYNC_SYNC_QUEUE (source), result, error);
    default:
      g_assert_not_reached ();
    }
}

static void
op_done_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HarnessOp *op = user_data;
  Harness *h = op->h;
  GError *error = NULL;
  guint detail = 0;
  gboolean ok;

  check_dispatch_context (h, h->contexts[op->ctx], "completion of op", op->id);
  if (op->n_completed++ > 0)
    violation (h, "op %u completed %u times", op->id, op->n_completed);

  ok = op_finish (op, source_object, result, &detail, &error);
  if (ok != (error == NULL))
    violation (h, "op %u: _finish returned %d with error %s", op->id, ok,
               error != NULL ? error->message : "(none)");

  log_event (h, MODEL_EVENT_COMPLETE, op->id, result_of (ok, error), ok ? detail : 0);
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
  log_event (h, MODEL_EVENT_PREDICATE, op->id, value | async_sync_lock_is_locked (lock) << 1, 0);

  return value;
}

static void
predicate_destroy (gpointer user_data)
{
  HarnessOp *op = user_data;

  if (op->n_destroyed++ > 0)
    violation (op->h, "predicate data of op %u destroyed twice", op->id);
}

/* ---- property notifications ---- */

typedef struct
{
  Harness  *h;
  ModelProp prop;
} NotifyWatch;

static guint
prop_read (Harness   *h,
           ModelProp  prop)
{
  switch (prop)
    {
    case MODEL_PROP_LOCKED:
      return async_sync_lock_is_locked (h->lock);
    case MODEL_PROP_LOCK1_LOCKED:
      return async_sync_lock_is_locked (h->cond1_lock);
    case MODEL_PROP_IS_SET:
      return async_sync_event_is_set (h->event);
    case MODEL_PROP_SEM_VALUE:
      return async_sync_semaphore_get_value (h->sem[0]);
    case MODEL_PROP_BSEM_VALUE:
      return async_sync_semaphore_get_value (h->sem[1]);
    case MODEL_PROP_BROKEN:
      return async_sync_barrier_is_broken (h->barrier);
    case MODEL_PROP_LENGTH:
      return async_sync_queue_get_length (h->queue);
    case MODEL_PROP_N_READERS:
      return async_sync_rw_lock_get_n_readers (h->rw);
    case MODEL_PROP_WRITE_LOCKED:
      return async_sync_rw_lock_is_write_locked (h->rw);
    case MODEL_N_PROPS:
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

  check_dispatch_context (h, h->contexts[h->home[prop_home[watch->prop]]], "notification", watch->prop);
  log_event (h, MODEL_EVENT_NOTIFY, watch->prop, prop_read (h, watch->prop), 0);
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
       ModelProp    prop)
{
  NotifyWatch *w = g_new (NotifyWatch, 1);

  w->h = h;
  w->prop = prop;
  g_signal_connect_data (object, signal, G_CALLBACK (notify_cb), w, watch_free, 0);
}

static void
add_weak (gpointer  object,
          gpointer *cell)
{
  *cell = object;
  g_object_add_weak_pointer (G_OBJECT (object), cell);
}

/* ---- cancellables ---- */

static GCancellable *
cancellable_new (Harness       *h,
                 ModelCancKind  kind,
                 gint          *instance)
{
  Instance *inst = g_new0 (Instance, 1);
  GCancellable *cancellable;

  inst->kind = kind;
  inst->deadline = G_MAXINT64;
  switch (kind)
    {
    case MODEL_CANC_EXPIRED:
      inst->deadline = 0;
      break;
    case MODEL_CANC_FUTURE:
      inst->deadline = G_MAXINT64 / 2;
      break;
    case MODEL_CANC_EXPIRING:
      if (h->step >= 0 && h->expire_rank[h->step] > 0)
        inst->deadline = h->start + h->expire_rank[h->step] * h->slack;
      else
        inst->deadline = G_MAXINT64 / 2;
      break;
    case MODEL_CANC_PLAIN:
    case MODEL_N_CANC_KINDS:
    default:
      break;
    }

  if (kind == MODEL_CANC_PLAIN)
    cancellable = g_cancellable_new ();
  else
    cancellable = G_CANCELLABLE (async_sync_timeout_new_at (inst->deadline));

  add_weak (cancellable, &inst->weak);
  g_ptr_array_add (h->instances, inst);
  *instance = h->instances->len - 1;

  return cancellable;
}

static void
slot_renew (Harness       *h,
            guint          slot,
            ModelCancKind  kind)
{
  g_clear_object (&h->slots[slot]);
  h->slots[slot] = cancellable_new (h, kind, &h->slot_instance[slot]);
}

/* Whether @instance may still decide something: a slot holds it, or an
 * operation in flight uses it. */
static gboolean
instance_in_use (Harness *h,
                 gint     instance)
{
  guint i;

  for (i = 0; i < MODEL_N_SLOTS; i++)
    if (h->slot_instance[i] == instance)
      return TRUE;
  for (i = 0; i < h->ops->len; i++)
    {
      HarnessOp *op = g_ptr_array_index (h->ops, i);

      if (op->instance == instance && op->n_completed == 0)
        return TRUE;
    }

  return FALSE;
}

/* After each step: no expiring deadline the model still has ahead may be
 * behind the clock, else the library may have seen it pass. */
static void
check_clock (Harness *h)
{
  gint64 now = g_get_monotonic_time ();
  guint i;

  for (i = 0; i < h->instances->len; i++)
    {
      Instance *inst = g_ptr_array_index (h->instances, i);

      if (inst->kind == MODEL_CANC_EXPIRING && !inst->expired && now >= inst->deadline &&
          instance_in_use (h, i))
        h->clock_disagreed = TRUE;
    }
}

/* The `expire` step: the deadline passes now, not before. */
static void
slot_expire (Harness *h,
             guint    slot)
{
  Instance *inst = g_ptr_array_index (h->instances, h->slot_instance[slot]);

  if (inst->kind != MODEL_CANC_EXPIRING || inst->expired)
    return;

  if (g_get_monotonic_time () >= inst->deadline)
    h->clock_disagreed = TRUE;
  while (g_get_monotonic_time () < inst->deadline)
    ;
  inst->expired = TRUE;
}

/* ---- objects ---- */

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


/* Each object is made with its home context as thread-default.  cond0 has
 * no property of its own; cond1's private lock is made by cond1. */
static void
harness_make_objects (Harness          *h,
                      const ModelSetup *setup)
{
  push (h, h->home[MODEL_HOME_LOCK]);
  h->lock = async_sync_lock_new ();
  h->cond[0] = async_sync_condition_new (h->lock);
  pop (h, h->home[MODEL_HOME_LOCK]);

  push (h, h->home[MODEL_HOME_LOCK1]);
  h->cond[1] = async_sync_condition_new (NULL);
  h->cond1_lock = async_sync_condition_get_lock (h->cond[1]);
  pop (h, h->home[MODEL_HOME_LOCK1]);

  push (h, h->home[MODEL_HOME_EVENT]);
  h->event = async_sync_event_new ();
  pop (h, h->home[MODEL_HOME_EVENT]);

  push (h, h->home[MODEL_HOME_SEM]);
  h->sem[0] = async_sync_semaphore_new (setup->sem_value);
  pop (h, h->home[MODEL_HOME_SEM]);

  push (h, h->home[MODEL_HOME_BSEM]);
  h->sem[1] = ASYNC_SYNC_SEMAPHORE (async_sync_bounded_semaphore_new (setup->bsem_value));
  pop (h, h->home[MODEL_HOME_BSEM]);

  push (h, h->home[MODEL_HOME_BARRIER]);
  h->barrier = async_sync_barrier_new (MAX (setup->parties, 1));
  pop (h, h->home[MODEL_HOME_BARRIER]);

  push (h, h->home[MODEL_HOME_QUEUE]);
  h->queue = async_sync_queue_new (G_TYPE_OBJECT, setup->maxsize);
  pop (h, h->home[MODEL_HOME_QUEUE]);

  push (h, h->home[MODEL_HOME_RW]);
  h->rw = async_sync_rw_lock_new ();
  pop (h, h->home[MODEL_HOME_RW]);

  watch (h, h->lock, "notify::locked", MODEL_PROP_LOCKED);
  watch (h, h->cond1_lock, "notify::locked", MODEL_PROP_LOCK1_LOCKED);
  watch (h, h->event, "notify::is-set", MODEL_PROP_IS_SET);
  watch (h, h->sem[0], "notify::value", MODEL_PROP_SEM_VALUE);
  watch (h, h->sem[1], "notify::value", MODEL_PROP_BSEM_VALUE);
  watch (h, h->barrier, "notify::broken", MODEL_PROP_BROKEN);
  watch (h, h->queue, "notify::length", MODEL_PROP_LENGTH);
  watch (h, h->rw, "notify::n-readers", MODEL_PROP_N_READERS);
  watch (h, h->rw, "notify::write-locked", MODEL_PROP_WRITE_LOCKED);

  add_weak (h->lock, &h->weak_objects[0]);
  add_weak (h->cond[0], &h->weak_objects[1]);
  add_weak (h->cond[1], &h->weak_objects[2]);
  add_weak (h->cond1_lock, &h->weak_objects[3]);
  add_weak (h->event, &h->weak_objects[4]);
  add_weak (h->sem[0], &h->weak_objects[5]);
  add_weak (h->sem[1], &h->weak_objects[6]);
  add_weak (h->barrier, &h->weak_objects[7]);
  add_weak (h->queue, &h->weak_objects[8]);
  add_weak (h->rw, &h->weak_objects[9]);
}

static Harness *
harness_new (const ModelSetup *setup,
             gint64            slack,
             const guint      *expire_rank)
{
  Harness *h = g_new0 (Harness, 1);
  guint i;

  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    h->contexts[i] = g_main_context_new ();
  for (i = 0; i < MODEL_N_HOMES; i++)
    h->home[i] = setup->home[i] % MODEL_N_CONTEXTS;
  h->slack = slack;
  h->expire_rank = expire_rank;
  h->step = -1;
  h->ops = g_ptr_array_new_with_free_func (g_free);
  h->events = g_array_new (FALSE, FALSE, sizeof (ModelEvent));
  h->violations = g_string_new (NULL);
  h->instances = g_ptr_array_new_with_free_func (g_free);
  h->items = g_ptr_array_new_with_free_func (g_free);

  harness_make_objects (h, setup);
  for (i = 0; i < MODEL_N_SLOTS; i++)
    slot_renew (h, i, MODEL_CANC_PLAIN);
  h->start = g_get_monotonic_time ();

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

/* What must be gone once everything was dropped: every object, GTask,
 * cancellable and queue item; and each predicate destroyed once. */
static gboolean
harness_check_freed (Harness *h,
                     guint    n_wait_for,
                     GString *report)
{
  gboolean ok = TRUE;
  guint n_destroyed = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (object_names); i++)
    if (h->weak_objects[i] != NULL)
      {
        g_string_append_printf (report, "%s was not finalized\n", object_names[i]);
        ok = FALSE;
      }
  for (i = 0; i < h->instances->len; i++)
    if (((Instance *) g_ptr_array_index (h->instances, i))->weak != NULL)
      {
        g_string_append_printf (report, "cancellable %u was not finalized\n", i);
        ok = FALSE;
      }
  for (i = 0; i < h->items->len; i++)
    if (((ItemWatch *) g_ptr_array_index (h->items, i))->alive)
      {
        g_string_append_printf (report, "queue item %u was not finalized\n", i);
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

  return ok;
}

static gboolean
all_ops_completed (Harness *h)
{
  guint i;

  for (i = 0; i < h->ops->len; i++)
    if (((HarnessOp *) g_ptr_array_index (h->ops, i))->n_completed == 0)
      return FALSE;

  return TRUE;
}

/* After a failed run: keeps @array (of what waiters still in flight point
 * to) for the rest of the process. */
static void
keep_for_stuck_waiters (GPtrArray *array)
{
  static GPtrArray *kept = NULL;

  if (kept == NULL)
    kept = g_ptr_array_new ();
  g_ptr_array_add (kept, array);
}

static gboolean
no_item_alive (Harness *h)
{
  guint i;

  for (i = 0; i < h->items->len; i++)
    if (((ItemWatch *) g_ptr_array_index (h->items, i))->alive)
      return FALSE;

  return TRUE;
}

/* After a failed run, which the model can no longer drain: completes
 * whatever is in flight on the library by brute force (every cancellable
 * cancelled, every predicate true, everything released, set, notified,
 * aborted, shut down), so that the run frees what it made even when the
 * sequence is run again. */
static void
harness_force_drain (Harness *h)
{
  guint round, i;

  h->dropped = TRUE;
  for (i = 0; i < MODEL_N_FLAGS; i++)
    h->flags[i] = TRUE;

  for (round = 0; round < 100 && !all_ops_completed (h); round++)
    {
      for (i = 0; i < h->instances->len; i++)
        {
          Instance *inst = g_ptr_array_index (h->instances, i);

          if (inst->weak != NULL)
            g_cancellable_cancel (inst->weak);
        }
      run_until_idle (h);

      async_sync_event_set (h->event);
      for (i = 0; i < 2; i++)
        {
          async_sync_condition_try_acquire (h->cond[i]);
          async_sync_condition_notify_all (h->cond[i], NULL);
          async_sync_condition_release (h->cond[i], NULL);
          /* One at a time: a bounded one refuses more than its bound. */
          while (async_sync_semaphore_get_n_waiting (h->sem[i]) > 0 &&
                 async_sync_semaphore_release (h->sem[i], NULL))
            ;
        }
      async_sync_lock_release (h->lock, NULL);
      if (!async_sync_rw_lock_write_release (h->rw, NULL))
        async_sync_rw_lock_read_release (h->rw, NULL);
      async_sync_barrier_abort (h->barrier);
      /* The dropped items go on a context that the harness runs. */
      push (h, 0);
      async_sync_queue_shutdown (h->queue, TRUE);
      pop (h, 0);
      while (async_sync_queue_task_done (h->queue, NULL))
        ;
      run_until_idle (h);
    }
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

  if (!check)
    harness_force_drain (h);

  h->dropped = TRUE;
  for (i = 0; i < MODEL_N_SLOTS; i++)
    g_clear_object (&h->slots[i]);
  g_clear_object (&h->lock);
  g_clear_object (&h->cond[0]);
  g_clear_object (&h->cond[1]);
  g_clear_object (&h->event);
  g_clear_object (&h->sem[0]);
  g_clear_object (&h->sem[1]);
  g_clear_object (&h->barrier);
  g_clear_object (&h->queue);
  g_clear_object (&h->rw);
  /* Completions still queued, and items released later, run now. */
  run_until_idle (h);

  if (check)
    ok = harness_check_freed (h, n_wait_for, report);

  /* What survived (a failed run that could not be drained) keeps its weak
   * pointers: remove them, and keep what they, and waiters, may still
   * point to. */
  for (i = 0; i < G_N_ELEMENTS (h->weak_objects); i++)
    if (h->weak_objects[i] != NULL)
      g_object_remove_weak_pointer (h->weak_objects[i], &h->weak_objects[i]);
  for (i = 0; i < h->instances->len; i++)
    {
      Instance *inst = g_ptr_array_index (h->instances, i);

      if (inst->weak != NULL)
        g_object_remove_weak_pointer (inst->weak, &inst->weak);
    }
  for (i = 0; i < h->ops->len; i++)
    {
      HarnessOp *op = g_ptr_array_index (h->ops, i);

      if (op->task != NULL)
        g_object_remove_weak_pointer (op->task, &op->task);
    }
  /* What waiters that never completed may still point to stays, and
   * stays reachable: it is kept on purpose, not leaked. */
  if (all_ops_completed (h))
    g_ptr_array_unref (h->ops);
  else
    keep_for_stuck_waiters (h->ops);
  if (no_item_alive (h))
    g_ptr_array_unref (h->items);
  else
    keep_for_stuck_waiters (h->items);

  for (i = 0; i < MODEL_N_CONTEXTS; i++)
    g_main_context_unref (h->contexts[i]);
  g_ptr_array_unref (h->instances);
  g_array_unref (h->events);
  g_string_free (h->violations, TRUE);
  g_free (h);

  return ok;
}

/* ---- operations ---- */

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
  op->instance = model_op->canc >= 0 ? h->slot_instance[model_op->canc % MODEL_N_SLOTS] : -1;
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
    case MODEL_TARGET_RW_READ:
    case MODEL_TARGET_RW_WRITE:
      return h->rw;
    default:
      g_assert_not_reached ();
    }
}

/* An `_async` call, from its context as thread-default. */
static void
start_async (Harness       *h,
             const ModelOp *mop)
{
  HarnessOp *op = new_op (h, mop);
  GCancellable *cancellable = slot (h, mop);
  gpointer target = NULL;
  GObject *item = NULL;

  if (mop->kind == MODEL_OP_ACQUIRE)
    target = lock_target (h, mop->target);

  push (h, op->ctx);
  switch ((ModelOpKind) mop->kind)
    {
    case MODEL_OP_ACQUIRE:
      if (mop->target == MODEL_TARGET_RW_READ)
        async_sync_rw_lock_read_acquire_async (target, cancellable, op_done_cb, op);
      else if (mop->target == MODEL_TARGET_RW_WRITE)
        async_sync_rw_lock_write_acquire_async (target, cancellable, op_done_cb, op);
      else if (ASYNC_SYNC_IS_LOCK (target))
        async_sync_lock_acquire_async (target, cancellable, op_done_cb, op);
      else if (ASYNC_SYNC_IS_CONDITION (target))
        async_sync_condition_acquire_async (target, cancellable, op_done_cb, op);
      else if (mop->arg > 0)
        async_sync_semaphore_acquire_many_async (target, mop->arg - 1, cancellable, op_done_cb, op);
      else
        async_sync_semaphore_acquire_async (target, cancellable, op_done_cb, op);
      break;
    case MODEL_OP_WAIT:
      if (mop->target == MODEL_TARGET_BARRIER)
        async_sync_barrier_wait_async (h->barrier, cancellable, op_done_cb, op);
      else
        async_sync_event_wait_async (h->event, cancellable, op_done_cb, op);
      break;
    case MODEL_OP_COND_WAIT:
      async_sync_condition_wait_async (lock_target (h, mop->target), cancellable, op_done_cb, op);
      break;
    case MODEL_OP_COND_WAIT_FOR:
      h->predicate_in_call = TRUE;
      async_sync_condition_wait_for_async (lock_target (h, mop->target),
                                           predicate_cb, op, predicate_destroy,
                                           cancellable, op_done_cb, op);
      h->predicate_in_call = FALSE;
      break;
    case MODEL_OP_PUT:
      item = item_new (h);
      async_sync_queue_put_async (h->queue, item, cancellable, op_done_cb, op);
      break;
    case MODEL_OP_GET:
      async_sync_queue_get_async (h->queue, cancellable, op_done_cb, op);
      break;
    case MODEL_OP_JOIN:
      async_sync_queue_join_async (h->queue, cancellable, op_done_cb, op);
      break;
    default:
      g_assert_not_reached ();
    }
  pop (h, op->ctx);

  h->in_call = FALSE;
  g_clear_object (&item);
  let_clock_move ();
}

static ModelReply
try_acquire (Harness       *h,
             const ModelOp *mop)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, 0, FALSE };
  gpointer target = lock_target (h, mop->target);

  if (mop->target == MODEL_TARGET_RW_READ)
    reply.ret = async_sync_rw_lock_try_read_acquire (target);
  else if (mop->target == MODEL_TARGET_RW_WRITE)
    reply.ret = async_sync_rw_lock_try_write_acquire (target);
  else if (ASYNC_SYNC_IS_LOCK (target))
    reply.ret = async_sync_lock_try_acquire (target);
  else if (ASYNC_SYNC_IS_CONDITION (target))
    reply.ret = async_sync_condition_try_acquire (target);
  else if (mop->arg > 0)
    reply.ret = async_sync_semaphore_try_acquire_many (target, MAX (mop->arg - 1, 1));
  else
    reply.ret = async_sync_semaphore_try_acquire (target);

  return reply;
}

static ModelReply
release (Harness       *h,
         const ModelOp *mop)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, 0, FALSE };
  gpointer target = lock_target (h, mop->target);
  GError *error = NULL;

  if (mop->target == MODEL_TARGET_RW_READ)
    reply.ret = async_sync_rw_lock_read_release (target, &error);
  else if (mop->target == MODEL_TARGET_RW_WRITE)
    reply.ret = async_sync_rw_lock_write_release (target, &error);
  else if (ASYNC_SYNC_IS_LOCK (target))
    reply.ret = async_sync_lock_release (target, &error);
  else if (ASYNC_SYNC_IS_CONDITION (target))
    reply.ret = async_sync_condition_release (target, &error);
  else if (mop->arg > 0)
    reply.ret = async_sync_semaphore_release_many (target, mop->arg - 1, &error);
  else
    reply.ret = async_sync_semaphore_release (target, &error);
  reply.error = result_of (TRUE, error);
  g_clear_error (&error);

  return reply;
}

/* The queue's calls that return at once.  Items are let go of outside
 * the call (h->in_call is FALSE when this returns). */
static ModelReply
queue_call (Harness       *h,
            const ModelOp *mop)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, 0, FALSE };
  g_autoptr(GObject) item = NULL;
  GError *error = NULL;

  switch ((ModelOpKind) mop->kind)
    {
    case MODEL_OP_TRY_PUT:
      item = item_new (h);
      reply.ret = async_sync_queue_try_put (h->queue, item, &error);
      break;
    case MODEL_OP_TRY_GET:
      item = async_sync_queue_try_get (h->queue, &error);
      reply.ret = item != NULL;
      if (item != NULL)
        reply.detail = item_serial (item);
      break;
    case MODEL_OP_TASK_DONE:
      reply.ret = async_sync_queue_task_done (h->queue, &error);
      break;
    case MODEL_OP_SHUTDOWN:
      push (h, mop->ctx % MODEL_N_CONTEXTS);
      async_sync_queue_shutdown (h->queue, mop->arg != 0);
      pop (h, mop->ctx % MODEL_N_CONTEXTS);
      break;
    default:
      g_assert_not_reached ();
    }
  h->in_call = FALSE;

  if (reply.ret >= 0)
    reply.error = result_of (TRUE, error);
  g_clear_error (&error);

  return reply;
}

static ModelReply
harness_apply (Harness       *h,
               const ModelOp *mop)
{
  ModelReply reply = { -1, MODEL_RESULT_OK, 0, FALSE };
  GError *error = NULL;

  h->in_call = TRUE;

  switch ((ModelOpKind) mop->kind)
    {
    case MODEL_OP_ACQUIRE:
    case MODEL_OP_WAIT:
    case MODEL_OP_COND_WAIT:
    case MODEL_OP_COND_WAIT_FOR:
    case MODEL_OP_PUT:
    case MODEL_OP_GET:
    case MODEL_OP_JOIN:
      start_async (h, mop);
      break;

    case MODEL_OP_TRY_ACQUIRE:
      reply = try_acquire (h, mop);
      break;

    case MODEL_OP_RELEASE:
      reply = release (h, mop);
      break;

    case MODEL_OP_SET:
      async_sync_event_set (h->event);
      break;

    case MODEL_OP_CLEAR:
      async_sync_event_clear (h->event);
      break;

    case MODEL_OP_RESET:
      async_sync_barrier_reset (h->barrier);
      break;

    case MODEL_OP_ABORT:
      async_sync_barrier_abort (h->barrier);
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

    case MODEL_OP_TRY_PUT:
    case MODEL_OP_TRY_GET:
    case MODEL_OP_TASK_DONE:
    case MODEL_OP_SHUTDOWN:
      reply = queue_call (h, mop);
      break;

    case MODEL_OP_CANCEL:
      if (mop->canc >= 0)
        g_cancellable_cancel (slot (h, mop));
      break;

    case MODEL_OP_RENEW:
      if (mop->canc >= 0)
        slot_renew (h, mop->canc % MODEL_N_SLOTS, mop->arg % MODEL_N_CANC_KINDS);
      break;

    case MODEL_OP_EXPIRE:
      if (mop->canc >= 0)
        slot_expire (h, mop->canc % MODEL_N_SLOTS);
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

static guint
get_uint_property (gpointer     object,
                   const gchar *name)
{
  guint value;

  g_object_get (object, name, &value, NULL);
  return value;
}

/* The state of every object through its getters, and the getters checked
 * against the properties. */
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
      s->cond_waiting[i] = async_sync_condition_get_n_waiting (h->cond[i]);
      s->sem_value[i] = async_sync_semaphore_get_value (h->sem[i]);
      s->sem_waiting[i] = async_sync_semaphore_get_n_waiting (h->sem[i]);
      s->sem_locked[i] = async_sync_semaphore_is_locked (h->sem[i]);
      if (async_sync_condition_is_locked (h->cond[i]) != s->locked[i])
        violation (h, "cond%u is_locked disagrees with its lock", i);
      if (get_uint_property (h->sem[i], "value") != s->sem_value[i])
        violation (h, "the value property of sem %u disagrees with get_value()", i);
    }
  s->event_set = async_sync_event_is_set (h->event);
  s->event_waiting = async_sync_event_get_n_waiting (h->event);
  s->bsem_bound = async_sync_bounded_semaphore_get_bound (ASYNC_SYNC_BOUNDED_SEMAPHORE (h->sem[1]));
  s->barrier_waiting = async_sync_barrier_get_n_waiting (h->barrier);
  s->barrier_broken = async_sync_barrier_is_broken (h->barrier);
  s->queue_length = async_sync_queue_get_length (h->queue);
  s->queue_full = async_sync_queue_is_full (h->queue);
  s->queue_shut_down = async_sync_queue_is_shut_down (h->queue);
  s->rw_readers = async_sync_rw_lock_get_n_readers (h->rw);
  s->rw_writer = async_sync_rw_lock_is_write_locked (h->rw);
  s->rw_waiting = async_sync_rw_lock_get_n_waiting (h->rw);

  if (get_boolean_property (h->lock, "locked") != s->locked[0])
    violation (h, "the locked property disagrees with is_locked()");
  if (get_boolean_property (h->event, "is-set") != s->event_set)
    violation (h, "the is-set property disagrees with is_set()");
  if (async_sync_condition_get_lock (h->cond[0]) != h->lock)
    violation (h, "cond0 lost its lock");
  if (get_boolean_property (h->barrier, "broken") != s->barrier_broken)
    violation (h, "the broken property disagrees with is_broken()");
  if (get_uint_property (h->queue, "length") != s->queue_length ||
      async_sync_queue_is_empty (h->queue) != (s->queue_length == 0))
    violation (h, "the queue's length property or is_empty() disagrees with get_length()");
  if (get_uint_property (h->rw, "n-readers") != s->rw_readers ||
      get_boolean_property (h->rw, "write-locked") != s->rw_writer)
    violation (h, "the read-write lock's properties disagree with its getters");
}

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
                            reply->error != MODEL_RESULT_OK ? model_result_name (reply->error) : "");
  if (reply->detail != 0)
    g_string_append_printf (out, " (%u)", reply->detail);
}

static void
print_step (Harness             *h,
            const GString       *line,
            guint                n_before,
            const ModelSnapshot *state)
{
  g_autoptr(GString) s = g_string_new ("    state: ");
  guint i;

  g_printerr ("%s\n", line->str);
  for (i = n_before; i < h->events->len; i++)
    {
      g_autoptr(GString) e = g_string_new ("    ");

      model_event_format (&g_array_index (h->events, ModelEvent, i), e);
      g_printerr ("%s\n", e->str);
    }
  model_snapshot_format (state, s);
  g_printerr ("%s\n", s->str);
}

/* Compares the events so far, one by one. */
static gboolean
compare_events (Model         *model,
                Harness       *h,
                const GString *line,
                GString       *report)
{
  const ModelEvent *expected;
  guint n_expected, i;

  expected = model_get_events (model, &n_expected);
  for (i = 0; i < MAX (n_expected, h->events->len); i++)
    {
      const ModelEvent *e = i < n_expected ? &expected[i] : NULL;
      const ModelEvent *a = i < h->events->len ? &g_array_index (h->events, ModelEvent, i) : NULL;

      if (e != NULL && a != NULL && e->kind == a->kind && e->id == a->id &&
          e->value == a->value && e->detail == a->detail)
        continue;

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
      return FALSE;
    }

  return TRUE;
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
  guint n_before = h->events->len;

  expected = model_apply (model, op);
  if (expected.skipped)
    actual = expected;
  else
    actual = harness_apply (h, op);
  check_clock (h);

  model_snapshot (model, &expected_state);
  harness_snapshot (h, &actual_state);

  g_string_append_printf (line, "%s %u: ", label, index);
  model_op_format (op, line);
  g_string_append (line, " -> ");
  format_reply (&actual, line);

  if (verbose)
    print_step (h, line, n_before, &actual_state);

  if (expected.ret != actual.ret || expected.error != actual.error || expected.detail != actual.detail)
    {
      g_string_append_printf (report, "%s\n  expected return: ", line->str);
      format_reply (&expected, report);
      g_string_append_c (report, '\n');
      return FALSE;
    }

  if (!compare_events (model, h, line, report))
    return FALSE;

  if (memcmp (&expected_state, &actual_state, sizeof expected_state) != 0)
    {
      g_string_append_printf (report, "%s\n  expected state: ", line->str);
      model_snapshot_format (&expected_state, report);
      g_string_append (report, "\n  library state:  ");
      model_snapshot_format (&actual_state, report);
      g_string_append_c (report, '\n');
      return FALSE;
    }

  if (h->violations->len > 0)
    {
      g_string_append_printf (report, "%s\n  %s", line->str, h->violations->str);
      return FALSE;
    }

  return TRUE;
}

/* For each step that renews a slot with an expiring timeout, the rank of
 * that timeout's `expire` step among all of them (1 for the first), or 0
 * if no step expires it. */
static guint *
expire_ranks_new (const ModelSequence *seq)
{
  guint *rank = g_new0 (guint, MAX (seq->n_ops, 1));
  gint renewed_by[MODEL_N_SLOTS];
  guint n_ranked = 0, i;

  for (i = 0; i < MODEL_N_SLOTS; i++)
    renewed_by[i] = -1;

  for (i = 0; i < seq->n_ops; i++)
    {
      const ModelOp *op = &seq->ops[i];
      guint slot = op->canc % MODEL_N_SLOTS;

      if (op->canc < 0)
        continue;
      if (op->kind == MODEL_OP_RENEW)
        renewed_by[slot] = op->arg % MODEL_N_CANC_KINDS == MODEL_CANC_EXPIRING ? (gint) i : -1;
      else if (op->kind == MODEL_OP_EXPIRE && renewed_by[slot] >= 0 && rank[renewed_by[slot]] == 0)
        rank[renewed_by[slot]] = ++n_ranked;
    }

  return rank;
}

/* One run of @seq with @slack between expiring deadlines.  Sets
 * *clock_disagreed if a deadline passed before its step. */
static gboolean
run_once (const ModelSequence *seq,
          ModelCheckFlags      flags,
          gint64               slack,
          gboolean            *clock_disagreed,
          GString             *report)
{
  gboolean verbose = (flags & MODEL_CHECK_VERBOSE) != 0;
  g_autofree guint *expire_rank = expire_ranks_new (seq);
  Model *model = model_new (&seq->setup);
  Harness *h = harness_new (&seq->setup, slack, expire_rank);
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
    {
      h->step = i;
      ok = step (model, h, &seq->ops[i], "step", i, verbose, report);
    }

  /* Drain: complete everything in flight, still comparing. */
  h->step = -1;
  for (i = 0; ok && i < 1000 && model_next_drain_op (model, &op); i++)
    ok = step (model, h, &op, "drain", i, verbose, report);

  if (ok && model_n_outstanding (model) > 0)
    {
      g_string_append_printf (report, "drain: %u operations still in flight\n",
                              model_n_outstanding (model));
      ok = FALSE;
    }

  *clock_disagreed = h->clock_disagreed;
  ok = harness_free (h, ok, model_n_wait_for_ops (model), report) && ok;
  model_free (model);

  return ok;
}

gboolean
model_check_run (const ModelSequence *seq,
                 ModelCheckFlags      flags,
                 GString             *report)
{
  /* Kept from run to run: a slow machine needs a larger slack for all,
   * until enough runs in a row show it can do with half. */
  static gint64 slack = SLACK_MIN_USEC;
  static guint n_agreed = 0;

  for (;;)
    {
      g_autoptr(GString) attempt = g_string_new (NULL);
      gboolean clock_disagreed = FALSE;
      gboolean ok = run_once (seq, flags, slack, &clock_disagreed, attempt);

      if (clock_disagreed && slack < SLACK_MAX_USEC)
        {
          slack = MIN (slack * 4, SLACK_MAX_USEC);
          n_agreed = 0;
        }
      else if (!clock_disagreed && ++n_agreed == 256)
        {
          slack = MAX (slack / 2, SLACK_MIN_USEC);
          n_agreed = 0;
        }
      if (ok || !clock_disagreed || slack >= SLACK_MAX_USEC)
        {
          if (!ok && clock_disagreed)
            g_string_append (report, "(deadlines passed before their step even with the "
                                     "largest slack: the machine is too slow to tell)\n");
          g_string_append (report, attempt->str);
          return ok;
        }
      if (flags & MODEL_CHECK_VERBOSE)
        g_printerr ("\n(a deadline passed before its step: again with a slack of %" G_GINT64_FORMAT
                    " ms)\n\n", slack / 1000);
    }
}
