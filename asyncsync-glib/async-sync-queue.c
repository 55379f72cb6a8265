/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "async-sync-queue.h"

#include "async-sync-blocking-private.h"
#include "async-sync-error.h"
#include "async-sync-notify-private.h"
#include "async-sync-waiter-queue-private.h"

/**
 * SECTION:async-sync-queue
 * @Title: AsyncSyncQueue
 * @Short_description: A FIFO queue of GObjects for producers and consumers
 *
 * #AsyncSyncQueue is asyncio's `Queue` for #GObject items of one type
 * (#AsyncSyncQueue:item-type, as #GListStore has): producers put items,
 * waiting while the queue is full; consumers get them, waiting while it is
 * empty.  A queue with a #AsyncSyncQueue:maxsize of 0 is unbounded.
 *
 * Waiting producers and consumers are each served first-in, first-out.
 * An item put while a consumer waits goes straight to that consumer.
 * Cancellation (or an #AsyncSyncTimeout) follows the rules of the whole
 * library, with these consequences: a cancelled get never loses an item
 * (it only gets one when it is granted, and then it succeeds), and a
 * cancelled put never inserts its item.
 *
 * The calls async_sync_queue_task_done() and async_sync_queue_join_async()
 * count unfinished work as asyncio does: each put adds one, each task_done
 * removes one, and a join completes when the count reaches zero.
 *
 * A shutdown, async_sync_queue_shutdown(), has Python 3.13's semantics:
 * later puts fail with %ASYNC_SYNC_ERROR_SHUT_DOWN; gets return the
 * remaining items, then fail likewise.  An immediate shutdown also drops the remaining items and
 * fails every waiting consumer.
 *
 * |[<!-- language="C" -->
 * static void consume_next (Consumer *consumer);
 *
 * static void
 * got_item (GObject *queue, GAsyncResult *result, gpointer user_data)
 * {
 *   Consumer *consumer = user_data;
 *   g_autoptr(GError) error = NULL;
 *   g_autoptr(GFile) file = async_sync_queue_get_finish (ASYNC_SYNC_QUEUE (queue),
 *                                                        result, &error);
 *
 *   if (file == NULL)
 *     return;  // shut down, or cancelled: nothing was taken
 *   process (consumer, file);
 *   async_sync_queue_task_done (ASYNC_SYNC_QUEUE (queue), NULL);
 *   consume_next (consumer);
 * }
 *
 * static void
 * consume_next (Consumer *consumer)
 * {
 *   async_sync_queue_get_async (consumer->queue, consumer->cancellable,
 *                               got_item, consumer);
 * }
 *
 *   queue = async_sync_queue_new (G_TYPE_FILE, 16);  // at most 16 pending files
 * ]|
 *
 * A complete program with join and shutdown: see
 * the <link linkend="recipe-queue">work queue recipe</link>; asyncio's
 * calls side by side: the <link linkend="porting-queue">porting table</link>.
 *
 * In Python, through the override: `q = AsyncSync.Queue(maxsize=16)`
 * holds any Python value, `await q.put(item)`, `item = await q.get()`,
 * `q.put_nowait(item)`, `q.get_nowait()`, `q.task_done()`, `await q.join()` and
 * `q.shutdown()`, as in asyncio; `AsyncSync.Queue.new(Gio.File, 16)` keeps
 * GObjects of one type.  In GJS:
 * `AsyncSync.Queue.new(Gio.File.$gtype, 16)`, and
 * `await q.get_async(null)` once promisified.
 * Every call in C, Python and JavaScript: [the names page][api-names].
 */

/**
 * AsyncSyncQueue:
 *
 * An asyncio-style queue of #GObject items.  The structure is opaque:
 * use the functions below; any thread may call them.
 *
 * Since: 1.0
 */
struct _AsyncSyncQueue
{
  GObject              parent_instance;

  GMutex               mutex;
  GType                item_type;
  guint                maxsize;     /* 0: unbounded */
  GQueue               items;       /* owned GObjects */
  guint                unfinished;  /* puts not yet matched by task_done */
  gboolean             shut_down;
  AsyncSyncWaiterQueue putters;     /* each carries its item in waiter->object */
  AsyncSyncWaiterQueue getters;     /* invariant: waiting => no items */
  AsyncSyncWaiterQueue joiners;
  AsyncSyncNotifier    notifier;
};

