/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-deadline.c: one deadline across every step of a request, the GIO
 * calls between the library's operations included, as
 *     async with asyncio.timeout(0.03):
 *         async with connection:
 *             reply = await transfer()
 *             async with cache_lock: store(reply)
 *
 * A request takes the one connection (a Semaphore of 1), transfers the
 * reply (a GIO call: a timer here), then stores it under the cache's Lock.
 * One AsyncSyncTimeout is the cancellable of both library steps, each
 * getting the time left.  An expired AsyncSyncTimeout does not cancel
 * itself, so it would not stop the transfer: that gets a GCancellable of
 * its own, which a timer cancels at the same deadline.
 *
 * A waits for a busy connection and times out in step 1; B gets the
 * connection, but its transfer is cut at the deadline in step 2; C gets
 * everything in time.  Exits 0 if so, and the connection and the lock end
 * free.
 */
#include <asyncsync-glib/asyncsync-glib.h>

static AsyncSyncSemaphore *connection;   /* one connection to the server */
static AsyncSyncLock      *cache_lock;

typedef struct
{
  const char       *name;
  guint             transfer_ms;
  AsyncSyncTimeout *deadline;
  GCancellable     *transfer_cancellable;
  GSource          *deadline_timer;
  const char       *outcome;
} Request;

/* The stand-in for a GIO transfer of recipe-downloads.c: completes after
 * ms milliseconds, or fails with G_IO_ERROR_CANCELLED when cancelled. */
static gboolean
transfer_ready (GCancellable *cancellable,
                gpointer      user_data)
{
  g_task_return_boolean (G_TASK (user_data), TRUE);
  return G_SOURCE_REMOVE;
}

static void
transfer_async (guint                ms,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSource) source = g_cancellable_source_new (cancellable);

  g_source_set_ready_time (source, g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND);
  g_task_attach_source (task, source, G_SOURCE_FUNC (transfer_ready));
}

static gboolean
deadline_passed (GCancellable *cancellable,
                 gpointer      user_data)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* Cancels the request's transfer when its deadline passes: a source whose
 * ready time is the deadline runs at that instant, never before it (a
 * g_timeout_add() counts from the time its context last looked at the
 * clock, and may run early). */
static void
cancel_transfer_at_deadline (Request *request)
{
  request->deadline_timer = g_cancellable_source_new (request->transfer_cancellable);
  g_source_set_ready_time (request->deadline_timer,
                           async_sync_timeout_get_deadline (request->deadline));
  g_source_set_callback (request->deadline_timer, G_SOURCE_FUNC (deadline_passed), NULL, NULL);
  g_source_attach (request->deadline_timer, NULL);
}

static void
request_end (Request    *request,
             const char *outcome)
{
  if (request->deadline_timer != NULL)
    g_source_destroy (request->deadline_timer);
  g_clear_pointer (&request->deadline_timer, g_source_unref);
  request->outcome = outcome;
  g_print ("%s: %s\n", request->name, outcome);
}

static void
got_cache_lock (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  async_sync_semaphore_release (connection, NULL);   /* done with it, either way */
  if (!async_sync_lock_acquire_finish (cache_lock, result, &error))
    {
      request_end (request, "timed out in step 3 (the cache lock)");
      return;
    }
  /* ... store the reply ... */
  async_sync_lock_release (cache_lock, NULL);
  request_end (request, "stored");
}

static void
transferred (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      async_sync_semaphore_release (connection, NULL);   /* step 1 took it */
      request_end (request, async_sync_timeout_has_expired (request->deadline) ?
                            "timed out in step 2 (the transfer)" : "transfer failed");
      return;
    }
  async_sync_lock_acquire_async (cache_lock, G_CANCELLABLE (request->deadline),
                                 got_cache_lock, request);
}

static void
got_connection (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_semaphore_acquire_finish (connection, result, &error))
    {
      /* G_IO_ERROR_TIMED_OUT: nothing was taken, nothing to give back. */
      request_end (request, "timed out in step 1 (the connection)");
      return;
    }
  request->transfer_cancellable = g_cancellable_new ();
  cancel_transfer_at_deadline (request);
  transfer_async (request->transfer_ms, request->transfer_cancellable, transferred, request);
}

static const char *
run_request (const char *name,
             guint       deadline_ms,
             guint       transfer_ms)
{
  Request request = { name, transfer_ms, async_sync_timeout_new (deadline_ms), NULL, 0, NULL };

  g_print ("%s: asks, with a deadline in %u ms\n", name, deadline_ms);
  async_sync_semaphore_acquire_async (connection, G_CANCELLABLE (request.deadline),
                                      got_connection, &request);
  while (request.outcome == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&request.deadline);
  g_clear_object (&request.transfer_cancellable);
  return request.outcome;
}

int
main (void)
{
  const char *a, *b, *c;
  gboolean ok;

  connection = async_sync_semaphore_new (1);
  cache_lock = async_sync_lock_new ();

  async_sync_semaphore_try_acquire (connection);   /* a long transfer holds it */
  a = run_request ("A", 30, 10);
  async_sync_semaphore_release (connection, NULL);
  b = run_request ("B", 30, 10000);                /* a transfer far too slow */
  c = run_request ("C", 10000, 10);

  ok = g_str_equal (a, "timed out in step 1 (the connection)") &&
       g_str_equal (b, "timed out in step 2 (the transfer)") &&
       g_str_equal (c, "stored") &&
       async_sync_semaphore_get_value (connection) == 1 &&
       !async_sync_lock_is_locked (cache_lock);
  g_object_unref (connection);
  g_object_unref (cache_lock);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
