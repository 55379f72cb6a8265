/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recipe-rw-lock.c: a cache shared by many readers and one writer.
 *
 * Lookups take the read side of an RWLock and run together; a reload
 * takes the write side: it waits until the current lookups are done, and
 * the lookups that ask after it wait behind it (write-preferring, as
 * tokio's RwLock), so they see the reloaded data.  Each holder keeps the
 * lock for a few main-loop turns, as if it waited for I/O.  Three lookups
 * start, then a reload, then two more lookups.  Exits 0 if the first three
 * ran together and saw version 1, the reload ran alone, and the last two
 * saw version 2.
 */
#include <asyncsync-glib/asyncsync-glib.h>

typedef struct
{
  AsyncSyncRWLock *lock;
  guint            version;       /* the cached data, guarded by the lock */
  guint            n_reading;
  guint            max_reading;
  gboolean         writing;
  gboolean         overlap;       /* a reader beside the writer: a bug */
  guint            n_done;
  GString         *seen;          /* "lookup:version" in completion order */
} Cache;

typedef struct
{
  Cache      *cache;
  const char *name;
  guint       turns;              /* main-loop turns it holds the lock */
} Request;

static gboolean
lookup_done (gpointer user_data)
{
  Request *request = user_data;
  Cache *cache = request->cache;

  if (--request->turns > 0)
    return G_SOURCE_CONTINUE;

  g_string_append_printf (cache->seen, "%s:%u ", request->name, cache->version);
  cache->n_reading--;
  async_sync_rw_lock_read_release (cache->lock, NULL);
  cache->n_done++;
  g_free (request);

  return G_SOURCE_REMOVE;
}

static void
lookup_locked (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Request *request = user_data;
  Cache *cache = request->cache;
  g_autoptr(GError) error = NULL;

  if (!async_sync_rw_lock_read_acquire_finish (cache->lock, result, &error))
    g_error ("%s: %s", request->name, error->message);  /* no cancellable here */

  cache->n_reading++;
  cache->max_reading = MAX (cache->max_reading, cache->n_reading);
  cache->overlap |= cache->writing;
  g_print ("%s: reads version %u (%u reading)\n", request->name, cache->version,
           async_sync_rw_lock_get_n_readers (cache->lock));
  g_idle_add (lookup_done, request);
}

static void
lookup (Cache      *cache,
        const char *name)
{
  Request *request = g_new0 (Request, 1);

  *request = (Request) { cache, name, 2 };
  async_sync_rw_lock_read_acquire_async (cache->lock, NULL, lookup_locked, request);
}

static gboolean
reload_done (gpointer user_data)
{
  Request *request = user_data;
  Cache *cache = request->cache;

  if (--request->turns > 0)
    return G_SOURCE_CONTINUE;

  cache->version++;               /* the new data is in place */
  cache->writing = FALSE;
  g_print ("%s: version %u is in\n", request->name, cache->version);
  async_sync_rw_lock_write_release (cache->lock, NULL);   /* the readers behind it go on */
  cache->n_done++;
  g_free (request);

  return G_SOURCE_REMOVE;
}

static void
reload_locked (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Request *request = user_data;
  Cache *cache = request->cache;
  g_autoptr(GError) error = NULL;

  if (!async_sync_rw_lock_write_acquire_finish (cache->lock, result, &error))
    g_error ("%s: %s", request->name, error->message);

  cache->writing = TRUE;
  cache->overlap |= cache->n_reading > 0;
  g_print ("%s: writes alone (write-locked: %s)\n", request->name,
           async_sync_rw_lock_is_write_locked (cache->lock) ? "yes" : "no");
  g_idle_add (reload_done, request);
}

static void
reload (Cache *cache)
{
  Request *request = g_new0 (Request, 1);

  *request = (Request) { cache, "reload", 3 };
  async_sync_rw_lock_write_acquire_async (cache->lock, NULL, reload_locked, request);
}

int
main (void)
{
  Cache cache = { async_sync_rw_lock_new (), 1, 0, 0, FALSE, FALSE, 0, g_string_new (NULL) };
  gboolean ok;

  lookup (&cache, "a");
  lookup (&cache, "b");
  lookup (&cache, "c");
  reload (&cache);
  lookup (&cache, "d");           /* asks after the reload: waits behind it */
  lookup (&cache, "e");
  g_print ("%u reading, %u waiting\n", async_sync_rw_lock_get_n_readers (cache.lock),
           async_sync_rw_lock_get_n_waiting (cache.lock));

  while (cache.n_done < 6)
    g_main_context_iteration (NULL, TRUE);

  g_print ("seen: %s\n", cache.seen->str);
  ok = g_str_equal (cache.seen->str, "a:1 b:1 c:1 d:2 e:2 ") &&
       cache.max_reading == 3 && !cache.overlap &&
       async_sync_rw_lock_get_n_readers (cache.lock) == 0 &&
       !async_sync_rw_lock_is_write_locked (cache.lock);

  g_string_free (cache.seen, TRUE);
  g_object_unref (cache.lock);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