G_DEFINE_FINAL_TYPE (AsyncSyncQueue, async_sync_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_MAXSIZE,
  PROP_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NOTIFY_LENGTH,
  N_NOTIFY
};

static GParamSpec *notify_pspecs[N_NOTIFY];

static guint
queue_read_notified (GObject *object,
                     guint    index)
{
  return ASYNC_SYNC_QUEUE (object)->items.length;
}

static gboolean
queue_has_room (AsyncSyncQueue *self)
{
  return self->maxsize == 0 || self->items.length < self->maxsize;
}

static gboolean
queue_accepts_type (AsyncSyncQueue *self,
                    gpointer        item,
                    GError        **error)
{
  if (g_type_is_a (G_OBJECT_TYPE (item), self->item_type))
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "Queue holds items of type %s, not %s",
               g_type_name (self->item_type), G_OBJECT_TYPE_NAME (item));
  return FALSE;
}

/* Adds @item (owned): to the first waiting consumer, else to the items. */
static void
queue_insert_locked (AsyncSyncQueue *self,
                     GObject        *item)
{
  AsyncSyncWaiter *getter = async_sync_waiter_queue_pop (&self->getters);

  self->unfinished++;
  if (getter != NULL)
    {
      async_sync_waiter_complete_object (getter, item);
    }
  else
    {
      g_queue_push_tail (&self->items, item);
      async_sync_notifier_changed (&self->notifier);
    }
}

/* Takes the first item (owned), then lets the first waiting producer in. */
static GObject *
queue_take_locked (AsyncSyncQueue *self)
{
  GObject *item = g_queue_pop_head (&self->items);
  AsyncSyncWaiter *putter;

  async_sync_notifier_changed (&self->notifier);
  if (queue_has_room (self) && (putter = async_sync_waiter_queue_pop (&self->putters)) != NULL)
    {
      queue_insert_locked (self, async_sync_waiter_steal_item (putter));
      async_sync_waiter_complete (putter);
    }

  return item;
}

static void
queue_fail_all (AsyncSyncWaiterQueue *queue)
{
  async_sync_waiter_queue_fail_all (queue, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN,
                                    "Queue is shut down");
}

static void
async_sync_queue_finalize (GObject *object)
{
  AsyncSyncQueue *self = ASYNC_SYNC_QUEUE (object);

  g_assert (async_sync_waiter_queue_length (&self->putters) == 0);
  g_assert (async_sync_waiter_queue_length (&self->getters) == 0);
  g_assert (async_sync_waiter_queue_length (&self->joiners) == 0);

  g_queue_clear_full (&self->items, g_object_unref);
  async_sync_notifier_clear (&self->notifier);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (async_sync_queue_parent_class)->finalize (object);
}

