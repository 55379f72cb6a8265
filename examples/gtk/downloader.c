/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Downloader: a GTK 4 window of simulated downloads, built on three
 * asyncsync-glib primitives, all awaited from the main loop:
 *
 *  - an AsyncSyncBoundedSemaphore caps how many jobs run at once (a job
 *    waits for a slot, then holds it until it ends);
 *  - an AsyncSyncEvent pauses and resumes every job (jobs wait on it before
 *    each step; the Pause button clears it, Resume sets it);
 *  - an AsyncSyncLock lets one job at a time write to "disk", and the
 *    write spans several asynchronous steps while the lock is held.
 *
 * Each job is one chain of callbacks with exactly one operation pending at
 * any time, and a GCancellable that the row's Cancel button fires: whatever
 * the job waits for (a slot, the event, the lock, a step), that operation
 * fails with G_IO_ERROR_CANCELLED and job_finish() gives back what the job
 * holds.  A worker thread produces the jobs and hands them to the main
 * thread, where every callback runs.
 *
 * Run:  asyncsync-downloader               (a window; close it to quit)
 *       asyncsync-downloader --self-test   (a scripted run; exit 0 if OK)
 */

#include "downloader.h"

#define APPLICATION_ID "org.asyncsync.Downloader"

/* Simulated work ----------------------------------------------------------- */

/* A GIO-style async operation that stands for one step of real work (a
 * chunk read from a socket, a chunk written to a file): it completes after
 * @ms milliseconds, or as soon as @cancellable fires. */
static gboolean
pretend_work_done (GCancellable *cancellable,
                   gpointer      user_data)
{
  /* Reached by the deadline or by the cancellable; in the latter case the
   * task reports G_IO_ERROR_CANCELLED (GTask's check-cancellable). */
  g_task_return_boolean (G_TASK (user_data), TRUE);

  return G_SOURCE_REMOVE;
}

static void
pretend_work_async (guint                ms,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSource) source = g_cancellable_source_new (cancellable);

  g_task_set_source_tag (task, pretend_work_async);
  g_task_set_name (task, "[downloader] pretend_work_async");

  /* A cancellable source dispatches when cancelled, and also at its ready
   * time: one source covers both ends of the step. */
  g_source_set_ready_time (source, g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND);
  g_task_attach_source (task, source, G_SOURCE_FUNC (pretend_work_done));
}

static gboolean
pretend_work_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Jobs ---------------------------------------------------------------------- */

/* A job is a chain of callbacks, in this order:
 *   job_start -> job_got_slot -> (job_wait_to_go -> job_go -> job_step_done)*
 *   with job_got_disk before the first write step, and job_finish at the end
 *   or as soon as any operation fails. */
static void job_got_slot   (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);
static void job_wait_to_go (Job          *job);
static void job_got_disk   (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);
static void job_go         (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);
static void job_step_done  (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);
static void job_finish     (Job          *job,
                            const GError *error);

guint
job_n_steps (Job *job)
{
  return job->n_download_steps + DOWNLOADER_N_WRITE_STEPS;
}

const char *
job_state_to_string (JobState state)
{
  switch (state)
    {
    case JOB_QUEUED:       return "Queued for a slot";
    case JOB_PAUSED:       return "Paused";
    case JOB_DOWNLOADING:  return "Downloading";
    case JOB_WAITING_DISK: return "Waiting for the disk";
    case JOB_WRITING:      return "Writing to disk";
    case JOB_DONE:         return "Done";
    case JOB_CANCELLED:    return "Cancelled";
    default:               g_assert_not_reached ();
    }
}

static void downloader_update_status (Downloader *self);

/* Every change of a job goes through here: its row, the window's status
 * line (the waiting counts have no notify signal: they change when a job
 * changes state, so this is where they are read), and the self-test hook. */
