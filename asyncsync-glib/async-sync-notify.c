/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-notify-private.h"

/*
 * AsyncSyncNotification:
 *
 * The dispatch item of a notifier, apart from its object so that it can
 * outlive it: the object may be finalized in one thread while the item,
 * already taken from the ready queue, is about to run in another.  It is
 * reference counted: the notifier holds one reference, the ready queue one
 * while it is queued.  It reaches its object through a weak reference, and
 * the object's notifier only through that object, while holding it.
 */
struct _AsyncSyncNotification
{
  AsyncSyncDispatchItem  item;      /* first: the item is the notification */
  gatomicrefcount        ref_count;
  GWeakRef               object;
  AsyncSyncNotifier     *notifier;  /* valid while the object is alive */
};

static AsyncSyncNotification *
notification_ref (AsyncSyncNotification *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
notification_unref (AsyncSyncNotification *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_weak_ref_clear (&self->object);
  g_free (self);
}

/* Emits the notifications of @notifier's object, held by the caller. */
static void
notifier_emit (AsyncSyncNotifier *self)
{
  GParamSpec *changed[ASYNC_SYNC_NOTIFIER_MAX_PROPS];
  guint n_changed = 0;
  guint i;

  g_mutex_lock (self->mutex);
  self->pending = FALSE;
  for (i = 0; i < self->n_props; i++)
    {
      guint value = self->read (self->object, i);

      if (value != self->last[i])
        {
          self->last[i] = value;
          changed[n_changed++] = self->pspecs[i];
        }
    }
  g_mutex_unlock (self->mutex);

  for (i = 0; i < n_changed; i++)
    g_object_notify_by_pspec (self->object, changed[i]);
}

/* Runs on the home context, from its dispatcher. */
static void
notification_run (AsyncSyncDispatchItem *item)
{
  AsyncSyncNotification *self = (AsyncSyncNotification *) item;
  GObject *object = g_weak_ref_get (&self->object);

  /* Gone (or going, in another thread): nothing to notify, and the
   * notifier is no longer there to look at. */
  if (object != NULL)
    {
      notifier_emit (self->notifier);
      g_object_unref (object);
    }

  /* The ready queue's reference. */
  notification_unref (self);
}

void
async_sync_notifier_init (AsyncSyncNotifier          *self,
                          GObject                    *object,
                          GMutex                     *mutex,
                          GParamSpec                **pspecs,
                          guint                       n_props,
                          AsyncSyncNotifierReadFunc   read)
{
  AsyncSyncNotification *notification = g_new0 (AsyncSyncNotification, 1);
  guint i;

  g_assert (n_props <= ASYNC_SYNC_NOTIFIER_MAX_PROPS);

  notification->item.link.data = notification;
  notification->item.run = notification_run;
  g_atomic_ref_count_init (&notification->ref_count);
  g_weak_ref_init (&notification->object, object);
  notification->notifier = self;

  self->notification = notification;
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

/*
 * async_sync_notifier_clear:
 *
 * From the object's finalize: a notification still queued goes with it.
 * One already taken from the queue finds the object gone when it runs.
 */
void
async_sync_notifier_clear (AsyncSyncNotifier *self)
{
  if (self->pending && async_sync_dispatcher_remove (self->dispatcher, &self->notification->item))
    notification_unref (self->notification);
  g_clear_pointer (&self->notification, notification_unref);

  g_clear_pointer (&self->dispatcher, async_sync_dispatcher_unref);
  g_clear_pointer (&self->home, g_main_context_unref);
}

/*
 * async_sync_notifier_changed:
 *
 * Records that the state may have changed; called with the mutex held.
 */
void
async_sync_notifier_changed (AsyncSyncNotifier *self)
{
  if (self->pending)
    return;

  self->pending = TRUE;
  async_sync_dispatcher_push (self->dispatcher, &notification_ref (self->notification)->item);
}
