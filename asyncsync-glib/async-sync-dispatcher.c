/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The completion dispatcher: one GSource per GMainContext that runs ready
 * completions (a granted waiter's callback, a property notification) in
 * FIFO order.
 *
 * Why not simply g_task_return_*() from release()?  Because called from a
 * later iteration on the task's own context, GTask invokes the callback
 * synchronously: release() would run user code (breaking the GIO rule), and
 * a chain of hand-offs (callback -> release -> next callback -> ...) would
 * recurse once per waiter.  Why not one idle source per completion (what
 * GTask does otherwise)?  Because then each hand-off costs one main-loop
 * iteration.  Here a release only appends to a queue; the dispatcher pops
 * items one by one and returns each GTask from its own dispatch, where GTask
 * runs the callback at once, so a chain of N hand-offs runs in a flat loop
 * inside a few dispatches.
 *
 * Sharing the context: the dispatcher stays at G_PRIORITY_DEFAULT, where
 * GTask delivers its own results, and bounds each dispatch (a batch) in
 * items and time.  After a batch that spent its budget with work left, it
 * sits out exactly one iteration: prepare() and check() report it not
 * ready, so that iteration dispatches whatever else is ready, at whatever
 * priority (a redraw at G_PRIORITY_HIGH_IDLE + 20, an idle, I/O, even a
 * G_PRIORITY_LOW source), and the next iteration runs the next batch.
 * Both ways round, nobody starves: other sources get every other
 * iteration during a long run of completions, and completions keep
 * flowing beside a source that is always ready, whatever its priority, a
 * backlog of N taking about 2 N / batch iterations.
 *
 * (Dropping to G_PRIORITY_LOW for the turn instead would not do: GLib
 * dispatches only the highest priority that is ready, so an idle that stays
 * ready at G_PRIORITY_DEFAULT_IDLE would hold the completions back until it
 * stopped.)
 *
 * The iteration given away must still count as one that dispatched
 * something: otherwise `while (g_main_context_iteration (ctx, FALSE));`
 * and g_main_context_pending() would report an idle context with
 * completions still to run.  A second source, the turn marker, at the
 * lowest priority, is ready during that iteration only; it runs (and does
 * nothing) when no other source wanted the turn.
 */

#include "config.h"

#include "async-sync-dispatcher-private.h"

/* Bounds on one dispatch: whichever comes first.  The reference docs
 * ("Contexts and threads") quote them. */
#define DISPATCH_MAX_ITEMS 1024
#define DISPATCH_MAX_USEC  1000
#define DISPATCH_CLOCK_EVERY 32

/* Where the dispatcher stands in the turn-taking with other sources. */
typedef enum
{
  TURN_TAKING,      /* dispatched whenever it has ready items */
  TURN_GIVING,      /* a batch spent its budget: sit out the next iteration */
  TURN_GIVEN,       /* sitting out the current iteration */
} Turn;

struct _AsyncSyncDispatcher
{
  GSource       source;
  GMutex        mutex;    /* guards ready; only the context's own lock is taken under it */
  GQueue        ready;    /* of AsyncSyncDispatchItem, through item->link */
  GMainContext *context;  /* unowned: the source is attached to it */
  GSource      *marker;   /* the turn marker, attached to the same context */
  Turn          turn;     /* owner thread only: prepare, check and dispatch */
};

/* The turn marker: ready only in the iteration the dispatcher sits out. */
typedef struct
{
  GSource              source;
  AsyncSyncDispatcher *dispatcher;  /* unowned: it owns the marker */
} TurnMarker;

/* context -> dispatcher; entries are removed when the dispatcher is finalized */
G_LOCK_DEFINE_STATIC (registry);
static GHashTable *registry;

static gboolean
dispatcher_has_ready (AsyncSyncDispatcher *self)
{
  gboolean has_ready;

  g_mutex_lock (&self->mutex);
  has_ready = self->ready.head != NULL;
  g_mutex_unlock (&self->mutex);

  return has_ready;
}

/* Called once per iteration, in the iterating thread, unless a source of
 * higher priority is ready (then check() is not called either). */
static gboolean
dispatcher_prepare (GSource *source,
                    gint    *timeout)
{
  AsyncSyncDispatcher *self = (AsyncSyncDispatcher *) source;

  *timeout = -1;
  switch (self->turn)
    {
    case TURN_GIVING:
      self->turn = TURN_GIVEN;
      /* Poll without blocking: the next iteration is ours. */
      *timeout = 0;
      return FALSE;

    case TURN_GIVEN:
      self->turn = TURN_TAKING;
      break;

    case TURN_TAKING:
    default:
      break;
    }

  return dispatcher_has_ready (self);
}

static gboolean
dispatcher_check (GSource *source)
{
  AsyncSyncDispatcher *self = (AsyncSyncDispatcher *) source;

  return self->turn != TURN_GIVEN && dispatcher_has_ready (self);
}

/* Pops the next item that may run in the iteration of time @now, or NULL. */
static AsyncSyncDispatchItem *
dispatcher_pop_runnable (AsyncSyncDispatcher *self,
                         gint64               now)
{
  AsyncSyncDispatchItem *item = NULL;
  GList *head;

  g_mutex_lock (&self->mutex);
  head = self->ready.head;
  if (head != NULL)
    {
      AsyncSyncDispatchItem *first = head->data;

      /* Strict FIFO: an item created in this very iteration blocks the
       * ones behind it until the next iteration. */
      if (first->not_before < now)
        {
          g_queue_unlink (&self->ready, head);
          item = first;
        }
    }
  g_mutex_unlock (&self->mutex);

  return item;
}

static gboolean
dispatcher_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  AsyncSyncDispatcher *self = (AsyncSyncDispatcher *) source;
  gint64 now = g_source_get_time (source);
  gint64 deadline = g_get_monotonic_time () + DISPATCH_MAX_USEC;
  gboolean budget_spent = TRUE;
  guint n;

  for (n = 1; n <= DISPATCH_MAX_ITEMS; n++)
    {
      AsyncSyncDispatchItem *item = dispatcher_pop_runnable (self, now);

      if (item == NULL)
        {
          budget_spent = FALSE;
          break;
        }

      item->run (item);

      if (n % DISPATCH_CLOCK_EVERY == 0 && g_get_monotonic_time () >= deadline)
        break;
    }

  /* More to do, but the others come first for one iteration. */
  if (budget_spent && dispatcher_has_ready (self))
    self->turn = TURN_GIVING;

  return G_SOURCE_CONTINUE;
}

