/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_TIMEOUT (async_sync_timeout_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncTimeout, async_sync_timeout, ASYNC_SYNC, TIMEOUT, GCancellable)

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncTimeout *async_sync_timeout_new          (guint             timeout_ms);
ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncTimeout *async_sync_timeout_new_at       (gint64            deadline);
ASYNC_SYNC_AVAILABLE_IN_1_0
gint64            async_sync_timeout_get_deadline (AsyncSyncTimeout *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean          async_sync_timeout_has_expired  (AsyncSyncTimeout *self);

G_END_DECLS
