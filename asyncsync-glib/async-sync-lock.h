/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_LOCK (async_sync_lock_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncLock, async_sync_lock, ASYNC_SYNC, LOCK, GObject)

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncLock *async_sync_lock_new            (void);
ASYNC_SYNC_AVAILABLE_IN_1_0
void           async_sync_lock_acquire_async  (AsyncSyncLock        *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean       async_sync_lock_acquire_finish (AsyncSyncLock        *self,
                                               GAsyncResult         *result,
                                               GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean       async_sync_lock_acquire        (AsyncSyncLock        *self,
                                               GCancellable         *cancellable,
                                               GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean       async_sync_lock_try_acquire    (AsyncSyncLock        *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean       async_sync_lock_release        (AsyncSyncLock        *self,
                                               GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean       async_sync_lock_is_locked      (AsyncSyncLock        *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint          async_sync_lock_get_n_waiting  (AsyncSyncLock        *self);

G_END_DECLS
