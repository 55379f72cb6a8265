/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_QUEUE (async_sync_queue_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncQueue, async_sync_queue, ASYNC_SYNC, QUEUE, GObject)

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncQueue *async_sync_queue_new           (GType                 item_type,
                                                guint                 maxsize);
ASYNC_SYNC_AVAILABLE_IN_1_0
void            async_sync_queue_put_async     (AsyncSyncQueue       *self,
                                                gpointer              item,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_put_finish    (AsyncSyncQueue       *self,
                                                GAsyncResult         *result,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_put           (AsyncSyncQueue       *self,
                                                gpointer              item,
                                                GCancellable         *cancellable,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_try_put       (AsyncSyncQueue       *self,
                                                gpointer              item,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void            async_sync_queue_get_async     (AsyncSyncQueue       *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gpointer        async_sync_queue_get_finish    (AsyncSyncQueue       *self,
                                                GAsyncResult         *result,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gpointer        async_sync_queue_get           (AsyncSyncQueue       *self,
                                                GCancellable         *cancellable,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gpointer        async_sync_queue_try_get       (AsyncSyncQueue       *self,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_task_done     (AsyncSyncQueue       *self,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void            async_sync_queue_join_async    (AsyncSyncQueue       *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_join_finish   (AsyncSyncQueue       *self,
                                                GAsyncResult         *result,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_join          (AsyncSyncQueue       *self,
                                                GCancellable         *cancellable,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void            async_sync_queue_shutdown      (AsyncSyncQueue       *self,
                                                gboolean              immediate);
ASYNC_SYNC_AVAILABLE_IN_1_0
GType           async_sync_queue_get_item_type (AsyncSyncQueue       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint           async_sync_queue_get_maxsize   (AsyncSyncQueue       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint           async_sync_queue_get_length    (AsyncSyncQueue       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_is_empty      (AsyncSyncQueue       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_is_full       (AsyncSyncQueue       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_queue_is_shut_down  (AsyncSyncQueue       *self);

G_END_DECLS
