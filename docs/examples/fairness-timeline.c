/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fairness-timeline.c: FIFO hand-off and the two sides of cancellation.
 *
 * Prints, step by step, what the "Fairness, hand-off and cancellation"
 * chapter draws as a timeline, and exits 0 if every step went as the
 * chapter says.
 */
#include <asyncsync-glib/asyncsync-glib.h>

static AsyncSyncLock *lock;
static GString       *log_text;
static guint          n_callbacks;

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (log_text, format, args);
  va_end (args);
  g_string_append_c (log_text, '\n');
}

static void
acquired (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  const char *name = user_data;
  g_autoptr(GError) error = NULL;

  n_callbacks++;
  if (!async_sync_lock_acquire_finish (lock, result, &error))
    {
      say ("%s: callback: %s", name,
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           ? "G_IO_ERROR_CANCELLED, nothing taken" : error->message);
      return;
    }

  say ("%s: callback: acquired", name);
  async_sync_lock_release (lock, NULL);
  say ("%s: release -> %s", name,
       async_sync_lock_is_locked (lock) ? "handed to the next waiter" : "unlocked");
}

int
main (void)
{
  g_autoptr(GCancellable) cancel_a = g_cancellable_new ();
  g_autoptr(GCancellable) cancel_b = g_cancellable_new ();
  g_autoptr(GCancellable) cancel_d = g_cancellable_new ();
  const char *expected =
    "D: pre-cancelled acquire on a free lock -> locked = FALSE\n"
    "H: try_acquire -> TRUE\n"
    "A, B, C: acquire_async -> n_waiting = 3\n"
    "B: cancelled while queued -> n_waiting = 2\n"
    "H: release -> locked = TRUE, n_waiting = 1, try_acquire = FALSE\n"
    "A: cancelled after the hand-off\n"
    "D: callback: G_IO_ERROR_CANCELLED, nothing taken\n"
    "B: callback: G_IO_ERROR_CANCELLED, nothing taken\n"
    "A: callback: acquired\n"
    "A: release -> handed to the next waiter\n"
    "C: callback: acquired\n"
    "C: release -> unlocked\n";
  gboolean ok;

  lock = async_sync_lock_new ();
  log_text = g_string_new (NULL);

  /* A cancellable that is already cancelled: fails, even on a free lock. */
  g_cancellable_cancel (cancel_d);
  async_sync_lock_acquire_async (lock, cancel_d, acquired, "D");
  say ("D: pre-cancelled acquire on a free lock -> locked = %s",
       async_sync_lock_is_locked (lock) ? "TRUE" : "FALSE");

  say ("H: try_acquire -> %s", async_sync_lock_try_acquire (lock) ? "TRUE" : "FALSE");

  async_sync_lock_acquire_async (lock, cancel_a, acquired, "A");
  async_sync_lock_acquire_async (lock, cancel_b, acquired, "B");
  async_sync_lock_acquire_async (lock, NULL, acquired, "C");
  say ("A, B, C: acquire_async -> n_waiting = %u", async_sync_lock_get_n_waiting (lock));

  /* Still queued: B leaves the queue and will fail. */
  g_cancellable_cancel (cancel_b);
  say ("B: cancelled while queued -> n_waiting = %u", async_sync_lock_get_n_waiting (lock));

  /* Direct hand-off: A owns the lock before release() returns, so the
   * lock never looks free and nobody can barge in. */
  async_sync_lock_release (lock, NULL);
  say ("H: release -> locked = %s, n_waiting = %u, try_acquire = %s",
       async_sync_lock_is_locked (lock) ? "TRUE" : "FALSE",
       async_sync_lock_get_n_waiting (lock),
       async_sync_lock_try_acquire (lock) ? "TRUE" : "FALSE");

  /* Too late: A was granted the lock, so A's acquisition succeeds. */
  g_cancellable_cancel (cancel_a);
  say ("A: cancelled after the hand-off");

  /* No callback ran inside any of the calls above. */
  if (n_callbacks != 0)
    say ("ERROR: a callback ran inside a call");

  while (n_callbacks < 4)
    g_main_context_iteration (NULL, TRUE);

  g_print ("%s", log_text->str);
  ok = g_str_equal (log_text->str, expected) && !async_sync_lock_is_locked (lock);

  g_string_free (log_text, TRUE);
  g_object_unref (lock);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
