/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include "async-sync-semaphore.h"
#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_BOUNDED_SEMAPHORE (async_sync_bounded_semaphore_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncBoundedSemaphore, async_sync_bounded_semaphore,
                      ASYNC_SYNC, BOUNDED_SEMAPHORE, AsyncSyncSemaphore)

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncBoundedSemaphore *async_sync_bounded_semaphore_new       (guint                      value);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint                      async_sync_bounded_semaphore_get_bound (AsyncSyncBoundedSemaphore *self);

G_END_DECLS
