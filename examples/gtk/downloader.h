/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The types shared by the Downloader example (downloader.c) and its
 * scripted self-test (downloader-self-test.c).
 */

#pragma once

#include <gtk/gtk.h>
#include <asyncsync-glib/asyncsync-glib.h>

G_BEGIN_DECLS

#define DOWNLOADER_N_SLOTS       3  /* jobs that may run at once */
#define DOWNLOADER_N_WRITE_STEPS 3  /* steps of the write, under the disk lock */

typedef enum {
  JOB_QUEUED,        /* waiting for a slot: semaphore acquire */
  JOB_PAUSED,        /* waiting for the "running" event to be set */
  JOB_DOWNLOADING,   /* one download step in progress */
  JOB_WAITING_DISK,  /* waiting for the disk lock */
  JOB_WRITING,       /* one write step in progress, holding the disk lock */
  JOB_DONE,
  JOB_CANCELLED,
} JobState;

typedef struct _Downloader Downloader;

typedef struct {
  Downloader   *downloader;
  guint         index;             /* position in the list, from 0 */
  char         *name;
  guint         n_download_steps;
  guint         step;              /* steps done, download then write */
  JobState      state;
  gboolean      has_slot;          /* we hold a permit of downloader->slots */
  gboolean      has_disk;          /* we hold downloader->disk */
  GCancellable *cancellable;

  GtkWidget    *row;
  GtkLabel     *status;
  GtkProgressBar *progress;
  GtkWidget    *cancel_button;
} Job;

typedef void (*DownloaderJobChangedFunc) (Downloader *downloader,
                                          Job        *job,
                                          gpointer    user_data);

struct _Downloader {
  GtkApplication     *app;
  GtkWindow          *window;
  GtkListBox         *list;
  GtkLabel           *subtitle;
  GtkLabel           *slots_label;
  GtkLabel           *disk_label;
  GtkToggleButton    *pause_button;
  GtkWidget          *add_button;

  AsyncSyncSemaphore *slots;       /* caps how many jobs run at once */
  AsyncSyncEvent     *running;     /* set: jobs go on; clear: they pause */
  AsyncSyncLock      *disk;        /* one writer at a time */

  GPtrArray          *jobs;        /* (element-type Job) */
  guint               step_ms;
  GThread            *reader;      /* the worker thread adding jobs, if any */
  guint               n_read;      /* manifest entries handed to a reader */
  gint                closing;     /* atomic: tells the reader to stop */

  /* For the self-test: called on the main thread after every change. */
  DownloaderJobChangedFunc job_changed;
  gpointer                 job_changed_data;
};

guint        job_n_steps              (Job        *job);
const char  *job_state_to_string      (JobState    state);
void         downloader_read_manifest (Downloader *self,
                                       guint       n_jobs,
                                       guint       interval_ms);

/* downloader-self-test.c */
void         downloader_self_test_start (Downloader *self,
                                         const char *screenshot_path);
int          downloader_self_test_status (void);

G_END_DECLS
