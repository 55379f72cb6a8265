/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_RW_LOCK (async_sync_rw_lock_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncRWLock, async_sync_rw_lock, ASYNC_SYNC, RW_LOCK, GObject)

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncRWLock *async_sync_rw_lock_new                  (void);
ASYNC_SYNC_AVAILABLE_IN_1_0
void             async_sync_rw_lock_read_acquire_async   (AsyncSyncRWLock      *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_read_acquire_finish  (AsyncSyncRWLock      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_read_acquire         (AsyncSyncRWLock      *self,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_try_read_acquire     (AsyncSyncRWLock      *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_read_release         (AsyncSyncRWLock      *self,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void             async_sync_rw_lock_write_acquire_async  (AsyncSyncRWLock      *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_write_acquire_finish (AsyncSyncRWLock      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_write_acquire        (AsyncSyncRWLock      *self,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_try_write_acquire    (AsyncSyncRWLock      *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_write_release        (AsyncSyncRWLock      *self,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint            async_sync_rw_lock_get_n_readers        (AsyncSyncRWLock      *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean         async_sync_rw_lock_is_write_locked      (AsyncSyncRWLock      *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint            async_sync_rw_lock_get_n_waiting        (AsyncSyncRWLock      *self);

G_END_DECLS