static void
async_sync_queue_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AsyncSyncQueue *self = ASYNC_SYNC_QUEUE (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, self->item_type);
      break;

    case PROP_MAXSIZE:
      g_value_set_uint (value, self->maxsize);
      break;

    case PROP_LENGTH:
      g_value_set_uint (value, async_sync_queue_get_length (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_queue_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AsyncSyncQueue *self = ASYNC_SYNC_QUEUE (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      self->item_type = g_value_get_gtype (value);
      break;

    case PROP_MAXSIZE:
      self->maxsize = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
async_sync_queue_class_init (AsyncSyncQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = async_sync_queue_finalize;
  object_class->get_property = async_sync_queue_get_property;
  object_class->set_property = async_sync_queue_set_property;

  /**
   * AsyncSyncQueue:item-type:
   *
   * The type of the items: every item put must be an instance of it.
   *
   * From JavaScript, read it with async_sync_queue_get_item_type(): GJS
   * 1.90 and later give a #GType property as a bare number, where earlier
   * versions and the getter give a GType object.
   *
   * Since: 1.0
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL,
                        G_TYPE_OBJECT,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS));

  /**
   * AsyncSyncQueue:maxsize:
   *
   * How many items the queue holds before puts wait; 0 for no limit.
   *
   * Since: 1.0
   */
  properties[PROP_MAXSIZE] =
    g_param_spec_uint ("maxsize", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS));

  /**
   * AsyncSyncQueue:length:
   *
   * How many items the queue holds.
   *
   * Change notifications are emitted on the queue's home context (the
   * thread-default main context of the thread that created it), from a
   * main-loop iteration after the change, coalesced.
   *
   * Since: 1.0
   */
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  notify_pspecs[NOTIFY_LENGTH] = properties[PROP_LENGTH];
}

static void
async_sync_queue_init (AsyncSyncQueue *self)
{
  g_mutex_init (&self->mutex);
  self->item_type = G_TYPE_OBJECT;
  g_queue_init (&self->items);
  async_sync_waiter_queue_init (&self->putters, NULL, NULL, NULL);
  async_sync_waiter_queue_init (&self->getters, NULL, NULL, NULL);
  async_sync_waiter_queue_init (&self->joiners, NULL, NULL, NULL);
  async_sync_notifier_init (&self->notifier, G_OBJECT (self), &self->mutex,
                            notify_pspecs, N_NOTIFY, queue_read_notified);
}

/**
 * async_sync_queue_new:
 * @item_type: the #GType of the items, a #GObject type
 * @maxsize: how many items the queue holds before puts wait; 0 for no
 *   limit
 *
 * Creates an empty queue.
 *
 * Returns: (transfer full): a new #AsyncSyncQueue
 *
 * Since: 1.0
 */
AsyncSyncQueue *
async_sync_queue_new (GType item_type,
                      guint maxsize)
{
  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);

  return g_object_new (ASYNC_SYNC_TYPE_QUEUE,
                       "item-type", item_type,
                       "maxsize", maxsize,
                       NULL);
}

/* A put of the right type goes in at once if no producer waits ahead of
 * it and there is room; else it waits for room. */
static void
queue_put_arrive_locked (gpointer         owner,
                         AsyncSyncWaiter *putter)
{
  AsyncSyncQueue *self = owner;

  GError *error = NULL;

  if (!queue_accepts_type (self, async_sync_waiter_get_item (putter), &error))
    async_sync_waiter_fail (putter, error);
  else if (self->shut_down)
    async_sync_waiter_fail_literal (putter, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN,
                                    "Queue is shut down");
  else if (async_sync_waiter_queue_peek (&self->putters) == NULL && queue_has_room (self))
    {
      queue_insert_locked (self, async_sync_waiter_steal_item (putter));
      async_sync_waiter_complete (putter);
    }
  else
    async_sync_waiter_queue_push (&self->putters, putter);
}
/**
 * async_sync_queue_put_async:
 * @self: an #AsyncSyncQueue
 * @item: (type GObject): the item, an instance of #AsyncSyncQueue:item-type
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when the item
 *   is in the queue or the put failed
 * @user_data: the data to pass to @callback
 *
 * Puts @item at the end of the queue, waiting while the queue is full and
 * behind every earlier waiting put.  The queue takes a reference on @item.
 * @callback runs on the thread-default main context of the calling thread,
 * from a later iteration, never from inside this call.
 *
 * A put that is cancelled (or times out) while it waits never inserts its
 * item.  A put to a queue that is shut down fails with
 * %ASYNC_SYNC_ERROR_SHUT_DOWN; an item of the wrong type with
 * %G_IO_ERROR_INVALID_ARGUMENT.
 *
 * Since: 1.0
 */
void
async_sync_queue_put_async (AsyncSyncQueue      *self,
                            gpointer             item,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  g_return_if_fail (ASYNC_SYNC_IS_QUEUE (self));
  g_return_if_fail (G_IS_OBJECT (item));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter = async_sync_waiter_new (self, &self->mutex, cancellable, callback, user_data,
                                  ASYNC_SYNC_SOURCE_TAG (async_sync_queue_put_async));
  async_sync_waiter_set_item (waiter, g_object_ref (item));
  async_sync_waiter_start (waiter, queue_put_arrive_locked, self);
}

/**
 * async_sync_queue_put_finish:
 * @self: an #AsyncSyncQueue
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_queue_put_async().
 *
 * Returns: %TRUE if the item is in the queue (or was handed to a
 *   consumer); %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_put_finish (AsyncSyncQueue  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_QUEUE, result,
                                           async_sync_queue_put_async, error);
}

/**
 * async_sync_queue_put:
 * @self: an #AsyncSyncQueue
 * @item: (type GObject): the item, an instance of #AsyncSyncQueue:item-type
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_queue_put_async(), for worker
 * threads.  Calling it on the thread that runs the main context of the
 * consumers deadlocks when the queue is full.
 *
 * Returns: %TRUE if the item is in the queue; %FALSE with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_put (AsyncSyncQueue  *self,
                      gpointer         item,
                      GCancellable    *cancellable,
                      GError         **error)
{
  AsyncSyncBlockingCall call;
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_OBJECT (item), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  async_sync_blocking_call_begin (&call);
  async_sync_queue_put_async (self, item, cancellable, async_sync_blocking_call_callback, &call);
  result = async_sync_blocking_call_end (&call);

  return async_sync_queue_put_finish (self, result, error);
}

/**
 * async_sync_queue_try_put:
 * @self: an #AsyncSyncQueue
 * @item: (type GObject): the item, an instance of #AsyncSyncQueue:item-type
 * @error: return location for a #GError, or %NULL
 *
 * Puts @item if that is possible at once, as asyncio's `Queue.put_nowait()`:
 * there is room and no put is waiting.
 *
 * Returns: %TRUE if the item is in the queue; %FALSE with
 *   %G_IO_ERROR_WOULD_BLOCK if the queue is full (asyncio's `QueueFull`),
 *   %ASYNC_SYNC_ERROR_SHUT_DOWN or %G_IO_ERROR_INVALID_ARGUMENT otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_try_put (AsyncSyncQueue  *self,
                          gpointer         item,
                          GError         **error)
{
  gboolean put = FALSE;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_OBJECT (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  if (!queue_accepts_type (self, item, error))
    ;
  else if (self->shut_down)
    g_set_error_literal (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN,
                         "Queue is shut down");
  else if (async_sync_waiter_queue_peek (&self->putters) != NULL || !queue_has_room (self))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Queue is full");
  else
    {
      queue_insert_locked (self, g_object_ref (item));
      put = TRUE;
    }
  g_mutex_unlock (&self->mutex);

  return put;
}

/* A get takes the first item if there is one; else it waits for one,
 * unless the queue is shut down. */
static void
queue_get_arrive_locked (gpointer         owner,
                         AsyncSyncWaiter *getter)
{
  AsyncSyncQueue *self = owner;

  if (self->items.length > 0)
    async_sync_waiter_complete_object (getter, queue_take_locked (self));
  else if (self->shut_down)
    async_sync_waiter_fail_literal (getter, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN,
                                    "Queue is shut down");
  else
    async_sync_waiter_queue_push (&self->getters, getter);
}
/**
 * async_sync_queue_get_async:
 * @self: an #AsyncSyncQueue
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when an item
 *   was taken or the get failed
 * @user_data: the data to pass to @callback
 *
 * Takes the first item, waiting while the queue is empty and behind every
 * earlier waiting get.  @callback runs on the thread-default main context
 * of the calling thread, from a later iteration, never from inside this
 * call.
 *
 * A get that is cancelled (or times out) while it waits takes no item.  A
 * get from a queue that is shut down and empty fails with
 * %ASYNC_SYNC_ERROR_SHUT_DOWN.
 *
 * Since: 1.0
 */
void
async_sync_queue_get_async (AsyncSyncQueue      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  g_return_if_fail (ASYNC_SYNC_IS_QUEUE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter = async_sync_waiter_new (self, &self->mutex, cancellable, callback, user_data,
                                  ASYNC_SYNC_SOURCE_TAG (async_sync_queue_get_async));
  async_sync_waiter_start (waiter, queue_get_arrive_locked, self);
}

/**
 * async_sync_queue_get_finish:
 * @self: an #AsyncSyncQueue
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_queue_get_async().
 *
 * Returns: (transfer full) (type GObject) (nullable): the item, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
gpointer
async_sync_queue_get_finish (AsyncSyncQueue  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  return async_sync_waiter_finish_object (self, ASYNC_SYNC_TYPE_QUEUE, result,
                                          async_sync_queue_get_async, error);
}

/**
 * async_sync_queue_get:
 * @self: an #AsyncSyncQueue
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_queue_get_async(), for worker
 * threads.  Calling it on the thread that runs the main context of the
 * producers deadlocks when the queue is empty.
 *
 * Returns: (transfer full) (type GObject) (nullable): the item, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
gpointer
async_sync_queue_get (AsyncSyncQueue  *self,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_queue_get_async),
                                    self, cancellable);

  return async_sync_queue_get_finish (self, result, error);
}

/**
 * async_sync_queue_try_get:
 * @self: an #AsyncSyncQueue
 * @error: return location for a #GError, or %NULL
 *
 * Takes the first item if there is one, as asyncio's `Queue.get_nowait()`.
 *
 * Returns: (transfer full) (type GObject) (nullable): the item; %NULL with
 *   %G_IO_ERROR_WOULD_BLOCK if the queue is empty (asyncio's
 *   `QueueEmpty`), or %ASYNC_SYNC_ERROR_SHUT_DOWN if it is also shut down
 *
 * Since: 1.0
 */
gpointer
async_sync_queue_try_get (AsyncSyncQueue  *self,
                          GError         **error)
{
  GObject *item = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&self->mutex);
  if (self->items.length > 0)
    item = queue_take_locked (self);
  else if (self->shut_down)
    g_set_error_literal (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_SHUT_DOWN,
                         "Queue is shut down");
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Queue is empty");
  g_mutex_unlock (&self->mutex);

  return item;
}

/**
 * async_sync_queue_task_done:
 * @self: an #AsyncSyncQueue
 * @error: return location for a #GError, or %NULL
 *
 * Tells the queue that the work for one item taken from it is done.  When
 * every item put has been matched by a call, joins complete.
 *
 * Returns: %TRUE on success; %FALSE with %ASYNC_SYNC_ERROR_VALUE if called
 *   more times than items were put (asyncio's `ValueError`)
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_task_done (AsyncSyncQueue  *self,
                            GError         **error)
{
  gboolean done;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  done = self->unfinished > 0;
  if (done && --self->unfinished == 0)
    async_sync_waiter_queue_complete_all (&self->joiners);
  g_mutex_unlock (&self->mutex);

  if (!done)
    g_set_error_literal (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE,
                         "task_done() called too many times");

  return done;
}

/* A join returns at once when every item put was marked done. */
static void
queue_join_arrive_locked (gpointer         owner,
                          AsyncSyncWaiter *joiner)
{
  AsyncSyncQueue *self = owner;

  if (self->unfinished == 0)
    async_sync_waiter_complete (joiner);
  else
    async_sync_waiter_queue_push (&self->joiners, joiner);
}
/**
 * async_sync_queue_join_async:
 * @self: an #AsyncSyncQueue
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): a #GAsyncReadyCallback to call when all work
 *   is done or the join failed
 * @user_data: the data to pass to @callback
 *
 * Waits until every item put has been matched by
 * async_sync_queue_task_done().  Completes on the next iteration if that
 * is already the case.  @callback runs on the thread-default main context
 * of the calling thread, from a later iteration, never from inside this
 * call.
 *
 * Since: 1.0
 */
void
async_sync_queue_join_async (AsyncSyncQueue      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  AsyncSyncWaiter *waiter;

  g_return_if_fail (ASYNC_SYNC_IS_QUEUE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter = async_sync_waiter_new (self, &self->mutex, cancellable, callback, user_data,
                                  ASYNC_SYNC_SOURCE_TAG (async_sync_queue_join_async));
  async_sync_waiter_start (waiter, queue_join_arrive_locked, self);
}

/**
 * async_sync_queue_join_finish:
 * @self: an #AsyncSyncQueue
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes async_sync_queue_join_async().
 *
 * Returns: %TRUE once all work was done; %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_join_finish (AsyncSyncQueue  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return async_sync_waiter_finish_boolean (self, ASYNC_SYNC_TYPE_QUEUE, result,
                                           async_sync_queue_join_async, error);
}

/**
 * async_sync_queue_join:
 * @self: an #AsyncSyncQueue
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The blocking variant of async_sync_queue_join_async(), for worker
 * threads.  Calling it on the thread that runs the main context of the
 * consumers deadlocks.
 *
 * Returns: %TRUE once all work was done; %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_join (AsyncSyncQueue  *self,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = async_sync_blocking_run (ASYNC_SYNC_START_FUNC (async_sync_queue_join_async),
                                    self, cancellable);

  return async_sync_queue_join_finish (self, result, error);
}

/**
 * async_sync_queue_shutdown:
 * @self: an #AsyncSyncQueue
 * @immediate: whether to drop the remaining items too
 *
 * Shuts the queue down, as Python 3.13's `Queue.shutdown()`: waiting and
 * later puts fail with %ASYNC_SYNC_ERROR_SHUT_DOWN; gets take the
 * remaining items, then fail likewise.  If @immediate, the remaining items
 * are dropped at once (each counting as done for joins) and waiting gets
 * fail.
 *
 * The queue lets go of dropped items from a later iteration of the
 * thread-default main context of the calling thread, as it runs
 * callbacks, never inside this call: an item's finalizer (a
 * #GObjectClass.dispose or finalize, a weak reference's notify) is user
 * code.  If that context is destroyed first, they are let go then.
 *
 * Since: 1.0
 */
static void
queue_release_items (gpointer data)
{
  g_queue_free_full (data, g_object_unref);
}

void
async_sync_queue_shutdown (AsyncSyncQueue *self,
                           gboolean        immediate)
{
  GQueue dropped = G_QUEUE_INIT;

  g_return_if_fail (ASYNC_SYNC_IS_QUEUE (self));

  g_mutex_lock (&self->mutex);
  self->shut_down = TRUE;
  if (immediate && self->items.length > 0)
    {
      dropped = self->items;
      g_queue_init (&self->items);
      self->unfinished -= MIN (self->unfinished, dropped.length);
      if (self->unfinished == 0)
        async_sync_waiter_queue_complete_all (&self->joiners);
      async_sync_notifier_changed (&self->notifier);
    }
  queue_fail_all (&self->putters);
  if (self->items.length == 0)
    queue_fail_all (&self->getters);
  g_mutex_unlock (&self->mutex);

  /* Finalizing an item may run any code: not inside this call. */
  if (dropped.length > 0)
    {
      GQueue *items = g_queue_new ();

      *items = dropped;
      async_sync_dispatcher_release_later (items, queue_release_items);
    }
}

/**
 * async_sync_queue_get_item_type:
 * @self: an #AsyncSyncQueue
 *
 * Gets the type of the items.
 *
 * Returns: the item #GType
 *
 * Since: 1.0
 */
GType
async_sync_queue_get_item_type (AsyncSyncQueue *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), G_TYPE_INVALID);

  return self->item_type;
}

