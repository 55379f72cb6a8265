/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A reference model of SPEC section 3 (queues, hand-off, cancellation,
 * deadlines) and of the class rules of section 5, for one thread driving
 * two main contexts.  It predicts, for a sequence of operations, every
 * return value, every completion (with its result, in order), every
 * predicate call and every property notification, and the observable
 * state after each step.  test-model.c and tests/fuzz/fuzz-model.c run the
 * same sequences on the library (async-sync-model-check.c) and compare.
 *
 * The objects of a run:
 *   lock     an AsyncSyncLock, shared by cond0
 *   cond0    an AsyncSyncCondition over lock
 *   cond1    an AsyncSyncCondition with its own private lock
 *   event    an AsyncSyncEvent
 *   sem      an AsyncSyncSemaphore (single and weighted calls)
 *   bsem     an AsyncSyncBoundedSemaphore (single and weighted calls)
 *   barrier  an AsyncSyncBarrier
 *   queue    an AsyncSyncQueue of GObjects, each numbered when it is put
 *   rw       an AsyncSyncRWLock, as targets rw-read and rw-write
 *
 * Cancellables come from slots.  A slot holds a GCancellable or an
 * AsyncSyncTimeout of one of three kinds: already expired, with a far
 * future deadline, or "expiring": its deadline passes at the `expire` step
 * that names the slot, and not before (model_check_run() checks the clock
 * agreed, and runs the sequence again with more time if it did not).
 *
 * The text form of a sequence (model_sequence_format(), read back by
 * model_sequence_parse() and ASYNC_SYNC_MODEL_REPLAY), one step a line,
 * '#' starting a comment:
 *
 *   setup sem=2 bsem=1 parties=2 maxsize=1 homes=0,1,0,0,1,0,0,1
 *                                  initial values; home context of lock,
 *                                  cond1's lock, event, sem, bsem,
 *                                  barrier, queue, rw
 *   acquire lock ctx=0 canc=3      _async from context 0, cancellable
 *                                  slot 3 ("canc=-": none)
 *   acquire sem ctx=1 canc=- permits=2   the weighted call (acquire_many)
 *   acquire rw-write ctx=0 canc=-  try-acquire rw-read   release rw-write
 *   try-acquire bsem [permits=N]   release cond1 [permits=N]
 *   wait event ctx=0 canc=1        set event        clear event
 *   wait barrier ctx=1 canc=-      reset barrier    abort barrier
 *   put queue ctx=0 canc=2         get queue ctx=1 canc=-   join queue ctx=0 canc=-
 *   try-put queue   try-get queue   task-done queue
 *   shutdown queue ctx=1 immediate=1   (dropped items go on context 1)
 *   cond-wait cond0 ctx=1 canc=2   cond-wait-for cond1 ctx=0 canc=- flag=1
 *   notify cond0 n=2               notify-all cond1
 *   set-flag flag=1 value=1        (what the wait-for predicates return)
 *   cancel canc=3                  g_cancellable_cancel() on slot 3
 *   renew canc=3 kind=expiring     a fresh cancellable in slot 3: kind
 *                                  plain (the default), expired, future
 *                                  or expiring
 *   expire canc=3                  the deadline of slot 3 passes
 *   iterate ctx=1                  one g_main_context_iteration (ctx, FALSE)
 *   run-idle                       both contexts until neither has anything
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MODEL_N_CONTEXTS     2
#define MODEL_N_SLOTS        6   /* cancellable slots */
#define MODEL_N_FLAGS        2   /* predicate flags */
/* At most this many asynchronous operations in flight: an `_async` op
 * beyond it is skipped, by the model and the library alike.  It keeps
 * every dispatch under the dispatcher's per-dispatch budget (32 items
 * before it first looks at the clock), so that an iteration runs every
 * ready completion and the model stays exact. */
#define MODEL_MAX_OUTSTANDING 10
#define MODEL_MAX_OPS        512

typedef enum
{
  MODEL_TARGET_LOCK,
  MODEL_TARGET_COND0,
  MODEL_TARGET_COND1,
  MODEL_TARGET_EVENT,
  MODEL_TARGET_SEM,
  MODEL_TARGET_BSEM,
  MODEL_TARGET_BARRIER,
  MODEL_TARGET_QUEUE,
  MODEL_TARGET_RW_READ,    /* the read side of rw */
  MODEL_TARGET_RW_WRITE,   /* the write side of rw */
  MODEL_N_TARGETS
} ModelTarget;

