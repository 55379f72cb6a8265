/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "async-sync-dispatcher-private.h"

G_BEGIN_DECLS

typedef struct _AsyncSyncWaiter      AsyncSyncWaiter;
typedef struct _AsyncSyncWaiterQueue AsyncSyncWaiterQueue;

/*
 * AsyncSyncWaiterLeaveFunc:
 *
 * A class's rule for a waiter that stops waiting unserved: its cancellable
 * fired, or its deadline passed, while it was in @queue.  Called with the
 * waiter's mutex held and @waiter->error already set
 * (async_sync_waiter_stopped_error()); it must take @waiter out of @queue.
 * The default (a %NULL func) fails the waiter with that error.
 */
typedef void (*AsyncSyncWaiterLeaveFunc) (AsyncSyncWaiterQueue *queue,
                                          AsyncSyncWaiter      *waiter);

/*
 * AsyncSyncWaiterServeFunc:
 *
 * What a class does once a waiter left @queue on its own (its cancellable's
 * handler or its deadline's timer ran, outside any grant): serve those it
 * held back, as a semaphore or a read-write lock does when its head
 * request leaves.  Called with the mutex held.  Not called when a waiter
 * leaves during a grant decision (async_sync_waiter_queue_peek()): the
 * caller is serving the queue already.
 */
typedef void (*AsyncSyncWaiterServeFunc) (AsyncSyncWaiterQueue *queue);

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
  AsyncSyncWaiterLeaveFunc  leave;
  AsyncSyncWaiterServeFunc  serve;
  gpointer                  owner;    /* what @leave and @serve work on */
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
  gint64                    deadline;      /* of an AsyncSyncTimeout; G_MAXINT64: none */
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
                                                    AsyncSyncWaiterLeaveFunc   leave,
                                                    AsyncSyncWaiterServeFunc   serve,
                                                    gpointer                   owner);
guint            async_sync_waiter_queue_length    (AsyncSyncWaiterQueue      *queue);
AsyncSyncWaiter *async_sync_waiter_queue_peek      (AsyncSyncWaiterQueue      *queue);
AsyncSyncWaiter *async_sync_waiter_queue_pop       (AsyncSyncWaiterQueue      *queue);
void             async_sync_waiter_queue_expire    (AsyncSyncWaiterQueue      *queue);
AsyncSyncWaiter *async_sync_waiter_queue_peek_unchecked (AsyncSyncWaiterQueue *queue);
void             async_sync_waiter_queue_push      (AsyncSyncWaiterQueue      *queue,
                                                    AsyncSyncWaiter           *waiter);
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

GError          *async_sync_waiter_stopped_error   (AsyncSyncWaiter           *waiter);
gssize           async_sync_waiter_propagate       (GAsyncResult              *result,
                                                    GError                   **error);

G_END_DECLS
