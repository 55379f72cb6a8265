/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The --self-test scenario of the Downloader example.
 *
 * It drives the window through its own buttons, one step at a time, each
 * step waiting for a state (never for a duration).  Eight jobs, three
 * slots; jobs 0 and 2 download in 3 steps, the others in more:
 *
 *   1. start paused; the worker thread adds the jobs: 0, 1 and 2 get a
 *      slot and wait on the event, the others wait for a slot;
 *   2. resume; once job 0 has done a step, cancel job 1 (running a step)
 *      and job 5 (queued for a slot);
 *   3. the moment job 2 queues for the disk lock behind job 0, pause;
 *      once every job holding a slot is parked, save the screenshot;
 *   4. cancel job 2 (waiting for the lock) and job 0 (paused, holding the
 *      lock); job 2's slot goes straight to job 4, which is cancelled at
 *      once, before its callback ran: it still gets the slot (the grant wins) and
 *      must give it back;
 *   5. resume and let jobs 3, 6 and 7 finish.
 *
 * After every change of every job it checks: the change happened on the
 * main thread; no more jobs hold a slot than the cap, and the semaphore
 * has at least that many permits out; at most one job holds the disk lock,
 * and then it is locked.  Along the way: a cancelled waiter leaves its
 * queue at once.  At the end: each job ended as scripted, every permit is
 * back (value = cap, nobody waiting), the lock is unlocked, the event has
 * no waiters, and the last notify::value, on the main thread, reported
 * the full cap.
 */

#include "downloader.h"

#define N_JOBS 8

typedef enum {
  PHASE_LOADING,
  PHASE_RUNNING,
  PHASE_CANCELLING,
  PHASE_WAITING_FOR_DISK,
  PHASE_PAUSING,
  PHASE_SCREENSHOT,
  PHASE_CANCELLING_PAUSED,
  PHASE_FINISHING,
  PHASE_SETTLING,
  PHASE_OVER,
} Phase;

static const char *phase_names[] = {
  "loading", "running", "cancelling", "waiting-for-disk", "pausing", "screenshot",
  "cancelling-paused", "finishing", "settling", "over",
};

static const JobState expected[N_JOBS] = {
  JOB_CANCELLED,  /* while paused, holding the disk lock */
  JOB_CANCELLED,  /* while running a step */
  JOB_CANCELLED,  /* while waiting for the disk lock */
  JOB_DONE,
  JOB_CANCELLED,  /* after its slot was granted, before it knew */
  JOB_CANCELLED,  /* while queued for a slot */
  JOB_DONE,
  JOB_DONE,
};

typedef struct {
  Downloader *downloader;
  char       *screenshot_path;
  GThread    *main_thread;
  Phase       phase;
  guint       n_failures;
  guint       step_id;
  guint       watchdog_id;
  guint       states_seen[N_JOBS];  /* bit (1 << JobState) */
  guint       max_slot_holders;
  guint       max_disk_waiting;
  guint       last_notified_value;
  guint       n_value_notifications;
} SelfTest;

static SelfTest test;

#define check(cond, ...) G_STMT_START {                                   \
    if (!(cond))                                                          \
      {                                                                   \
        test.n_failures++;                                                \
        g_printerr ("self-test: FAIL (%s) %s: ", phase_names[test.phase], \
                    #cond);                                               \
        g_printerr (__VA_ARGS__);                                         \
        g_printerr ("\n");                                                \
      }                                                                   \
  } G_STMT_END

static Job *
job_at (guint index)
{
  GPtrArray *jobs = test.downloader->jobs;

  return index < jobs->len ? g_ptr_array_index (jobs, index) : NULL;
}

static gboolean
job_ended (Job *job)
{
  return job != NULL && (job->state == JOB_DONE || job->state == JOB_CANCELLED);
}

static void
press_cancel (guint index)
{
  /* As a click does (gtk_widget_activate() would wait 250 ms, for show). */
  g_signal_emit_by_name (job_at (index)->cancel_button, "clicked");
}

static void
set_paused (gboolean paused)
{
  gtk_toggle_button_set_active (test.downloader->pause_button, paused);
}

/* Invariants, checked after every change ------------------------------------- */

