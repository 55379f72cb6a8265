/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_SEMAPHORE (async_sync_semaphore_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (AsyncSyncSemaphore, async_sync_semaphore, ASYNC_SYNC, SEMAPHORE, GObject)

/**
 * AsyncSyncSemaphoreClass:
 * @parent_class: the parent class
 *
 * The class of #AsyncSyncSemaphore.  It has no virtual methods yet; the
 * padding keeps room for them.
 *
 * Since: 1.0
 */
struct _AsyncSyncSemaphoreClass
{
  GObjectClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncSemaphore *async_sync_semaphore_new            (guint                 value);
ASYNC_SYNC_AVAILABLE_IN_1_0
void                async_sync_semaphore_acquire_async  (AsyncSyncSemaphore   *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_acquire_finish (AsyncSyncSemaphore   *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_acquire        (AsyncSyncSemaphore   *self,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_try_acquire    (AsyncSyncSemaphore   *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_release        (AsyncSyncSemaphore   *self,
                                                         GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void                async_sync_semaphore_acquire_many_async  (AsyncSyncSemaphore   *self,
                                                              guint                 n,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_acquire_many_finish (AsyncSyncSemaphore   *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_acquire_many        (AsyncSyncSemaphore   *self,
                                                              guint                 n,
                                                              GCancellable         *cancellable,
                                                              GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_try_acquire_many    (AsyncSyncSemaphore   *self,
                                                              guint                 n);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_release_many        (AsyncSyncSemaphore   *self,
                                                              guint                 n,
                                                              GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint               async_sync_semaphore_get_value      (AsyncSyncSemaphore   *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_semaphore_is_locked      (AsyncSyncSemaphore   *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint               async_sync_semaphore_get_n_waiting  (AsyncSyncSemaphore   *self);

G_END_DECLS
