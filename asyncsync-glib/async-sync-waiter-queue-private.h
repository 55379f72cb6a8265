/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (ASYNC_SYNC_COMPILATION)
# error "This header is private to asyncsync-glib: it is not installed."
#endif

#include <gio/gio.h>

#include "async-sync-dispatcher-private.h"

G_BEGIN_DECLS

/*
 * AsyncSyncWaiter:
 *
 * One pending `_async` call, opaque outside async-sync-waiter-queue.c.  A
 * class gives it what its rule needs through the accessors below (the
 * permits it wants, an item it carries, a flag of its own, a resume hook
 * with its data), and gets its result to the caller by type: a boolean
 * success, an index, or an object.  It lives in one wait queue at a time
 * (under the owner's mutex), then in its dispatcher's ready queue, then
 * returns its task.
 */
typedef struct _AsyncSyncWaiter      AsyncSyncWaiter;

/*
 * ASYNC_SYNC_SOURCE_TAG:
 * @func: an `_async` function
 *
 * Expands to two arguments: @func as a task's source tag, and its name as
 * the task's name (g_task_set_name()), which sysprof and GLib's debug
 * output show.
 */
#define ASYNC_SYNC_SOURCE_TAG(func) ((gpointer) (func)), G_STRINGIFY (func)
typedef struct _AsyncSyncWaiterQueue AsyncSyncWaiterQueue;

/*
 * AsyncSyncWaiterLeaveFunc:
 *
 * A class's rule for a waiter that stops waiting unserved: its cancellable
 * fired, or its deadline passed, while it was in @queue.  Called with the
 * waiter's mutex held and the waiter's error already recorded
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

/*
 * AsyncSyncWaiterArriveFunc:
 *
 * A class's rule for a new call, with the mutex held: grant the waiter
 * (async_sync_waiter_complete()), fail it, or queue it
 * (async_sync_waiter_queue_push()).  @owner is what
 * async_sync_waiter_start() was given.
 */
typedef void (*AsyncSyncWaiterArriveFunc) (gpointer         owner,
                                           AsyncSyncWaiter *waiter);

/*
 * AsyncSyncDeadlineFuncs:
 * @get_deadline: the deadline, in the time base of g_get_monotonic_time()
 * @get_cancel_time: when the cancellable was cancelled by hand, or
 *   %G_MAXINT64 if unknown (not cancelled, or being cancelled right now)
 *
 * What the waiter queue asks of a cancellable that carries a deadline.
 * A cancellable type provides them with async_sync_deadline_attach()
 * (AsyncSyncTimeout does, from its init): the core names no such type.
 */
typedef struct
{
  gint64 (*get_deadline)    (GCancellable *cancellable);
  gint64 (*get_cancel_time) (GCancellable *cancellable);
} AsyncSyncDeadlineFuncs;

void             async_sync_deadline_attach        (GCancellable                 *cancellable,
                                                    const AsyncSyncDeadlineFuncs *funcs);

