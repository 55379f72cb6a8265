/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-blocking-private.h"

void
async_sync_blocking_call_begin (AsyncSyncBlockingCall *call)
{
  call->context = g_main_context_new ();
  call->result = NULL;
  g_main_context_push_thread_default (call->context);
}

/* A GAsyncReadyCallback; @user_data is the AsyncSyncBlockingCall. */
void
async_sync_blocking_call_callback (GObject      *source_object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  AsyncSyncBlockingCall *call = user_data;

  call->result = g_object_ref (result);
}

/* Returns: (transfer full): the operation's result, for its `_finish`. */
GAsyncResult *
async_sync_blocking_call_end (AsyncSyncBlockingCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);

  g_main_context_pop_thread_default (call->context);
  g_main_context_unref (call->context);

  return call->result;
}

/*
 * async_sync_blocking_run:
 *
 * The blocking variant of an `_async` function of the common shape:
 * starts @start and waits for its result.  (The few `_async` functions
 * that take more arguments use the three calls above directly.)
 *
 * Returns: (transfer full): the operation's result, for its `_finish`.
 */
GAsyncResult *
async_sync_blocking_run (AsyncSyncStartFunc  start,
                         gpointer            self,
                         GCancellable       *cancellable)
{
  AsyncSyncBlockingCall call;

  async_sync_blocking_call_begin (&call);
  start (self, cancellable, async_sync_blocking_call_callback, &call);

  return async_sync_blocking_call_end (&call);
}
