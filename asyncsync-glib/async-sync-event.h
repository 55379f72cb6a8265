/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_EVENT (async_sync_event_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncEvent, async_sync_event, ASYNC_SYNC, EVENT, GObject)

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncEvent *async_sync_event_new           (void);
ASYNC_SYNC_AVAILABLE_IN_1_0
void            async_sync_event_wait_async    (AsyncSyncEvent       *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_event_wait_finish   (AsyncSyncEvent       *self,
                                                GAsyncResult         *result,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_event_wait          (AsyncSyncEvent       *self,
                                                GCancellable         *cancellable,
                                                GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void            async_sync_event_set           (AsyncSyncEvent       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
void            async_sync_event_clear         (AsyncSyncEvent       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean        async_sync_event_is_set        (AsyncSyncEvent       *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint           async_sync_event_get_n_waiting (AsyncSyncEvent       *self);

G_END_DECLS
