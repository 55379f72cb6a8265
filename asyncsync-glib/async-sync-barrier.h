/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_BARRIER (async_sync_barrier_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncBarrier, async_sync_barrier, ASYNC_SYNC, BARRIER, GObject)

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncBarrier *async_sync_barrier_new           (guint                 parties);
ASYNC_SYNC_AVAILABLE_IN_1_0
void              async_sync_barrier_wait_async    (AsyncSyncBarrier     *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean          async_sync_barrier_wait_finish   (AsyncSyncBarrier     *self,
                                                    GAsyncResult         *result,
                                                    guint                *index,
                                                    GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean          async_sync_barrier_wait          (AsyncSyncBarrier     *self,
                                                    GCancellable         *cancellable,
                                                    guint                *index,
                                                    GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void              async_sync_barrier_reset         (AsyncSyncBarrier     *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
void              async_sync_barrier_abort         (AsyncSyncBarrier     *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint             async_sync_barrier_get_parties   (AsyncSyncBarrier     *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint             async_sync_barrier_get_n_waiting (AsyncSyncBarrier     *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean          async_sync_barrier_is_broken     (AsyncSyncBarrier     *self);

G_END_DECLS