static void
check_invariants (Downloader *self)
{
  guint n_slot_holders = 0, n_disk_holders = 0, i;
  guint permits_out = DOWNLOADER_N_SLOTS - async_sync_semaphore_get_value (self->slots);

  for (i = 0; i < self->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (self->jobs, i);

      n_slot_holders += job->has_slot;
      n_disk_holders += job->has_disk;
    }

  test.max_slot_holders = MAX (test.max_slot_holders, n_slot_holders);
  test.max_disk_waiting = MAX (test.max_disk_waiting, async_sync_lock_get_n_waiting (self->disk));

  check (n_slot_holders <= DOWNLOADER_N_SLOTS, "%u jobs hold a slot", n_slot_holders);
  /* A permit handed to a waiter is out before its callback runs. */
  check (permits_out >= n_slot_holders, "%u permits out, %u holders", permits_out, n_slot_holders);
  check (n_disk_holders <= 1, "%u jobs hold the disk lock", n_disk_holders);
  check (n_disk_holders == 0 || async_sync_lock_is_locked (self->disk), "a holder, but unlocked");
}

static void self_test_schedule_step (void);

static void
self_test_job_changed (Downloader *self,
                       Job        *job,
                       gpointer    user_data)
{
  check (g_thread_self () == test.main_thread, "job %u changed off the main thread", job->index);
  if (job->index < N_JOBS)
    test.states_seen[job->index] |= 1u << job->state;
  check_invariants (self);

  /* Jobs 0 and 2 step in lockstep, job 0 first: it took the disk lock,
   * job 2 is about to queue behind it.  Pause now, while job 0 is at most
   * in its first write step: it will be paused holding the lock. */
  if (test.phase == PHASE_WAITING_FOR_DISK && job->index == 2 && job->state == JOB_WAITING_DISK)
    {
      check (async_sync_lock_is_locked (self->disk) && !job_ended (job_at (0)),
             "job 0 is %s", job_state_to_string (job_at (0)->state));
      test.phase = PHASE_PAUSING;
      set_paused (TRUE);
    }

  /* Job 2's job_finish() has just handed its slot to job 4, whose callback
   * has not run yet: cancel job 4 now.  The grant wins: its acquire still
   * succeeds, so it must take the slot and give it back. */
  if (test.phase == PHASE_CANCELLING_PAUSED && job->index == 2 && job->state == JOB_CANCELLED)
    {
      check (job_at (4)->state == JOB_QUEUED && !job_at (4)->has_slot,
             "job 4 is %s", job_state_to_string (job_at (4)->state));
      check (async_sync_semaphore_get_n_waiting (self->slots) == 2,
             "%u jobs wait for a slot, expected 2 (6 and 7)",
             async_sync_semaphore_get_n_waiting (self->slots));
      press_cancel (4);
    }

  /* The job may be about to start its next operation: look at the whole
   * picture once this callback has returned. */
  self_test_schedule_step ();
}

static void
self_test_value_notified (AsyncSyncSemaphore *slots,
                          GParamSpec         *pspec,
                          gpointer            user_data)
{
  check (g_thread_self () == test.main_thread, "notify::value off the main thread");
  test.last_notified_value = async_sync_semaphore_get_value (slots);
  test.n_value_notifications++;
  self_test_schedule_step ();
}

/* The screenshot ----------------------------------------------------------------- */

static void
save_screenshot (GtkWidget  *widget,
                 const char *path)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderNode *node;
  GdkTexture *texture;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  check (gdk_texture_save_to_png (texture, path), "could not save %s", path);
  g_print ("self-test: screenshot %dx%d saved to %s\n", width, height, path);

  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
}

static gboolean
screenshot_idle (gpointer user_data)
{
  if (test.screenshot_path != NULL)
    save_screenshot (GTK_WIDGET (test.downloader->window), test.screenshot_path);

  test.phase = PHASE_CANCELLING_PAUSED;
  press_cancel (2);  /* waiting for the disk lock */
  check (async_sync_lock_get_n_waiting (test.downloader->disk) == 0,
         "a cancelled waiter must leave the queue at once");
  press_cancel (0);  /* paused, holding the disk lock */

  return G_SOURCE_REMOVE;
}

static void
screenshot_after_paint (GdkFrameClock *clock,
                        gpointer       user_data)
{
  /* The frame that shows the paused state has been laid out and painted. */
  g_signal_handlers_disconnect_by_func (clock, screenshot_after_paint, user_data);
  g_idle_add (screenshot_idle, NULL);
}