static void
dispatcher_finalize (GSource *source)
{
  AsyncSyncDispatcher *self = (AsyncSyncDispatcher *) source;

  G_LOCK (registry);
  if (registry != NULL && g_hash_table_lookup (registry, self->context) == self)
    g_hash_table_remove (registry, self->context);
  G_UNLOCK (registry);

  /* The context was destroyed (nothing else keeps this source alive):
   * only items that do not keep it alive can be left, and they go now. */
  while (self->ready.head != NULL)
    {
      AsyncSyncDispatchItem *item = self->ready.head->data;

      g_queue_unlink (&self->ready, &item->link);
      g_assert (item->discard != NULL);
      item->discard (item);
    }
  g_mutex_clear (&self->mutex);

  g_source_destroy (self->marker);
  g_clear_pointer (&self->marker, g_source_unref);
}

static GSourceFuncs dispatcher_funcs = {
  .prepare = dispatcher_prepare,
  .check = dispatcher_check,
  .dispatch = dispatcher_dispatch,
  .finalize = dispatcher_finalize,
};

static gboolean
turn_marker_prepare (GSource *source,
                     gint    *timeout)
{
  *timeout = -1;
  return ((TurnMarker *) source)->dispatcher->turn == TURN_GIVEN;
}

static gboolean
turn_marker_check (GSource *source)
{
  return ((TurnMarker *) source)->dispatcher->turn == TURN_GIVEN;
}

/* Nothing to do: running is its whole point. */
static gboolean
turn_marker_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs turn_marker_funcs = {
  .prepare = turn_marker_prepare,
  .check = turn_marker_check,
  .dispatch = turn_marker_dispatch,
};

static GSource *
turn_marker_new (AsyncSyncDispatcher *dispatcher)
{
  GSource *source = g_source_new (&turn_marker_funcs, sizeof (TurnMarker));

  ((TurnMarker *) source)->dispatcher = dispatcher;
  g_source_set_static_name (source, "[asyncsync] completion dispatcher turn marker");
  /* After every other source: it only runs when nobody else wanted the
   * iteration that the dispatcher gave away. */
  g_source_set_priority (source, G_MAXINT);

  return source;
}

static AsyncSyncDispatcher *
dispatcher_new (GMainContext *context)
{
  GSource *source = g_source_new (&dispatcher_funcs, sizeof (AsyncSyncDispatcher));
  AsyncSyncDispatcher *self = (AsyncSyncDispatcher *) source;

  g_mutex_init (&self->mutex);
  g_queue_init (&self->ready);
  self->context = context;

  g_source_set_static_name (source, "[asyncsync] completion dispatcher");
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  /* A callback may run a nested main loop that waits for another
   * completion: the dispatcher must keep serving it. */
  g_source_set_can_recurse (source, TRUE);
  g_source_attach (source, context);

  self->marker = turn_marker_new (self);
  g_source_attach (self->marker, context);

  return self;
}

