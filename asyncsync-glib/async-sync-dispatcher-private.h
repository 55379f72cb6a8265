/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (ASYNC_SYNC_COMPILATION)
# error "This header is private to asyncsync-glib: it is not installed."
#endif

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AsyncSyncDispatcher   AsyncSyncDispatcher;
typedef struct _AsyncSyncDispatchItem AsyncSyncDispatchItem;

typedef void (*AsyncSyncDispatchFunc) (AsyncSyncDispatchItem *item);

/*
 * AsyncSyncDispatchItem:
 * @link: the item's list node; a waiter uses the same node first in its
 *   wait queue, then in the dispatcher's ready queue (never both at once)
 * @run: what the dispatcher calls on the item's context
 * @not_before: the item must not run in the main-loop iteration whose
 *   time (g_source_get_time()) is <= this value; 0 means any iteration.
 *   A waiter sets it to the creation time of its GTask, so that the
 *   dispatcher runs it exactly when g_task_return_*() would invoke the
 *   callback synchronously, and never inside the `_async` call itself.
 * @discard: what to do with the item if the dispatcher goes away (its
 *   context was destroyed) before it ran; %NULL for an item that keeps
 *   its context alive until it has run, as waiters (through their task)
 *   and property notifications (through their object) do
 */
struct _AsyncSyncDispatchItem
{
  GList                 link;
  AsyncSyncDispatchFunc run;
  gint64                not_before;
  AsyncSyncDispatchFunc discard;
};

AsyncSyncDispatcher *async_sync_dispatcher_get_for_context (GMainContext          *context);
AsyncSyncDispatcher *async_sync_dispatcher_ref             (AsyncSyncDispatcher   *self);
void                 async_sync_dispatcher_unref           (AsyncSyncDispatcher   *self);
void                 async_sync_dispatcher_push            (AsyncSyncDispatcher   *self,
                                                            AsyncSyncDispatchItem *item);
gboolean             async_sync_dispatcher_remove          (AsyncSyncDispatcher   *self,
                                                            AsyncSyncDispatchItem *item);
void                 async_sync_dispatcher_release_later   (gpointer               data,
                                                            GDestroyNotify         release);

G_END_DECLS