/**
 * async_sync_queue_get_maxsize:
 * @self: an #AsyncSyncQueue
 *
 * Gets the most items the queue holds before puts wait.
 *
 * Returns: the maximum size, 0 for no limit
 *
 * Since: 1.0
 */
guint
async_sync_queue_get_maxsize (AsyncSyncQueue *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), 0);

  return self->maxsize;
}

/**
 * async_sync_queue_get_length:
 * @self: an #AsyncSyncQueue
 *
 * Counts the items in the queue (asyncio's `qsize()`).
 *
 * Returns: the number of items
 *
 * Since: 1.0
 */
guint
async_sync_queue_get_length (AsyncSyncQueue *self)
{
  guint length;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), 0);

  g_mutex_lock (&self->mutex);
  length = self->items.length;
  g_mutex_unlock (&self->mutex);

  return length;
}

/**
 * async_sync_queue_is_empty:
 * @self: an #AsyncSyncQueue
 *
 * Whether the queue holds no item.
 *
 * Returns: %TRUE if the queue is empty
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_is_empty (AsyncSyncQueue *self)
{
  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), FALSE);

  return async_sync_queue_get_length (self) == 0;
}

/**
 * async_sync_queue_is_full:
 * @self: an #AsyncSyncQueue
 *
 * Whether the queue holds #AsyncSyncQueue:maxsize items (never for an
 * unbounded queue).
 *
 * Returns: %TRUE if the queue is full
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_is_full (AsyncSyncQueue *self)
{
  gboolean full;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), FALSE);

  g_mutex_lock (&self->mutex);
  full = !queue_has_room (self);
  g_mutex_unlock (&self->mutex);

  return full;
}

/**
 * async_sync_queue_is_shut_down:
 * @self: an #AsyncSyncQueue
 *
 * Whether async_sync_queue_shutdown() was called.
 *
 * Returns: %TRUE if the queue is shut down
 *
 * Since: 1.0
 */
gboolean
async_sync_queue_is_shut_down (AsyncSyncQueue *self)
{
  gboolean shut_down;

  g_return_val_if_fail (ASYNC_SYNC_IS_QUEUE (self), FALSE);

  g_mutex_lock (&self->mutex);
  shut_down = self->shut_down;
  g_mutex_unlock (&self->mutex);

  return shut_down;
}
