/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-timeout.c: a request with a deadline, as asyncio.timeout().
 *
 * A request needs the one connection to a server (a Semaphore of 1), then
 * the server's reply (an Event).  One AsyncSyncTimeout, passed to both
 * steps, bounds the whole request: each step gets whatever time is left,
 * and the connection is given back on every path that took it.
 *   - "A" (30 ms) finds the connection busy for longer: it times out in
 *     step 1 and takes nothing;
 *   - "B" (30 ms) gets the connection, but no reply comes: it times out in
 *     step 2 and gives the connection back;
 *   - "C" (10 s) waits for a busy connection that is freed soon, then gets
 *     its reply.
 * Exits 0 if so, with the connection free at the end.
 */
#include <asyncsync-glib/asyncsync-glib.h>

typedef struct
{
  AsyncSyncSemaphore *connection;
  AsyncSyncEvent     *reply;
  const char         *name;
  AsyncSyncTimeout   *deadline;
  char               *outcome;
} Request;

static void
request_end (Request     *request,
             const char  *step,
             GError      *error)
{
  if (error == NULL)
    request->outcome = g_strdup ("reply received");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    request->outcome = g_strdup_printf ("timed out in %s", step);
  else
    request->outcome = g_strdup_printf ("failed in %s: %s", step, error->message);
  g_print ("%s: %s\n", request->name, request->outcome);
}

static void
got_reply (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  async_sync_event_wait_finish (request->reply, result, &error);
  /* Success or not, the connection was taken in step 1: give it back. */
  async_sync_semaphore_release (request->connection, NULL);
  request_end (request, "step 2 (the reply)", error);
}

static void
got_connection (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_semaphore_acquire_finish (request->connection, result, &error))
    {
      /* Timed out while queued: nothing was taken, nothing to give back. */
      request_end (request, "step 1 (the connection)", error);
      return;
    }

  g_print ("%s: has the connection, waits for the reply\n", request->name);
  /* The same deadline: this step gets the time that is left. */
  async_sync_event_wait_async (request->reply, G_CANCELLABLE (request->deadline),
                               got_reply, request);
}

static char *
run_request (AsyncSyncSemaphore *connection,
             AsyncSyncEvent     *reply,
             const char         *name,
             guint               timeout_ms)
{
  Request request = { connection, reply, name, async_sync_timeout_new (timeout_ms), NULL };

  g_print ("%s: asks, with a deadline in %u ms\n", name, timeout_ms);
  async_sync_semaphore_acquire_async (connection, G_CANCELLABLE (request.deadline),
                                      got_connection, &request);
  while (request.outcome == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_object_unref (request.deadline);
  return request.outcome;
}

static gboolean
end_transfer (gpointer user_data)
{
  g_print ("transfer: gives the connection back\n");
  async_sync_semaphore_release (user_data, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
server_replies (gpointer user_data)
{
  g_print ("server: replies\n");
  async_sync_event_set (user_data);
  return G_SOURCE_REMOVE;
}

int
main (void)
{
  AsyncSyncSemaphore *connection = async_sync_semaphore_new (1);
  AsyncSyncEvent *reply = async_sync_event_new ();
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  gboolean ok;

  /* A long transfer holds the connection while A waits. */
  async_sync_semaphore_try_acquire (connection);
  a = run_request (connection, reply, "A", 30);
  end_transfer (connection);

  /* The connection is free, but the server stays silent. */
  b = run_request (connection, reply, "B", 30);

  /* A short transfer, then the server answers. */
  async_sync_semaphore_try_acquire (connection);
  g_idle_add (end_transfer, connection);
  g_idle_add (server_replies, reply);
  c = run_request (connection, reply, "C", 10000);

  ok = g_str_equal (a, "timed out in step 1 (the connection)") &&
       g_str_equal (b, "timed out in step 2 (the reply)") &&
       g_str_equal (c, "reply received") &&
       async_sync_semaphore_get_value (connection) == 1;

  g_object_unref (reply);
  g_object_unref (connection);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
