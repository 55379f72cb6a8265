/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "async-sync-lock.h"
#include "async-sync-version-macros.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_TYPE_CONDITION (async_sync_condition_get_type ())

ASYNC_SYNC_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AsyncSyncCondition, async_sync_condition, ASYNC_SYNC, CONDITION, GObject)

/**
 * AsyncSyncPredicate:
 * @user_data: the data given with the predicate
 *
 * The condition that async_sync_condition_wait_for_async() waits for.  It
 * is called with the condition's lock held: once from inside
 * async_sync_condition_wait_for_async() itself, then after each wake-up on
 * the main context of the wait's caller.
 *
 * Returns: %TRUE when the wait is over
 *
 * Since: 1.0
 */
typedef gboolean (*AsyncSyncPredicate) (gpointer user_data);

ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncCondition *async_sync_condition_new             (AsyncSyncLock        *lock);
ASYNC_SYNC_AVAILABLE_IN_1_0
AsyncSyncLock      *async_sync_condition_get_lock        (AsyncSyncCondition   *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
void                async_sync_condition_acquire_async   (AsyncSyncCondition   *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_acquire_finish  (AsyncSyncCondition   *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_acquire         (AsyncSyncCondition   *self,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_try_acquire     (AsyncSyncCondition   *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_release         (AsyncSyncCondition   *self,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_is_locked       (AsyncSyncCondition   *self);
ASYNC_SYNC_AVAILABLE_IN_1_0
void                async_sync_condition_wait_async      (AsyncSyncCondition   *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_wait_finish     (AsyncSyncCondition   *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_wait            (AsyncSyncCondition   *self,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
void                async_sync_condition_wait_for_async  (AsyncSyncCondition   *self,
                                                          AsyncSyncPredicate    predicate,
                                                          gpointer              predicate_data,
                                                          GDestroyNotify        predicate_destroy,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_wait_for_finish (AsyncSyncCondition   *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_wait_for        (AsyncSyncCondition   *self,
                                                          AsyncSyncPredicate    predicate,
                                                          gpointer              predicate_data,
                                                          GDestroyNotify        predicate_destroy,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_notify          (AsyncSyncCondition   *self,
                                                          guint                 n,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
gboolean            async_sync_condition_notify_all      (AsyncSyncCondition   *self,
                                                          GError              **error);
ASYNC_SYNC_AVAILABLE_IN_1_0
guint               async_sync_condition_get_n_waiting   (AsyncSyncCondition   *self);

G_END_DECLS
