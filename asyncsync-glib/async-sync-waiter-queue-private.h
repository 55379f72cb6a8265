/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "async-sync-dispatcher-private.h"

G_BEGIN_DECLS

typedef struct _AsyncSyncWaiter      AsyncSyncWaiter;
typedef struct _AsyncSyncWaiterQueue AsyncSyncWaiterQueue;

/*
 * AsyncSyncWaiterCancelFunc:
 *
 * A class's rule for a waiter of @queue whose cancellable fired, or whose
 * timeout expired, while it was still queued.  Called with the waiter's
 * mutex held, @waiter->error already set (G_IO_ERROR_CANCELLED or
 * G_IO_ERROR_TIMED_OUT).  The default (a %NULL func) removes the waiter and
 * fails it with that error.
 */
typedef void (*AsyncSyncWaiterCancelFunc) (AsyncSyncWaiterQueue *queue,
                                           AsyncSyncWaiter      *waiter);

/*
 * AsyncSyncWaiterResumeFunc:
 *
 * Runs on the waiter's context, from the dispatcher, just before the task
 * returns; no mutex held.  Returns %FALSE if the waiter went back to waiting
 * (Condition.wait_for whose predicate is still false), in which case the
 * task does not return yet.
 */
typedef gboolean (*AsyncSyncWaiterResumeFunc) (AsyncSyncWaiter *waiter);

struct _AsyncSyncWaiterQueue
{
  GQueue                    waiters;
  AsyncSyncWaiterCancelFunc cancel;
  gpointer                  owner;    /* what @cancel works on */
};

typedef enum
{
  /* Ownership is promised (a notified Condition waiter in the lock's
   * queue): a cancellation no longer applies. */
  ASYNC_SYNC_WAITER_UNCANCELLABLE = 1 << 0,
  /* Free for the owning class's own bookkeeping. */
  ASYNC_SYNC_WAITER_CLASS_FLAG = 1 << 8,
} AsyncSyncWaiterFlags;

/*
 * AsyncSyncWaiter:
 *
 * One pending `_async` call.  It lives in one wait queue at a time (under
 * @mutex), then in its dispatcher's ready queue, then returns its task.
 */
struct _AsyncSyncWaiter
{
  AsyncSyncDispatchItem     item;          /* first: the item is the waiter */
  gatomicrefcount           ref_count;
  GMutex                   *mutex;         /* the owner's; guards everything below */
  AsyncSyncWaiterQueue     *queue;         /* where it waits; NULL once out */
  AsyncSyncWaiterFlags      flags;
  guint                     weight;        /* permits wanted; 1 but for weighted calls */
  GTask                    *task;
  GCancellable             *cancellable;
  gboolean                  watched;       /* the cancellable was connected (caller's thread) */
  gboolean                  finished;      /* the task returned: nothing left to cancel */
  gulong                    cancelled_id;  /* the connected handler, until finished */
  GSource                  *timer;         /* when the cancellable is an AsyncSyncTimeout */
  AsyncSyncDispatcher      *dispatcher;    /* of the task's context */
  GError                   *error;         /* the result on completion; NULL: success */
  gssize                    value;         /* the result on success */
  GObject                  *object;        /* an item carried: returned as the result if set */
  AsyncSyncWaiterResumeFunc resume;
  gpointer                  data;
  GDestroyNotify            data_destroy;
};

void             async_sync_waiter_queue_init      (AsyncSyncWaiterQueue      *queue,
                                                    AsyncSyncWaiterCancelFunc  cancel,
                                                    gpointer                   owner);
guint            async_sync_waiter_queue_length    (AsyncSyncWaiterQueue      *queue);
AsyncSyncWaiter *async_sync_waiter_queue_peek      (AsyncSyncWaiterQueue      *queue);
void             async_sync_waiter_queue_push      (AsyncSyncWaiterQueue      *queue,
                                                    AsyncSyncWaiter           *waiter);
AsyncSyncWaiter *async_sync_waiter_queue_pop       (AsyncSyncWaiterQueue      *queue);
void             async_sync_waiter_queue_remove    (AsyncSyncWaiterQueue      *queue,
                                                    AsyncSyncWaiter           *waiter);

AsyncSyncWaiter *async_sync_waiter_new             (gpointer                   source_object,
                                                    GMutex                    *mutex,
                                                    GCancellable              *cancellable,
                                                    GAsyncReadyCallback        callback,
                                                    gpointer                   user_data,
                                                    gpointer                   source_tag);
gboolean         async_sync_waiter_is_stopped      (AsyncSyncWaiter           *waiter);
gboolean         async_sync_waiter_fail_if_cancelled (AsyncSyncWaiter         *waiter);
void             async_sync_waiter_complete        (AsyncSyncWaiter           *waiter);
void             async_sync_waiter_fail            (AsyncSyncWaiter           *waiter,
                                                    GError                    *error);
void             async_sync_waiter_fail_literal    (AsyncSyncWaiter           *waiter,
                                                    GQuark                     domain,
                                                    gint                       code,
                                                    const gchar               *message);
void             async_sync_waiter_started         (AsyncSyncWaiter           *waiter,
                                                    gboolean                   queued);
void             async_sync_waiter_watch_cancellable (AsyncSyncWaiter         *waiter);

GError          *async_sync_cancelled_error_new    (GCancellable              *cancellable);
gssize           async_sync_waiter_propagate       (GAsyncResult              *result,
                                                    GError                   **error);

G_END_DECLS
