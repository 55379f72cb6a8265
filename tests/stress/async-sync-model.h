/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A reference model of SPEC section 3 (queues, hand-off, cancellation) and
 * of the class rules of section 5, for one thread driving two main
 * contexts.  It predicts, for a sequence of operations, every return
 * value, every completion (with its result, in order), every predicate
 * call and every property notification, and the observable state after
 * each step.  test-model.c and tests/fuzz/fuzz-model.c run the same
 * sequences on the library (async-sync-model-check.c) and compare.
 *
 * The objects of a run:
 *   lock   an AsyncSyncLock, shared by cond0
 *   cond0  an AsyncSyncCondition over lock
 *   cond1  an AsyncSyncCondition with its own private lock
 *   event  an AsyncSyncEvent
 *   sem    an AsyncSyncSemaphore
 *   bsem   an AsyncSyncBoundedSemaphore
 *
 * The text form of a sequence (model_sequence_format(), read back by
 * model_sequence_parse() and ASYNC_SYNC_MODEL_REPLAY), one step a line,
 * '#' starting a comment:
 *
 *   setup sem=2 bsem=1 homes=0,1,0,0,1   initial values; home context of
 *                                        lock, cond1's lock, event, sem, bsem
 *   acquire lock ctx=0 canc=3            _async from context 0, cancellable
 *                                        slot 3 ("canc=-": none)
 *   acquire sem ctx=1 canc=- permits=2   the weighted call (acquire_many)
 *   try-acquire bsem [permits=N]   release cond1 [permits=N]
 *   wait event ctx=0 canc=1        set event        clear event
 *   cond-wait cond0 ctx=1 canc=2   cond-wait-for cond1 ctx=0 canc=- flag=1
 *   notify cond0 n=2               notify-all cond1
 *   set-flag flag=1 value=1        (what the wait-for predicates return)
 *   cancel canc=3                  renew canc=3 (a fresh cancellable in slot 3)
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
  MODEL_N_TARGETS
} ModelTarget;

/* The objects that notify a property: both locks, event, sem, bsem. */
typedef enum
{
  MODEL_NOTIFIER_LOCK,     /* lock:locked (the lock of cond0 too) */
  MODEL_NOTIFIER_LOCK1,    /* the private lock of cond1: locked */
  MODEL_NOTIFIER_EVENT,    /* event:is-set */
  MODEL_NOTIFIER_SEM,      /* sem:value */
  MODEL_NOTIFIER_BSEM,     /* bsem:value */
  MODEL_N_NOTIFIERS
} ModelNotifier;

typedef enum
{
  /* For sem and bsem, arg 0 uses the single-permit call, arg n + 1 the
   * weighted `_many` call for n permits. */
  MODEL_OP_ACQUIRE,        /* target: lock, cond0, cond1, sem, bsem; ctx, canc; arg */
  MODEL_OP_TRY_ACQUIRE,    /* target: as above; arg (n >= 1) */
  MODEL_OP_RELEASE,        /* target: as above; arg */
  MODEL_OP_WAIT,           /* event wait; ctx, canc */
  MODEL_OP_SET,            /* event set */
  MODEL_OP_CLEAR,          /* event clear */
  MODEL_OP_COND_WAIT,      /* target: cond0, cond1; ctx, canc */
  MODEL_OP_COND_WAIT_FOR,  /* target: cond0, cond1; ctx, canc, arg = flag */
  MODEL_OP_NOTIFY,         /* target: cond0, cond1; arg = n */
  MODEL_OP_NOTIFY_ALL,     /* target: cond0, cond1 */
  MODEL_OP_SET_FLAG,       /* arg = flag, ctx field unused, value = canc field (0/1) */
  MODEL_OP_CANCEL,         /* canc = slot */
  MODEL_OP_RENEW,          /* canc = slot: a fresh cancellable */
  MODEL_OP_ITERATE,        /* ctx: one g_main_context_iteration (ctx, FALSE) */
  MODEL_OP_RUN_IDLE,       /* both contexts until idle, in context order */
  MODEL_N_OPS
} ModelOpKind;

typedef struct
{
  guint8 kind;     /* ModelOpKind */
  guint8 target;   /* ModelTarget */
  guint8 ctx;      /* 0 .. MODEL_N_CONTEXTS - 1 */
  gint8  canc;     /* -1: no cancellable; else a slot */
  guint  arg;      /* n for notify; flag for wait-for and set-flag; permits + 1 */
} ModelOp;

typedef struct
{
  guint  sem_value;                 /* initial value of sem */
  guint  bsem_value;                /* initial value (the bound) of bsem */
  guint8 home[MODEL_N_NOTIFIERS];   /* home context of each notifying object */
} ModelSetup;

typedef struct
{
  ModelSetup setup;
  guint      n_ops;
  ModelOp    ops[MODEL_MAX_OPS];
} ModelSequence;

/* Results of completions, in the order of the model's error codes. */
typedef enum
{
  MODEL_RESULT_OK,
  MODEL_RESULT_CANCELLED,
  MODEL_RESULT_NOT_LOCKED,
  MODEL_RESULT_VALUE,
  MODEL_RESULT_INVALID_ARGUMENT,
  MODEL_RESULT_FALSE,      /* a _finish returned FALSE without an error */
  MODEL_RESULT_OTHER,      /* any other error */
} ModelResult;

typedef enum
{
  MODEL_EVENT_COMPLETE,    /* id: async op; value: ModelResult */
  MODEL_EVENT_NOTIFY,      /* id: ModelNotifier; value: the property's value */
  MODEL_EVENT_PREDICATE,   /* id: async op; value: what it returned | lock held << 1 */
} ModelEventKind;

typedef struct
{
  guint8 kind;
  guint  id;
  guint  value;
} ModelEvent;

/* What a synchronous call returned: ret is -1 for a void call. */
typedef struct
{
  gint        ret;
  ModelResult error;
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
const ModelEvent *model_get_events    (Model               *model,
                                       guint               *n_events);
gboolean     model_next_drain_op      (Model               *model,
                                       ModelOp             *op);

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
