/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-notify-private.h"

/* Runs on the home context, from its dispatcher. */
static void
notifier_run (AsyncSyncDispatchItem *item)
{
  AsyncSyncNotifier *self = (AsyncSyncNotifier *) item;
  GObject *object = self->object;
  GParamSpec *changed[ASYNC_SYNC_NOTIFIER_MAX_PROPS];
  guint n_changed = 0;
  guint i;

  g_mutex_lock (self->mutex);
  self->pending = FALSE;
  for (i = 0; i < self->n_props; i++)
    {
      guint value = self->read (object, i);

      if (value != self->last[i])
        {
          self->last[i] = value;
          changed[n_changed++] = self->pspecs[i];
        }
    }
  g_mutex_unlock (self->mutex);

  for (i = 0; i < n_changed; i++)
    g_object_notify_by_pspec (object, changed[i]);

  /* The reference taken when the notification was scheduled. */
  g_object_unref (object);
}

void
async_sync_notifier_init (AsyncSyncNotifier          *self,
                          GObject                    *object,
                          GMutex                     *mutex,
                          GParamSpec                **pspecs,
                          guint                       n_props,
                          AsyncSyncNotifierReadFunc   read)
{
  guint i;

  g_assert (n_props <= ASYNC_SYNC_NOTIFIER_MAX_PROPS);

  self->item.link.data = self;
  self->item.run = notifier_run;
  self->item.not_before = 0;
  self->object = object;
  self->mutex = mutex;
  self->home = g_main_context_ref_thread_default ();
  self->dispatcher = async_sync_dispatcher_get_for_context (self->home);
  self->pending = FALSE;
  self->n_props = n_props;
  self->pspecs = pspecs;
  self->read = read;
  for (i = 0; i < n_props; i++)
    self->last[i] = read (object, i);
}

void
async_sync_notifier_clear (AsyncSyncNotifier *self)
{
  g_assert (!self->pending);

  g_clear_pointer (&self->dispatcher, async_sync_dispatcher_unref);
  g_clear_pointer (&self->home, g_main_context_unref);
}

/*
 * async_sync_notifier_changed:
 *
 * Records that the state may have changed; called with the mutex held.
 * A pending notification keeps the object alive until it has run.
 */
void
async_sync_notifier_changed (AsyncSyncNotifier *self)
{
  if (self->pending)
    return;

  self->pending = TRUE;
  g_object_ref (self->object);
  async_sync_dispatcher_push (self->dispatcher, &self->item);
}