/*
 * async_sync_dispatcher_get_for_context:
 * @context: (nullable): a context, %NULL for the global default one
 *
 * Returns: (transfer full): the dispatcher of @context, created on first use.
 */
AsyncSyncDispatcher *
async_sync_dispatcher_get_for_context (GMainContext *context)
{
  AsyncSyncDispatcher *self;

  if (context == NULL)
    context = g_main_context_default ();

  G_LOCK (registry);
  if (G_UNLIKELY (registry == NULL))
    registry = g_hash_table_new (NULL, NULL);

  self = g_hash_table_lookup (registry, context);
  if (self == NULL || g_source_is_destroyed ((GSource *) self))
    {
      self = dispatcher_new (context);
      g_hash_table_insert (registry, context, self);
    }
  else
    {
      g_source_ref ((GSource *) self);
    }
  G_UNLOCK (registry);

  return self;
}

AsyncSyncDispatcher *
async_sync_dispatcher_ref (AsyncSyncDispatcher *self)
{
  g_source_ref ((GSource *) self);
  return self;
}

void
async_sync_dispatcher_unref (AsyncSyncDispatcher *self)
{
  g_source_unref ((GSource *) self);
}

/*
 * async_sync_dispatcher_push:
 *
 * Appends @item to the ready queue; it runs from a later dispatch on the
 * dispatcher's context, never from inside this call.  Callers may hold
 * their object's mutex: nothing under the dispatcher's mutex takes one.
 */
void
async_sync_dispatcher_push (AsyncSyncDispatcher   *self,
                            AsyncSyncDispatchItem *item)
{
  gboolean was_empty;

  g_mutex_lock (&self->mutex);
  was_empty = self->ready.head == NULL;
  g_queue_push_tail_link (&self->ready, &item->link);

  /* The owner of the context checks the queue in prepare() before it
   * polls; only another thread, possibly asleep in poll(), needs waking.
   * Done before unlocking: from then on the owner may run the item, drop
   * the last reference to its context, and so free the context and this
   * dispatcher while we still use them.  While the item is queued, its
   * task (or object) keeps the context alive. */
  if (was_empty && !g_main_context_is_owner (self->context))
    g_main_context_wakeup (self->context);
  g_mutex_unlock (&self->mutex);
}

/*
 * async_sync_dispatcher_remove:
 * @item: an item whose node is never in any other list (not a waiter)
 *
 * Takes @item out of the ready queue if it is still there, so that it
 * never runs.  Returns %FALSE if it is not queued (it ran, or a dispatch
 * has taken it and is about to run it).
 */
gboolean
async_sync_dispatcher_remove (AsyncSyncDispatcher   *self,
                              AsyncSyncDispatchItem *item)
{
  gboolean queued;

  g_mutex_lock (&self->mutex);
  /* g_queue_unlink() clears the node's links: linked, or alone at the head. */
  queued = item->link.prev != NULL || self->ready.head == &item->link;
  if (queued)
    g_queue_unlink (&self->ready, &item->link);
  g_mutex_unlock (&self->mutex);

  return queued;
}

/* Something to release from a dispatch: see async_sync_dispatcher_release_later(). */
typedef struct
{
  AsyncSyncDispatchItem item;
  gpointer              data;
  GDestroyNotify        release;
} ReleaseItem;

static void
release_item_run (AsyncSyncDispatchItem *item)
{
  ReleaseItem *self = (ReleaseItem *) item;

  self->release (self->data);
  g_free (self);
}

/*
 * async_sync_dispatcher_release_later:
 * @data: what to release
 * @release: how
 *
 * Releases @data from a later dispatch on the thread-default main context
 * of the calling thread, never inside this call: for what the library
 * drops and whose finalizer is user code (the items of a queue shut down
 * at once).  The pending release does not keep the context alive: if the
 * context is destroyed first, @data is released then.
 */
void
async_sync_dispatcher_release_later (gpointer       data,
                                     GDestroyNotify release)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  AsyncSyncDispatcher *dispatcher = async_sync_dispatcher_get_for_context (context);
  ReleaseItem *self = g_new0 (ReleaseItem, 1);

  self->item.link.data = self;
  self->item.run = release_item_run;
  self->item.discard = release_item_run;
  self->data = data;
  self->release = release;
  async_sync_dispatcher_push (dispatcher, &self->item);

  async_sync_dispatcher_unref (dispatcher);
  g_main_context_unref (context);
}
