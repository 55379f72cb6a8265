/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (ASYNC_SYNC_COMPILATION)
# error "This header is private to asyncsync-glib: it is not installed."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * AsyncSyncBlockingCall:
 *
 * Runs one `_async` operation to completion on the calling thread: the
 * blocking variants start the operation with a private main context pushed
 * as thread-default, then iterate that context until the callback ran.
 * The same pattern as GIO's own sync-over-async wrappers.
 */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} AsyncSyncBlockingCall;

void          async_sync_blocking_call_begin    (AsyncSyncBlockingCall *call);
void          async_sync_blocking_call_callback (GObject               *source_object,
                                                 GAsyncResult          *result,
                                                 gpointer               user_data);
GAsyncResult *async_sync_blocking_call_end      (AsyncSyncBlockingCall *call);

/*
 * AsyncSyncStartFunc:
 *
 * An `_async` function of the common shape: the object, a cancellable,
 * the callback and its data.  ASYNC_SYNC_START_FUNC() casts one to it.
 */
typedef void (*AsyncSyncStartFunc) (gpointer             self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);

#define ASYNC_SYNC_START_FUNC(f) ((AsyncSyncStartFunc) (void (*) (void)) (f))

GAsyncResult *async_sync_blocking_run           (AsyncSyncStartFunc     start,
                                                 gpointer               self,
                                                 GCancellable          *cancellable);

G_END_DECLS