static void
job_set_state (Job      *job,
               JobState  state)
{
  Downloader *self = job->downloader;
  g_autofree char *status = NULL;

  job->state = state;

  if (state == JOB_DOWNLOADING || state == JOB_WRITING)
    status = g_strdup_printf ("%s · step %u of %u", job_state_to_string (state),
                              job->step + 1, job_n_steps (job));
  else if (state == JOB_PAUSED && job->has_disk)
    status = g_strdup ("Paused · holding the disk");
  else
    status = g_strdup (job_state_to_string (state));
  gtk_label_set_text (job->status, status);
  gtk_progress_bar_set_fraction (job->progress, (double) job->step / job_n_steps (job));

  if (state == JOB_DONE || state == JOB_CANCELLED)
    {
      gtk_widget_set_sensitive (job->cancel_button, FALSE);
      if (state == JOB_CANCELLED)
        gtk_widget_add_css_class (job->row, "cancelled");
    }

  downloader_update_status (self);
  if (self->job_changed != NULL)
    self->job_changed (self, job, self->job_changed_data);
}

/* Queue for a slot.  Called on the main thread, so every callback of
 * this job runs there too (an _async call completes on the thread-default
 * context of the thread that made it: see "Main contexts and threads"
 * in the manual). */
static void
job_start (Job *job)
{
  job_set_state (job, JOB_QUEUED);
  async_sync_semaphore_acquire_async (job->downloader->slots, job->cancellable,
                                      job_got_slot, job);
}

/* Out of the queue: with a slot, or cancelled. */
static void
job_got_slot (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  /* The grant wins over a later cancel: FALSE only when the job was cancelled while still queued,
   * and then nothing was taken.  TRUE means the slot is ours, even if
   * Cancel was pressed after it was handed over: the next wait then fails
   * at once (the cancellable is already cancelled) and job_finish() gives
   * the slot back. */
  if (!async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (source), result, &error))
    {
      job_finish (job, error);
      return;
    }

  job->has_slot = TRUE;
  job_wait_to_go (job);
}

/* Before each step: wait until the jobs are not paused.  The first write
 * step needs the disk lock first. */
static void
job_wait_to_go (Job *job)
{
  Downloader *self = job->downloader;

  if (job->step == job->n_download_steps && !job->has_disk)
    {
      job_set_state (job, JOB_WAITING_DISK);
      async_sync_lock_acquire_async (self->disk, job->cancellable, job_got_disk, job);
      return;
    }

  /* When the event is set, the wait still completes from a later main-loop
   * iteration, never inside this call ("Main contexts and threads"): no recursion, however many
   * steps. */
  if (!async_sync_event_is_set (self->running))
    job_set_state (job, JOB_PAUSED);
  async_sync_event_wait_async (self->running, job->cancellable, job_go, job);
}

/* Downloaded; out of the disk lock's queue.  The lock is then ours until
 * job_finish(), across every write step and every pause in between. */
static void
job_got_disk (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (source), result, &error))
    {
      job_finish (job, error);  /* cancelled while queued: the lock is not ours */
      return;
    }

  job->has_disk = TRUE;
  job_wait_to_go (job);
}

/* Not paused (any more): do one step. */
static void
job_go (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  /* A wake-up is never lost: once set() woke us, this succeeds even if
   * Pause was pressed again before this callback ran. */
  if (!async_sync_event_wait_finish (ASYNC_SYNC_EVENT (source), result, &error))
    {
      job_finish (job, error);
      return;
    }

  job_set_state (job, job->has_disk ? JOB_WRITING : JOB_DOWNLOADING);
  pretend_work_async (job->downloader->step_ms, job->cancellable, job_step_done, job);
}

/* One step is done: the next one, or the end. */
static void
job_step_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!pretend_work_finish (result, &error))
    {
      job_finish (job, error);
      return;
    }

  job->step++;
  if (job->step == job_n_steps (job))
    job_finish (job, NULL);
  else
    job_wait_to_go (job);
}

/* The end, whatever the reason: give back exactly what was granted.
 * Each release hands the lock or the slot straight to the next waiter
 * ("Fairness, hand-off and cancellation"), whose callback runs from a later iteration, not from here. */
