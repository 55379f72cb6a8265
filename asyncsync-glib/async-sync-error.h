/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ASYNC_SYNC_INSIDE) && !defined(ASYNC_SYNC_COMPILATION)
# error "Only <asyncsync-glib/asyncsync-glib.h> can be included directly."
#endif

#include <glib.h>

#include "async-sync-version-macros.h"

G_BEGIN_DECLS

/**
 * ASYNC_SYNC_ERROR:
 *
 * The error domain of the primitives' own errors: a #GError with this
 * domain has a code from #AsyncSyncError.  Cancellation is not one of them:
 * it is reported as %G_IO_ERROR_CANCELLED, as everywhere in GIO.
 *
 * Since: 1.0
 */
#define ASYNC_SYNC_ERROR (async_sync_error_quark ())

/**
 * AsyncSyncError:
 * @ASYNC_SYNC_ERROR_NOT_LOCKED: a lock that is not locked was released, or a
 *   #AsyncSyncCondition was waited on or notified without its lock held
 *   (asyncio raises `RuntimeError`)
 * @ASYNC_SYNC_ERROR_VALUE: a #AsyncSyncBoundedSemaphore was released above its
 *   initial value, or a #AsyncSyncSemaphore above %G_MAXUINT (asyncio raises
 *   `ValueError`)
 * @ASYNC_SYNC_ERROR_BROKEN_BARRIER: a barrier was aborted or reset while
 *   waiting (asyncio raises `BrokenBarrierError`)
 * @ASYNC_SYNC_ERROR_SHUT_DOWN: a put to an #AsyncSyncQueue that was shut
 *   down, or a get from one that is shut down and empty (asyncio raises
 *   `QueueShutDown`)
 *
 * Error codes of the %ASYNC_SYNC_ERROR domain.
 *
 * Since: 1.0
 */
typedef enum
{
  ASYNC_SYNC_ERROR_NOT_LOCKED,
  ASYNC_SYNC_ERROR_VALUE,
  ASYNC_SYNC_ERROR_BROKEN_BARRIER,
  ASYNC_SYNC_ERROR_SHUT_DOWN,
} AsyncSyncError;

ASYNC_SYNC_AVAILABLE_IN_1_0
GQuark async_sync_error_quark (void);

G_END_DECLS
