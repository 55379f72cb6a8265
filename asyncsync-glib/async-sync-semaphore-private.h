/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (ASYNC_SYNC_COMPILATION)
# error "This header is private to asyncsync-glib: it is not installed."
#endif

#include "async-sync-semaphore.h"

G_BEGIN_DECLS

/* The most the value may reach: G_MAXUINT for a plain semaphore; the
 * initial value for instances of a class that called
 * async_sync_semaphore_class_bound_by_initial_value() from its class_init.
 * Decided once, at construction, and constant afterwards. */
void  async_sync_semaphore_class_bound_by_initial_value (AsyncSyncSemaphoreClass *klass);
guint async_sync_semaphore_get_bound_internal           (AsyncSyncSemaphore      *self);

G_END_DECLS