static void
job_finish (Job          *job,
            const GError *error)
{
  Downloader *self = job->downloader;
  g_autoptr(GError) release_error = NULL;

  if (job->has_disk && !async_sync_lock_release (self->disk, &release_error))
    g_critical ("%s: %s", job->name, release_error->message);
  job->has_disk = FALSE;
  g_clear_error (&release_error);

  /* A bounded semaphore turns a release we do not owe into an error,
   * instead of silently raising the cap. */
  if (job->has_slot && !async_sync_semaphore_release (self->slots, &release_error))
    g_critical ("%s: %s", job->name, release_error->message);
  job->has_slot = FALSE;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("%s failed: %s", job->name, error->message);

  job_set_state (job, error == NULL ? JOB_DONE : JOB_CANCELLED);
  g_application_release (G_APPLICATION (self->app));
}

static void
job_cancel_clicked (GtkButton *button,
                    Job       *job)
{
  /* Works in every state: the one pending operation fails with
   * G_IO_ERROR_CANCELLED, from a later iteration, and job_finish() runs. */
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  g_cancellable_cancel (job->cancellable);
}

static GtkWidget *
job_row_new (Job *job)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (job->name);
  GtkWidget *row = gtk_list_box_row_new ();

  job->status = GTK_LABEL (gtk_label_new (NULL));
  job->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  job->cancel_button = gtk_button_new_from_icon_name ("process-stop-symbolic");

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (job->status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (job->status), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (job->status), "caption");
  gtk_widget_set_size_request (text, 220, -1);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (job->status));

  gtk_widget_set_hexpand (GTK_WIDGET (job->progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (job->progress), GTK_ALIGN_CENTER);

  gtk_widget_set_valign (job->cancel_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (job->cancel_button, "Cancel");
  gtk_widget_add_css_class (job->cancel_button, "flat");
  gtk_widget_add_css_class (job->cancel_button, "circular");
  g_signal_connect (job->cancel_button, "clicked", G_CALLBACK (job_cancel_clicked), job);

  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (job->progress));
  gtk_box_append (GTK_BOX (box), job->cancel_button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static Job *
job_new (Downloader *self,
         const char *name,
         guint       n_download_steps)
{
  Job *job = g_new0 (Job, 1);

  job->downloader = self;
  job->index = self->jobs->len;
  job->name = g_strdup (name);
  job->n_download_steps = n_download_steps;
  job->cancellable = g_cancellable_new ();
  /* The job keeps its row, so that a job still ending after the window
   * was closed updates widgets that are alive. */
  job->row = g_object_ref_sink (job_row_new (job));

  return job;
}

static void
job_free (Job *job)
{
  g_clear_object (&job->cancellable);
  g_clear_object (&job->row);
  g_free (job->name);
  g_free (job);
}

/* The worker thread ---------------------------------------------------------- */

/* A worker thread stands for anything slow that produces work: reading a
 * manifest, a D-Bus service, a file monitor.  It never touches a widget
 * and never starts a job itself: an _async call completes on the context
 * that was thread-default in the thread that made it ("Main contexts and threads"), so a job
 * started here would complete on the worker's context, where nobody looks.
 * It hands each job description to the main context with
 * g_main_context_invoke_full(); from there on, every callback of the job
 * runs on the main thread. */

static const struct {
  const char *name;
  guint       n_download_steps;
} manifest[] = {
  { "gnome-shell-47.0.tar.xz",         3 },
  { "debian-12.5.0-amd64-netinst.iso", 9 },
  { "cantarell-fonts-0.303.tar.xz",    3 },
  { "wallpapers-2024.zip",             5 },
  { "linux-6.1.76.tar.xz",             8 },
  { "podcast-episode-42.ogg",          4 },
  { "flathub.flatpakrepo",             2 },
  { "gtk-4.14.2.tar.xz",               6 },
};

typedef struct {
  Downloader *downloader;
  char       *name;
  guint       n_download_steps;
} JobSpec;

typedef struct {
  Downloader   *downloader;
  GMainContext *main_context;
  guint         first;
  guint         n_jobs;
  guint         interval_ms;
} ManifestRead;

static void
job_spec_free (gpointer data)
{
  JobSpec *spec = data;

  g_free (spec->name);
  g_free (spec);
}

/* On the main thread. */
static gboolean
job_spec_add (gpointer data)
{
  JobSpec *spec = data;
  Downloader *self = spec->downloader;
  Job *job;

  if (g_atomic_int_get (&self->closing))
    return G_SOURCE_REMOVE;

  job = job_new (self, spec->name, spec->n_download_steps);
  g_ptr_array_add (self->jobs, job);
  gtk_list_box_append (self->list, job->row);
  g_application_hold (G_APPLICATION (self->app));  /* released by job_finish() */
  job_start (job);

  return G_SOURCE_REMOVE;
}

/* On the main thread, once the worker is done. */
static gboolean
manifest_read_done (gpointer data)
{
  Downloader *self = data;

  g_thread_join (g_steal_pointer (&self->reader));
  if (self->window != NULL)
    gtk_widget_set_sensitive (self->add_button, TRUE);
  g_application_release (G_APPLICATION (self->app));

  return G_SOURCE_REMOVE;
}

/* On the worker thread. */
static gpointer
manifest_read_thread (gpointer data)
{
  ManifestRead *read = data;
  guint i;

  for (i = 0; i < read->n_jobs && !g_atomic_int_get (&read->downloader->closing); i++)
    {
      guint m = (read->first + i) % G_N_ELEMENTS (manifest);
      guint round = (read->first + i) / G_N_ELEMENTS (manifest);
      JobSpec *spec = g_new0 (JobSpec, 1);

      g_usleep (read->interval_ms * G_TIME_SPAN_MILLISECOND);  /* slow I/O */

      spec->downloader = read->downloader;
      spec->name = round == 0 ? g_strdup (manifest[m].name)
                              : g_strdup_printf ("%s (%u)", manifest[m].name, round + 1);
      spec->n_download_steps = manifest[m].n_download_steps;
      g_main_context_invoke_full (read->main_context, G_PRIORITY_DEFAULT,
                                  job_spec_add, spec, job_spec_free);
    }

  g_main_context_invoke (read->main_context, manifest_read_done, read->downloader);
  g_main_context_unref (read->main_context);
  g_free (read);

  return NULL;
}

void
downloader_read_manifest (Downloader *self,
                          guint       n_jobs,
                          guint       interval_ms)
{
  ManifestRead *read;

  g_return_if_fail (self->reader == NULL);

  read = g_new0 (ManifestRead, 1);
  read->downloader = self;
  read->main_context = g_main_context_ref_thread_default ();
  read->first = self->n_read;
  read->n_jobs = n_jobs;
  read->interval_ms = interval_ms;
  self->n_read += n_jobs;

  gtk_widget_set_sensitive (self->add_button, FALSE);
  g_application_hold (G_APPLICATION (self->app));  /* released by manifest_read_done() */
  self->reader = g_thread_new ("manifest-reader", manifest_read_thread, read);
}

/* The window ------------------------------------------------------------------ */

/* Reads the primitives' current state: notify:: handlers call it, and so
 * does every job change. */
static void
downloader_update_status (Downloader *self)
{
  guint free_slots = async_sync_semaphore_get_value (self->slots);
  guint n_queued = async_sync_semaphore_get_n_waiting (self->slots);
  guint n_disk_waiting = async_sync_lock_get_n_waiting (self->disk);
  guint n_active = 0, n_ended = 0, i;
  g_autofree char *slots = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *subtitle = NULL;

  if (self->window == NULL)
    return;  /* closed: the jobs are winding down */

  for (i = 0; i < self->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (self->jobs, i);

      if (job->state == JOB_DONE || job->state == JOB_CANCELLED)
        n_ended++;
      else
        n_active++;
    }

  slots = g_strdup_printf ("%u of %u slots free · %u queued",
                           free_slots, DOWNLOADER_N_SLOTS, n_queued);
  if (!async_sync_lock_is_locked (self->disk))
    disk = g_strdup ("Disk idle");
  else if (n_disk_waiting == 0)
    disk = g_strdup ("Disk busy");
  else
    disk = g_strdup_printf ("Disk busy · %u waiting", n_disk_waiting);
  subtitle = g_strdup_printf ("%s%u active · %u finished",
                              async_sync_event_is_set (self->running) ? "" : "Paused · ",
                              n_active, n_ended);

  gtk_label_set_text (self->slots_label, slots);
  gtk_label_set_text (self->disk_label, disk);
  gtk_label_set_text (self->subtitle, subtitle);
}

/* "Main contexts and threads": notify:: is emitted on each object's home context (the main
 * context: the objects were created on the main thread), from a later
 * main-loop iteration, never from inside release() or set(), and several
 * changes in between are coalesced into one signal.  So handlers read the
 * current state instead of counting signals. */
static void
primitive_notify (GObject    *object,
                  GParamSpec *pspec,
                  Downloader *self)
{
  downloader_update_status (self);
}

static void
running_notify (AsyncSyncEvent *running,
                GParamSpec     *pspec,
                Downloader     *self)
{
  gboolean paused = !async_sync_event_is_set (running);

  if (self->window == NULL)
    return;

  /* The button follows the event, whoever changed it. */
  gtk_toggle_button_set_active (self->pause_button, paused);
  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button),
                            paused ? "media-playback-start-symbolic"
                                   : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? "Resume all jobs" : "Pause all jobs");
  downloader_update_status (self);
}