struct _AsyncSyncWaiterQueue
{
  GQueue                    waiters;
  AsyncSyncWaiterLeaveFunc  leave;
  AsyncSyncWaiterServeFunc  serve;
  gpointer                  owner;    /* what @leave and @serve work on */
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

AsyncSyncWaiter *async_sync_waiter_new             (gpointer                   source_object,
                                                    GMutex                    *mutex,
                                                    GCancellable              *cancellable,
                                                    GAsyncReadyCallback        callback,
                                                    gpointer                   user_data,
                                                    gpointer                   source_tag,
                                                    const gchar               *name);
void             async_sync_waiter_start           (AsyncSyncWaiter           *waiter,
                                                    AsyncSyncWaiterArriveFunc  arrive,
                                                    gpointer                   owner);
void             async_sync_waiter_arrive          (AsyncSyncWaiter           *waiter,
                                                    AsyncSyncWaiterArriveFunc  arrive,
                                                    gpointer                   owner);
gboolean         async_sync_waiter_fail_if_cancelled (AsyncSyncWaiter         *waiter);
void             async_sync_waiter_started         (AsyncSyncWaiter           *waiter,
                                                    gboolean                   queued);

/* The class's payload. */
guint            async_sync_waiter_get_weight      (AsyncSyncWaiter           *waiter);
void             async_sync_waiter_set_weight      (AsyncSyncWaiter           *waiter,
                                                    guint                      weight);
void             async_sync_waiter_set_item        (AsyncSyncWaiter           *waiter,
                                                    GObject                   *item);
GObject         *async_sync_waiter_get_item        (AsyncSyncWaiter           *waiter);
GObject         *async_sync_waiter_steal_item      (AsyncSyncWaiter           *waiter);
gboolean         async_sync_waiter_get_class_flag  (AsyncSyncWaiter           *waiter);
void             async_sync_waiter_set_class_flag  (AsyncSyncWaiter           *waiter,
                                                    gboolean                   flag);
void             async_sync_waiter_set_resume      (AsyncSyncWaiter           *waiter,
                                                    AsyncSyncWaiterResumeFunc  resume,
                                                    gpointer                   data,
                                                    GDestroyNotify             data_destroy);
gpointer         async_sync_waiter_get_data        (AsyncSyncWaiter           *waiter);
void             async_sync_waiter_set_uncancellable (AsyncSyncWaiter         *waiter,
                                                    gboolean                   uncancellable);
void             async_sync_waiter_leave_queue     (AsyncSyncWaiter           *waiter);

/* Its result. */
void             async_sync_waiter_complete        (AsyncSyncWaiter           *waiter);
void             async_sync_waiter_complete_index  (AsyncSyncWaiter           *waiter,
                                                    guint                      index);
void             async_sync_waiter_complete_object (AsyncSyncWaiter           *waiter,
                                                    GObject                   *object);
void             async_sync_waiter_fail            (AsyncSyncWaiter           *waiter,
                                                    GError                    *error);
void             async_sync_waiter_fail_literal    (AsyncSyncWaiter           *waiter,
                                                    GQuark                     domain,
                                                    gint                       code,
                                                    const gchar               *message);
void             async_sync_waiter_set_error       (AsyncSyncWaiter           *waiter,
                                                    GError                    *error);
gboolean         async_sync_waiter_has_error       (AsyncSyncWaiter           *waiter);
gboolean         async_sync_waiter_is_stopped      (AsyncSyncWaiter           *waiter);
GError          *async_sync_waiter_stopped_error   (AsyncSyncWaiter           *waiter);

/* Bulk operations on a whole queue. */
void             async_sync_waiter_queue_complete_all (AsyncSyncWaiterQueue   *queue);
void             async_sync_waiter_queue_fail_all  (AsyncSyncWaiterQueue      *queue,
                                                    GQuark                     domain,
                                                    gint                       code,
                                                    const gchar               *message);

/*
 * The whole of a `_finish`, by result type: checks the four preconditions
 * (@self is a @type, @result its task, made by @source_tag, @error
 * unset), with criticals that name the calling function, then returns the
 * result: %FALSE (or %NULL) with @error if the call failed.
 */
gboolean         async_sync_waiter_finish_boolean_for (const gchar            *strfunc,
                                                    gpointer                   self,
                                                    GType                      type,
                                                    GAsyncResult              *result,
                                                    gpointer                   source_tag,
                                                    GError                   **error);
gboolean         async_sync_waiter_finish_index_for (const gchar              *strfunc,
                                                    gpointer                   self,
                                                    GType                      type,
                                                    GAsyncResult              *result,
                                                    gpointer                   source_tag,
                                                    guint                     *index,
                                                    GError                   **error);
gpointer         async_sync_waiter_finish_object_for (const gchar             *strfunc,
                                                    gpointer                   self,
                                                    GType                      type,
                                                    GAsyncResult              *result,
                                                    gpointer                   source_tag,
                                                    GError                   **error);

#define async_sync_waiter_finish_boolean(self, type, result, source_tag, error) \
  async_sync_waiter_finish_boolean_for (G_STRFUNC, (self), (type), (result), (source_tag), (error))
#define async_sync_waiter_finish_index(self, type, result, source_tag, index, error) \
  async_sync_waiter_finish_index_for (G_STRFUNC, (self), (type), (result), (source_tag), (index), (error))
#define async_sync_waiter_finish_object(self, type, result, source_tag, error) \
  async_sync_waiter_finish_object_for (G_STRFUNC, (self), (type), (result), (source_tag), (error))

G_END_DECLS