static void
take_screenshot_then_go_on (void)
{
  GtkWidget *window = GTK_WIDGET (test.downloader->window);

  test.phase = PHASE_SCREENSHOT;
  if (test.screenshot_path == NULL)
    {
      screenshot_idle (NULL);
      return;
    }

  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (screenshot_after_paint), NULL);
  gtk_widget_queue_draw (window);
}

/* The script ------------------------------------------------------------------- */

/* Every job holding a slot sits in a queue: paused on the event, or
 * waiting for the disk lock.  The counts must match the primitives' own:
 * a job whose wait was granted but whose callback has not run yet still
 * shows its old state, and is not parked. */
static gboolean
all_slot_holders_parked (Downloader *self)
{
  guint n_holders = 0, n_paused = 0, n_waiting_disk = 0, i;

  for (i = 0; i < self->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (self->jobs, i);

      if (!job->has_slot)
        continue;
      n_holders++;
      n_paused += job->state == JOB_PAUSED;
      n_waiting_disk += job->state == JOB_WAITING_DISK;
    }

  return n_holders == DOWNLOADER_N_SLOTS
         && n_paused + n_waiting_disk == n_holders
         && n_paused == async_sync_event_get_n_waiting (self->running)
         && n_waiting_disk == async_sync_lock_get_n_waiting (self->disk);
}

static void
finish (void)
{
  Downloader *self = test.downloader;
  guint i;

  g_clear_handle_id (&test.watchdog_id, g_source_remove);
  test.phase = PHASE_OVER;

  for (i = 0; i < N_JOBS; i++)
    {
      Job *job = job_at (i);

      check (job != NULL && job->state == expected[i], "job %u ended %s, expected %s", i,
             job != NULL ? job_state_to_string (job->state) : "missing",
             job_state_to_string (expected[i]));
    }

  g_print ("self-test: cap %u, at most %u jobs held a slot, at most %u waited for the disk, "
           "%u notify::value signals\n",
           DOWNLOADER_N_SLOTS, test.max_slot_holders, test.max_disk_waiting,
           test.n_value_notifications);
  for (i = 0; i < self->jobs->len; i++)
    g_print ("self-test: job %u %-32s %s\n", i, job_at (i)->name,
             job_state_to_string (job_at (i)->state));
  g_print ("self-test: %s\n", test.n_failures == 0 ? "PASS" : "FAIL");

  gtk_window_close (self->window);
}