static void
pause_toggled (GtkToggleButton *button,
               Downloader      *self)
{
  /* Clearing pauses every job before its next step; setting wakes every
   * job waiting at that moment, in the order they started waiting. */
  if (gtk_toggle_button_get_active (button))
    async_sync_event_clear (self->running);
  else
    async_sync_event_set (self->running);
}

static void
add_clicked (GtkButton  *button,
             Downloader *self)
{
  downloader_read_manifest (self, 3, self->step_ms);
}

static gboolean
window_close_request (GtkWindow  *window,
                      Downloader *self)
{
  guint i;

  /* Cancel everything; each job still ends through job_finish(), which
   * gives back its slot and lock, and releases its hold on the
   * application: the process exits when the last one has.  The jobs keep
   * their own rows; the window's other widgets are gone from now on. */
  g_atomic_int_set (&self->closing, TRUE);
  for (i = 0; i < self->jobs->len; i++)
    g_cancellable_cancel (((Job *) g_ptr_array_index (self->jobs, i))->cancellable);
  self->window = NULL;

  return FALSE;
}

static const char style[] =
  /* libadwaita styles .boxed-list; plain GTK 4.8 does not, so: */
  "list.boxed-list { background: @theme_base_color; border: 1px solid alpha(@borders, 0.7);"
  "  border-radius: 12px; }\n"
  "list.boxed-list > row { padding: 10px 12px; border-bottom: 1px solid alpha(@borders, 0.5); }\n"
  "list.boxed-list > row:last-child { border-bottom: none; }\n"
  "list.boxed-list > row.cancelled progressbar { opacity: 0.45; }\n"
  "progressbar.horizontal > trough, progressbar.horizontal > trough > progress {"
  "  min-height: 6px; border-radius: 6px; }\n"
  ".status-line { padding: 0 6px; }\n";

