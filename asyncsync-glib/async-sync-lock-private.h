/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (ASYNC_SYNC_COMPILATION)
# error "This header is private to asyncsync-glib: it is not installed."
#endif

#include "async-sync-lock.h"
#include "async-sync-waiter-queue-private.h"

G_BEGIN_DECLS

/* What AsyncSyncCondition shares with its lock: the lock's mutex guards the
 * condition's state too, so that moving a waiter from the condition's queue
 * to the lock's is one atomic step.  Functions named `_locked` expect
 * the mutex held, here as in every file of the library. */
GMutex   *async_sync_lock_get_mutex             (AsyncSyncLock       *self);
gboolean  async_sync_lock_is_held_locked        (AsyncSyncLock       *self);
void      async_sync_lock_release_locked        (AsyncSyncLock       *self);
void      async_sync_lock_grant_or_queue_locked (AsyncSyncLock       *self,
                                                 AsyncSyncWaiter     *waiter);
void      async_sync_lock_acquire_for           (AsyncSyncLock       *self,
                                                 gpointer             source_object,
                                                 gpointer             source_tag,
                                                 const gchar         *name,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);

G_END_DECLS