/* The objects that have a home context (and notify properties there). */
typedef enum
{
  MODEL_HOME_LOCK,         /* the lock of cond0 too */
  MODEL_HOME_LOCK1,        /* the private lock of cond1 */
  MODEL_HOME_EVENT,
  MODEL_HOME_SEM,
  MODEL_HOME_BSEM,
  MODEL_HOME_BARRIER,
  MODEL_HOME_QUEUE,
  MODEL_HOME_RW,
  MODEL_N_HOMES
} ModelHome;

/* The properties notified, in the order an object emits them. */
typedef enum
{
  MODEL_PROP_LOCKED,         /* lock:locked */
  MODEL_PROP_LOCK1_LOCKED,   /* cond1's lock:locked */
  MODEL_PROP_IS_SET,         /* event:is-set */
  MODEL_PROP_SEM_VALUE,      /* sem:value */
  MODEL_PROP_BSEM_VALUE,     /* bsem:value */
  MODEL_PROP_BROKEN,         /* barrier:broken */
  MODEL_PROP_LENGTH,         /* queue:length */
  MODEL_PROP_N_READERS,      /* rw:n-readers */
  MODEL_PROP_WRITE_LOCKED,   /* rw:write-locked */
  MODEL_N_PROPS
} ModelProp;

typedef enum
{
  /* For sem and bsem, arg 0 uses the single-permit call, arg n + 1 the
   * weighted `_many` call for n permits. */
  MODEL_OP_ACQUIRE,        /* lock, cond0, cond1, sem, bsem, rw-*; ctx, canc; arg */
  MODEL_OP_TRY_ACQUIRE,    /* as above; arg (n >= 1) */
  MODEL_OP_RELEASE,        /* as above; arg */
  MODEL_OP_WAIT,           /* event, barrier; ctx, canc */
  MODEL_OP_SET,            /* event set */
  MODEL_OP_CLEAR,          /* event clear */
  MODEL_OP_RESET,          /* barrier reset */
  MODEL_OP_ABORT,          /* barrier abort */
  MODEL_OP_COND_WAIT,      /* cond0, cond1; ctx, canc */
  MODEL_OP_COND_WAIT_FOR,  /* cond0, cond1; ctx, canc, arg = flag */
  MODEL_OP_NOTIFY,         /* cond0, cond1; arg = n */
  MODEL_OP_NOTIFY_ALL,     /* cond0, cond1 */
  MODEL_OP_SET_FLAG,       /* arg = flag, value = canc field (0/1) */
  MODEL_OP_PUT,            /* queue; ctx, canc: a new numbered item */
  MODEL_OP_GET,            /* queue; ctx, canc */
  MODEL_OP_TRY_PUT,        /* queue: a new numbered item */
  MODEL_OP_TRY_GET,        /* queue */
  MODEL_OP_TASK_DONE,      /* queue */
  MODEL_OP_JOIN,           /* queue; ctx, canc */
  MODEL_OP_SHUTDOWN,       /* queue; arg = immediate, ctx: where dropped items go */
  MODEL_OP_CANCEL,         /* canc = slot */
  MODEL_OP_RENEW,          /* canc = slot; arg = ModelCancKind */
  MODEL_OP_EXPIRE,         /* canc = slot */
  MODEL_OP_ITERATE,        /* ctx: one g_main_context_iteration (ctx, FALSE) */
  MODEL_OP_RUN_IDLE,       /* both contexts until idle, in context order */
  MODEL_N_OPS
} ModelOpKind;

/* What a slot holds after `renew`. */
typedef enum
{
  MODEL_CANC_PLAIN,        /* a GCancellable */
  MODEL_CANC_EXPIRED,      /* an AsyncSyncTimeout whose deadline has passed */
  MODEL_CANC_FUTURE,       /* an AsyncSyncTimeout with a far future deadline */
  MODEL_CANC_EXPIRING,     /* an AsyncSyncTimeout that expires at `expire` */
  MODEL_N_CANC_KINDS
} ModelCancKind;

typedef struct
{
  guint8 kind;     /* ModelOpKind */
  guint8 target;   /* ModelTarget */
  guint8 ctx;      /* 0 .. MODEL_N_CONTEXTS - 1 */
  gint8  canc;     /* -1: no cancellable; else a slot */
  guint  arg;      /* see ModelOpKind */
} ModelOp;