static void
downloader_load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  /* load_from_string() is GTK 4.12's; load_from_data() is deprecated there. */
#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_css_provider_load_from_string (provider, style);
#else
  gtk_css_provider_load_from_data (provider, style, -1);
#endif
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static GtkWidget *
downloader_header_bar_new (Downloader *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new ("Downloader");

  gtk_widget_add_css_class (title, "title");
  self->subtitle = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "subtitle");
  gtk_widget_set_valign (title_box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (title_box), title);
  gtk_box_append (GTK_BOX (title_box), GTK_WIDGET (self->subtitle));
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), title_box);

  self->add_button = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_tooltip_text (self->add_button, "Add three jobs (from a worker thread)");
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (add_clicked), self);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), self->add_button);

  self->pause_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button), "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), "Pause all jobs");
  g_signal_connect (self->pause_button, "toggled", G_CALLBACK (pause_toggled), self);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), GTK_WIDGET (self->pause_button));

  return header;
}

static GtkWidget *
downloader_status_line_new (Downloader *self)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->slots_label = GTK_LABEL (gtk_label_new (NULL));
  self->disk_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->slots_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->slots_label), TRUE);
  gtk_widget_add_css_class (line, "status-line");
  gtk_widget_add_css_class (line, "dim-label");
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->slots_label));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->disk_label));

  return line;
}

