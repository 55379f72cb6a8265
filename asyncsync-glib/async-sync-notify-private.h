/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (ASYNC_SYNC_COMPILATION)
# error "This header is private to asyncsync-glib: it is not installed."
#endif

#include <glib-object.h>

#include "async-sync-dispatcher-private.h"

G_BEGIN_DECLS

#define ASYNC_SYNC_NOTIFIER_MAX_PROPS 4

/* Reads property @index of @object as a number; called with the mutex held. */
typedef guint (*AsyncSyncNotifierReadFunc) (GObject *object,
                                            guint    index);

typedef struct _AsyncSyncNotification AsyncSyncNotification;

/*
 * AsyncSyncNotifier:
 *
 * Delivers an object's property notifications on its home context (the
 * thread-default context when it was constructed), from the dispatcher, so
 * that no `notify::` handler ever runs inside an API call or in the thread
 * that changed the state.  Changes are coalesced: a notification is emitted
 * for each property whose value, read when the notification runs, differs
 * from the value last notified.
 *
 * A pending notification does not keep its object alive (through a weak
 * reference): an object whose home context never runs again is freed when
 * its last user reference goes, and its pending notification with it;
 * else the object would keep the context alive, and the context the
 * object.
 */
typedef struct
{
  AsyncSyncNotification    *notification;  /* the dispatch item, reused */
  GObject                  *object;        /* unowned: the notifier is part of it */
  GMutex                   *mutex;
  GMainContext             *home;
  AsyncSyncDispatcher      *dispatcher;
  gboolean                  pending;       /* the notification is queued */
  guint                     n_props;
  GParamSpec              **pspecs;
  AsyncSyncNotifierReadFunc read;
  guint                     last[ASYNC_SYNC_NOTIFIER_MAX_PROPS];
} AsyncSyncNotifier;

void async_sync_notifier_init    (AsyncSyncNotifier         *self,
                                  GObject                   *object,
                                  GMutex                    *mutex,
                                  GParamSpec               **pspecs,
                                  guint                      n_props,
                                  AsyncSyncNotifierReadFunc  read);
void async_sync_notifier_clear   (AsyncSyncNotifier         *self);
void async_sync_notifier_changed (AsyncSyncNotifier         *self);

G_END_DECLS
