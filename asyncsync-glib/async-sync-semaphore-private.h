/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "async-sync-semaphore.h"

G_BEGIN_DECLS

/* The most the value may reach: G_MAXUINT for a plain semaphore, the
 * initial value for a bounded one.  Set once, at construction. */
void  async_sync_semaphore_set_bound (AsyncSyncSemaphore *self,
                                      guint               bound);
guint async_sync_semaphore_peek_bound (AsyncSyncSemaphore *self);

G_END_DECLS