static void
downloader_build_window (Downloader *self)
{
  GtkWidget *window = gtk_application_window_new (self->app);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->window = GTK_WINDOW (window);
  gtk_window_set_title (self->window, "Downloader");
  gtk_window_set_default_size (self->window, 640, 580);
  gtk_window_set_titlebar (self->window, downloader_header_bar_new (self));
  g_signal_connect (window, "close-request", G_CALLBACK (window_close_request), self);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_overflow (GTK_WIDGET (self->list), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_valign (GTK_WIDGET (self->list), GTK_ALIGN_START);

  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_widget_set_margin_start (content, 18);
  gtk_widget_set_margin_end (content, 18);
  gtk_box_append (GTK_BOX (content), downloader_status_line_new (self));
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), content);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_window_set_child (self->window, scrolled);

  downloader_update_status (self);
}

/* The application ------------------------------------------------------------- */

static gboolean opt_self_test;
static char *opt_screenshot;

static const GOptionEntry options[] = {
  { "self-test", 0, 0, G_OPTION_ARG_NONE, &opt_self_test,
    "Run a scripted scenario, check the invariants, exit 0 if they held", NULL },
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &opt_screenshot,
    "With --self-test: save a PNG of the window mid-run", "FILE" },
  { NULL }
};

static gint
downloader_handle_local_options (GApplication *app,
                                 GVariantDict *dict,
                                 Downloader   *self)
{
  if (opt_self_test)
    {
      /* Not registered yet: a self-test never talks to a running instance. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
      self->step_ms = 15;
    }

  return -1;  /* go on */
}

static void
downloader_startup (GApplication *app,
                    Downloader   *self)
{
  /* Created on the main thread: the main context is their home context,
   * where their notify:: signals are emitted ("Main contexts and threads"). */
  self->slots = ASYNC_SYNC_SEMAPHORE (async_sync_bounded_semaphore_new (DOWNLOADER_N_SLOTS));
  self->running = async_sync_event_new ();
  self->disk = async_sync_lock_new ();
  async_sync_event_set (self->running);

  g_signal_connect (self->slots, "notify::value", G_CALLBACK (primitive_notify), self);
  g_signal_connect (self->disk, "notify::locked", G_CALLBACK (primitive_notify), self);
  g_signal_connect (self->running, "notify::is-set", G_CALLBACK (running_notify), self);

  downloader_load_style ();
}

static void
downloader_activate (GApplication *app,
                     Downloader   *self)
{
  if (self->window != NULL)
    {
      gtk_window_present (self->window);
      return;
    }

  downloader_build_window (self);
  gtk_window_present (self->window);

  if (opt_self_test)
    downloader_self_test_start (self, opt_screenshot);
  else
    downloader_read_manifest (self, 6, 300);
}

static void
downloader_free (Downloader *self)
{
  g_assert (self->reader == NULL);  /* the application held on until it was joined */

  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_object (&self->slots);
  g_clear_object (&self->running);
  g_clear_object (&self->disk);
  g_free (self);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app = gtk_application_new (APPLICATION_ID, G_APPLICATION_DEFAULT_FLAGS);
  Downloader *self = g_new0 (Downloader, 1);
  int status;

  self->app = app;
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  self->step_ms = 450;

  g_application_add_main_option_entries (G_APPLICATION (app), options);
  g_signal_connect (app, "handle-local-options", G_CALLBACK (downloader_handle_local_options), self);
  g_signal_connect (app, "startup", G_CALLBACK (downloader_startup), self);
  g_signal_connect (app, "activate", G_CALLBACK (downloader_activate), self);

  status = g_application_run (G_APPLICATION (app), argc, argv);
  if (status == 0 && opt_self_test)
    status = downloader_self_test_status ();

  downloader_free (self);
  g_free (opt_screenshot);

  return status;
}