static gboolean
self_test_step (gpointer user_data)
{
  Downloader *self = test.downloader;
  guint i;

  test.step_id = 0;

  switch (test.phase)
    {
    case PHASE_LOADING:
      /* Three jobs hold a slot and wait on the event, three wait for a slot. */
      if (self->jobs->len < N_JOBS
          || async_sync_semaphore_get_n_waiting (self->slots) != N_JOBS - DOWNLOADER_N_SLOTS
          || async_sync_event_get_n_waiting (self->running) != DOWNLOADER_N_SLOTS)
        break;
      check (async_sync_semaphore_get_value (self->slots) == 0, "slots left while jobs wait");
      test.phase = PHASE_RUNNING;
      set_paused (FALSE);
      break;

    case PHASE_RUNNING:
      if (job_at (0)->step < 1)
        break;
      check (job_at (1)->has_slot && !job_ended (job_at (1)), "job 1 is not running");
      check (job_at (5)->state == JOB_QUEUED, "job 5 is %s", job_state_to_string (job_at (5)->state));
      test.phase = PHASE_CANCELLING;
      press_cancel (1);
      press_cancel (5);
      check (async_sync_semaphore_get_n_waiting (self->slots) == N_JOBS - DOWNLOADER_N_SLOTS - 1,
             "a cancelled waiter must leave the queue at once");
      break;

    case PHASE_CANCELLING:
      if (!job_ended (job_at (1)) || !job_ended (job_at (5)) || !job_at (3)->has_slot)
        break;
      /* Cancelled while queued: it never got past the queue. */
      check (test.states_seen[5] == ((1u << JOB_QUEUED) | (1u << JOB_CANCELLED)),
             "job 5 went through states 0x%x", test.states_seen[5]);
      check (test.states_seen[1] & (1u << JOB_DOWNLOADING), "job 1 never ran");
      test.phase = PHASE_WAITING_FOR_DISK;
      break;

    case PHASE_PAUSING:
      if (!all_slot_holders_parked (self))
        break;
      /* The lock stays held across the pause: it spans every await of the write. */
      check (job_at (0)->state == JOB_PAUSED && job_at (0)->has_disk,
             "job 0 is %s", job_state_to_string (job_at (0)->state));
      check (job_at (2)->state == JOB_WAITING_DISK,
             "job 2 is %s", job_state_to_string (job_at (2)->state));
      check (async_sync_semaphore_get_n_waiting (self->slots) == 3, "%u wait for a slot",
             async_sync_semaphore_get_n_waiting (self->slots));
      take_screenshot_then_go_on ();  /* then cancels jobs 2 and 0 */
      break;

    case PHASE_CANCELLING_PAUSED:
      /* Slots went to jobs 4 (which gave its back), 6 and 7. */
      if (!job_ended (job_at (0)) || !job_ended (job_at (2)) || !job_ended (job_at (4))
          || !job_at (6)->has_slot || !job_at (7)->has_slot)
        break;
      check (test.states_seen[4] & (1u << JOB_PAUSED), "job 4 never held its slot");
      check (!async_sync_lock_is_locked (self->disk), "cancelling the holder leaked the disk lock");
      test.phase = PHASE_FINISHING;
      set_paused (FALSE);
      break;

    case PHASE_FINISHING:
      for (i = 0; i < N_JOBS; i++)
        if (!job_ended (job_at (i)))
          return G_SOURCE_REMOVE;
      test.phase = PHASE_SETTLING;
      check (async_sync_semaphore_get_value (self->slots) == DOWNLOADER_N_SLOTS,
             "%u permits back of %u", async_sync_semaphore_get_value (self->slots), DOWNLOADER_N_SLOTS);
      check (async_sync_semaphore_get_n_waiting (self->slots) == 0, "slot waiters left");
      check (!async_sync_lock_is_locked (self->disk), "the disk lock leaked");
      check (async_sync_lock_get_n_waiting (self->disk) == 0, "disk waiters left");
      check (async_sync_event_get_n_waiting (self->running) == 0, "event waiters left");
      G_GNUC_FALLTHROUGH;

    case PHASE_SETTLING:
      /* Coalesced and delivered from a later iteration: wait for it. */
      if (test.last_notified_value == DOWNLOADER_N_SLOTS)
        finish ();
      break;

    case PHASE_WAITING_FOR_DISK:  /* see self_test_job_changed() */
    case PHASE_SCREENSHOT:
    case PHASE_OVER:
      break;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

static void
self_test_schedule_step (void)
{
  if (test.step_id == 0 && test.phase != PHASE_OVER)
    {
      /* G_PRIORITY_DEFAULT, like the jobs' own sources: an idle at the
       * default idle priority could wait behind frame after frame. */
      test.step_id = g_idle_add_full (G_PRIORITY_DEFAULT, self_test_step, NULL, NULL);
    }
}

static gboolean
self_test_timed_out (gpointer user_data)
{
  test.watchdog_id = 0;
  check (FALSE, "stuck: nothing moved on for too long");
  finish ();

  return G_SOURCE_REMOVE;
}

void
downloader_self_test_start (Downloader *self,
                            const char *screenshot_path)
{
  test.downloader = self;
  test.screenshot_path = g_strdup (screenshot_path);
  test.main_thread = g_thread_self ();
  test.last_notified_value = async_sync_semaphore_get_value (self->slots);

  self->job_changed = self_test_job_changed;
  g_signal_connect (self->slots, "notify::value", G_CALLBACK (self_test_value_notified), NULL);

  /* A watchdog, not a timing assertion: a stuck script fails instead of
   * hanging until meson's timeout. */
  test.watchdog_id = g_timeout_add_seconds (40, self_test_timed_out, NULL);

  set_paused (TRUE);
  downloader_read_manifest (self, N_JOBS, 0);
}

int
downloader_self_test_status (void)
{
  g_free (test.screenshot_path);

  return test.phase == PHASE_OVER && test.n_failures == 0 ? 0 : 1;
}