typedef struct
{
  guint  sem_value;                 /* initial value of sem */
  guint  bsem_value;                /* initial value (the bound) of bsem */
  guint  parties;                   /* of barrier, >= 1 */
  guint  maxsize;                   /* of queue, 0: unbounded */
  guint8 home[MODEL_N_HOMES];       /* home context of each object */
} ModelSetup;

typedef struct
{
  ModelSetup setup;
  guint      n_ops;
  ModelOp    ops[MODEL_MAX_OPS];
} ModelSequence;

/* Results of calls and completions. */
typedef enum
{
  MODEL_RESULT_OK,
  MODEL_RESULT_CANCELLED,
  MODEL_RESULT_TIMED_OUT,
  MODEL_RESULT_NOT_LOCKED,
  MODEL_RESULT_VALUE,
  MODEL_RESULT_INVALID_ARGUMENT,
  MODEL_RESULT_BROKEN_BARRIER,
  MODEL_RESULT_SHUT_DOWN,
  MODEL_RESULT_WOULD_BLOCK,
  MODEL_RESULT_FALSE,      /* a _finish returned FALSE without an error */
  MODEL_RESULT_OTHER,      /* any other error */
  MODEL_N_RESULTS
} ModelResult;

typedef enum
{
  MODEL_EVENT_COMPLETE,    /* id: async op; value: ModelResult; detail: index or item */
  MODEL_EVENT_NOTIFY,      /* id: ModelProp; value: the property's value */
  MODEL_EVENT_PREDICATE,   /* id: async op; value: what it returned | lock held << 1 */
} ModelEventKind;

typedef struct
{
  guint8 kind;
  guint  id;
  guint  value;
  guint  detail;           /* a barrier party's index, the item a get took */
} ModelEvent;

/* What a synchronous call returned: ret is -1 for a void call. */
typedef struct
{
  gint        ret;
  ModelResult error;
  guint       detail;      /* try-get: the item it took */
  gboolean    skipped;     /* an _async op beyond MODEL_MAX_OUTSTANDING */
} ModelReply;

typedef struct
{
  gboolean locked[2];      /* lock, cond1's lock */
  guint    lock_waiting[2];
  guint    cond_waiting[2];
  gboolean event_set;
  guint    event_waiting;
  guint    sem_value[2];   /* sem, bsem */
  guint    sem_waiting[2];
  gboolean sem_locked[2];
  guint    bsem_bound;
  guint    barrier_waiting;
  gboolean barrier_broken;
  guint    queue_length;
  gboolean queue_full;
  gboolean queue_shut_down;
  guint    rw_readers;
  gboolean rw_writer;
  guint    rw_waiting;
} ModelSnapshot;

typedef struct _Model Model;

Model       *model_new                (const ModelSetup    *setup);
void         model_free               (Model               *model);
ModelReply   model_apply              (Model               *model,
                                       const ModelOp       *op);
void         model_snapshot           (Model               *model,
                                       ModelSnapshot       *snapshot);
gboolean     model_op_is_async        (const ModelOp       *op);
gboolean     model_would_skip         (Model               *model,
                                       const ModelOp       *op);
guint        model_n_outstanding      (Model               *model);
guint        model_n_async_ops        (Model               *model);
guint        model_n_wait_for_ops     (Model               *model);
guint        model_n_items            (Model               *model);
const ModelEvent *model_get_events    (Model               *model,
                                       guint               *n_events);
gboolean     model_next_drain_op      (Model               *model,
                                       ModelOp             *op);

const gchar *model_result_name        (ModelResult          result);
void         model_setup_format       (const ModelSetup    *setup,
                                       GString             *out);
void         model_op_format          (const ModelOp       *op,
                                       GString             *out);
void         model_sequence_format    (const ModelSequence *seq,
                                       GString             *out);
gboolean     model_sequence_parse     (const gchar         *text,
                                       ModelSequence       *seq,
                                       GError             **error);
void         model_event_format       (const ModelEvent    *event,
                                       GString             *out);
void         model_snapshot_format    (const ModelSnapshot *snapshot,
                                       GString             *out);
void         model_sequence_generate  (guint32              seed,
                                       ModelSequence       *seq);
void         model_sequence_decode    (const guint8        *data,
                                       gsize                size,
                                       ModelSequence       *seq);
GBytes      *model_sequence_encode    (const ModelSequence *seq);

G_END_DECLS
