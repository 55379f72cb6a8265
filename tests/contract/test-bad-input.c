/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bad input from every side: NULL and wrong-type objects (a critical, no
 * crash, no state change, no callback), invalid arguments, over-release,
 * G_MAXUINT values, release from another thread, waiting on a Condition
 * whose lock another thread holds, objects dropped while waiters are
 * queued, and main contexts that are never run again.
 */

#include <string.h>

#include "async-sync-test-harness.h"

/* ---- helpers ---- */

static gboolean
never_predicate (gpointer user_data)
{
  g_error ("a predicate ran for a call that was refused");
  return FALSE;
}

/* Records a completion: the result, for a _finish called later. */
static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GMainContext  *ctx,
             GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (ctx, TRUE);
  return g_steal_pointer (slot);
}

/* The state of every object, to prove that a refused call changed nothing. */
typedef struct
{
  AsyncSyncLock             *lock;
  AsyncSyncEvent            *event;
  AsyncSyncCondition        *cond;
  AsyncSyncSemaphore        *sem;
  AsyncSyncBoundedSemaphore *bsem;
} Objects;

typedef struct
{
  gboolean locked, event_set, cond_locked;
  guint    lock_waiting, event_waiting, cond_waiting, sem_value, sem_waiting, bsem_value;
} State;

static void
objects_init (Objects *o)
{
  o->lock = async_sync_lock_new ();
  o->event = async_sync_event_new ();
  o->cond = async_sync_condition_new (NULL);
  o->sem = async_sync_semaphore_new (2);
  o->bsem = async_sync_bounded_semaphore_new (2);
  /* Some state worth preserving. */
  g_assert_true (async_sync_lock_try_acquire (o->lock));
  async_sync_event_set (o->event);
  g_assert_true (async_sync_semaphore_try_acquire (o->sem));
}

static void
objects_state (Objects *o,
               State   *s)
{
  s->locked = async_sync_lock_is_locked (o->lock);
  s->lock_waiting = async_sync_lock_get_n_waiting (o->lock);
  s->event_set = async_sync_event_is_set (o->event);
  s->event_waiting = async_sync_event_get_n_waiting (o->event);
  s->cond_locked = async_sync_condition_is_locked (o->cond);
  s->cond_waiting = async_sync_condition_get_n_waiting (o->cond);
  s->sem_value = async_sync_semaphore_get_value (o->sem);
  s->sem_waiting = async_sync_semaphore_get_n_waiting (o->sem);
  s->bsem_value = async_sync_semaphore_get_value (ASYNC_SYNC_SEMAPHORE (o->bsem));
}

static void
objects_clear (Objects *o)
{
  g_clear_object (&o->lock);
  g_clear_object (&o->event);
  g_clear_object (&o->cond);
  g_clear_object (&o->sem);
  g_clear_object (&o->bsem);
}

/* ---- NULL and wrong-type objects ---- */

/* One public function called with a bad @self: NULL, or an object of
 * another class.  The return value must be the documented default. */
typedef void (*BadCall) (gpointer self, Objects *o);

#define BAD_CALL(name, body) \
  static void bad_##name (gpointer self, Objects *o) { GError *error = NULL; body; g_assert_no_error (error); }

static GAsyncResult *
any_result (void)
{
  /* Never inspected: the object check comes first. */
  static GTask *task;

  if (task == NULL)
    task = g_task_new (NULL, NULL, NULL, NULL);
  return G_ASYNC_RESULT (task);
}

BAD_CALL (lock_acquire_async, async_sync_lock_acquire_async (self, NULL, test_never_called_cb, NULL))
BAD_CALL (lock_acquire_finish, g_assert_false (async_sync_lock_acquire_finish (self, any_result (), &error)))
BAD_CALL (lock_acquire, g_assert_false (async_sync_lock_acquire (self, NULL, &error)))
BAD_CALL (lock_try_acquire, g_assert_false (async_sync_lock_try_acquire (self)))
BAD_CALL (lock_release, g_assert_false (async_sync_lock_release (self, &error)))
BAD_CALL (lock_is_locked, g_assert_false (async_sync_lock_is_locked (self)))
BAD_CALL (lock_get_n_waiting, g_assert_cmpuint (async_sync_lock_get_n_waiting (self), ==, 0))

BAD_CALL (event_wait_async, async_sync_event_wait_async (self, NULL, test_never_called_cb, NULL))
BAD_CALL (event_wait_finish, g_assert_false (async_sync_event_wait_finish (self, any_result (), &error)))
BAD_CALL (event_wait, g_assert_false (async_sync_event_wait (self, NULL, &error)))
BAD_CALL (event_set, async_sync_event_set (self))
BAD_CALL (event_clear, async_sync_event_clear (self))
BAD_CALL (event_is_set, g_assert_false (async_sync_event_is_set (self)))
BAD_CALL (event_get_n_waiting, g_assert_cmpuint (async_sync_event_get_n_waiting (self), ==, 0))

/* NULL is valid here (a private lock): only the wrong type is tested. */
BAD_CALL (condition_new, if (self != NULL) g_assert_null (async_sync_condition_new (self)))
BAD_CALL (condition_get_lock, g_assert_null (async_sync_condition_get_lock (self)))
BAD_CALL (condition_acquire_async, async_sync_condition_acquire_async (self, NULL, test_never_called_cb, NULL))
BAD_CALL (condition_acquire_finish, g_assert_false (async_sync_condition_acquire_finish (self, any_result (), &error)))
BAD_CALL (condition_acquire, g_assert_false (async_sync_condition_acquire (self, NULL, &error)))
BAD_CALL (condition_try_acquire, g_assert_false (async_sync_condition_try_acquire (self)))
BAD_CALL (condition_release, g_assert_false (async_sync_condition_release (self, &error)))
BAD_CALL (condition_is_locked, g_assert_false (async_sync_condition_is_locked (self)))
BAD_CALL (condition_wait_async, async_sync_condition_wait_async (self, NULL, test_never_called_cb, NULL))
BAD_CALL (condition_wait_finish, g_assert_false (async_sync_condition_wait_finish (self, any_result (), &error)))
BAD_CALL (condition_wait, g_assert_false (async_sync_condition_wait (self, NULL, &error)))
BAD_CALL (condition_wait_for_async,
          async_sync_condition_wait_for_async (self, never_predicate, NULL, NULL, NULL, test_never_called_cb, NULL))
BAD_CALL (condition_wait_for_finish, g_assert_false (async_sync_condition_wait_for_finish (self, any_result (), &error)))
BAD_CALL (condition_wait_for,
          g_assert_false (async_sync_condition_wait_for (self, never_predicate, NULL, NULL, NULL, &error)))
BAD_CALL (condition_notify, g_assert_false (async_sync_condition_notify (self, 1, &error)))
BAD_CALL (condition_notify_all, g_assert_false (async_sync_condition_notify_all (self, &error)))
BAD_CALL (condition_get_n_waiting, g_assert_cmpuint (async_sync_condition_get_n_waiting (self), ==, 0))

BAD_CALL (semaphore_acquire_async, async_sync_semaphore_acquire_async (self, NULL, test_never_called_cb, NULL))
BAD_CALL (semaphore_acquire_finish, g_assert_false (async_sync_semaphore_acquire_finish (self, any_result (), &error)))
BAD_CALL (semaphore_acquire, g_assert_false (async_sync_semaphore_acquire (self, NULL, &error)))
BAD_CALL (semaphore_try_acquire, g_assert_false (async_sync_semaphore_try_acquire (self)))
BAD_CALL (semaphore_release, g_assert_false (async_sync_semaphore_release (self, &error)))
BAD_CALL (semaphore_acquire_many_async, async_sync_semaphore_acquire_many_async (self, 2, NULL, test_never_called_cb, NULL))
BAD_CALL (semaphore_acquire_many_finish,
          g_assert_false (async_sync_semaphore_acquire_many_finish (self, any_result (), &error)))
BAD_CALL (semaphore_acquire_many, g_assert_false (async_sync_semaphore_acquire_many (self, 2, NULL, &error)))
BAD_CALL (semaphore_try_acquire_many, g_assert_false (async_sync_semaphore_try_acquire_many (self, 2)))
BAD_CALL (semaphore_release_many, g_assert_false (async_sync_semaphore_release_many (self, 2, &error)))
BAD_CALL (semaphore_get_value, g_assert_cmpuint (async_sync_semaphore_get_value (self), ==, 0))
BAD_CALL (semaphore_is_locked, g_assert_false (async_sync_semaphore_is_locked (self)))
BAD_CALL (semaphore_get_n_waiting, g_assert_cmpuint (async_sync_semaphore_get_n_waiting (self), ==, 0))

BAD_CALL (bounded_semaphore_get_bound, g_assert_cmpuint (async_sync_bounded_semaphore_get_bound (self), ==, 0))

typedef enum
{
  WRONG_LOCK,      /* pass the Lock where something else is expected */
  WRONG_EVENT,
  WRONG_SEMAPHORE, /* a plain Semaphore where a BoundedSemaphore is expected */
} Wrong;

static const struct
{
  const gchar *name;
  BadCall      call;
  Wrong        wrong;
} bad_calls[] = {
#define LOCK_CALL(n) { "async_sync_" #n, bad_##n, WRONG_EVENT }
#define OTHER_CALL(n) { "async_sync_" #n, bad_##n, WRONG_LOCK }
  LOCK_CALL (lock_acquire_async),
  LOCK_CALL (lock_acquire_finish),
  LOCK_CALL (lock_acquire),
  LOCK_CALL (lock_try_acquire),
  LOCK_CALL (lock_release),
  LOCK_CALL (lock_is_locked),
  LOCK_CALL (lock_get_n_waiting),
  OTHER_CALL (event_wait_async),
  OTHER_CALL (event_wait_finish),
  OTHER_CALL (event_wait),
  OTHER_CALL (event_set),
  OTHER_CALL (event_clear),
  OTHER_CALL (event_is_set),
  OTHER_CALL (event_get_n_waiting),
  { "async_sync_condition_new", bad_condition_new, WRONG_EVENT },
  OTHER_CALL (condition_get_lock),
  OTHER_CALL (condition_acquire_async),
  OTHER_CALL (condition_acquire_finish),
  OTHER_CALL (condition_acquire),
  OTHER_CALL (condition_try_acquire),
  OTHER_CALL (condition_release),
  OTHER_CALL (condition_is_locked),
  OTHER_CALL (condition_wait_async),
  OTHER_CALL (condition_wait_finish),
  OTHER_CALL (condition_wait),
  OTHER_CALL (condition_wait_for_async),
  OTHER_CALL (condition_wait_for_finish),
  OTHER_CALL (condition_wait_for),
  OTHER_CALL (condition_notify),
  OTHER_CALL (condition_notify_all),
  OTHER_CALL (condition_get_n_waiting),
  OTHER_CALL (semaphore_acquire_async),
  OTHER_CALL (semaphore_acquire_finish),
  OTHER_CALL (semaphore_acquire),
  OTHER_CALL (semaphore_try_acquire),
  OTHER_CALL (semaphore_release),
  OTHER_CALL (semaphore_acquire_many_async),
  OTHER_CALL (semaphore_acquire_many_finish),
  OTHER_CALL (semaphore_acquire_many),
  OTHER_CALL (semaphore_try_acquire_many),
  OTHER_CALL (semaphore_release_many),
  OTHER_CALL (semaphore_get_value),
  OTHER_CALL (semaphore_is_locked),
  OTHER_CALL (semaphore_get_n_waiting),
  { "async_sync_bounded_semaphore_get_bound", bad_bounded_semaphore_get_bound, WRONG_SEMAPHORE },
#undef LOCK_CALL
#undef OTHER_CALL
};

/* In the child: the call, with NULL then with a wrong-type object; the
 * criticals are not fatal there, and nothing may change or run. */
static void
test_bad_self (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  g_autofree gchar *pattern = NULL;
  const gchar *name;

  if (g_test_subprocess ())
    {
      GMainContext *ctx = g_main_context_new ();
      Objects o;
      State before, after;
      gpointer wrong;

      g_main_context_push_thread_default (ctx);
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      objects_init (&o);
      objects_state (&o, &before);

      switch (bad_calls[index].wrong)
        {
        case WRONG_LOCK:
          wrong = o.lock;
          break;
        case WRONG_EVENT:
          wrong = o.event;
          break;
        case WRONG_SEMAPHORE:
        default:
          wrong = o.sem;
          break;
        }

      bad_calls[index].call (NULL, &o);
      bad_calls[index].call (wrong, &o);

      test_drain_context (ctx);
      objects_state (&o, &after);
      g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
      objects_clear (&o);
      test_drain_context (ctx);
      g_main_context_pop_thread_default (ctx);
      g_main_context_unref (ctx);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* Two criticals from that function (NULL, then the wrong type), named
   * without the prefix: a shared static helper may be the one checking. */
  name = bad_calls[index].name + strlen ("async_sync_");
  /* The weighted finish is checked by the helper it shares with the
   * plain one, whose name the critical carries. */
  if (g_str_equal (name, "semaphore_acquire_many_finish"))
    name = "semaphore_acquire_finish";
  if (bad_calls[index].call == bad_condition_new)
    pattern = g_strdup_printf ("*CRITICAL*%s*assertion*failed*", name);
  else
    pattern = g_strdup_printf ("*CRITICAL*%s*assertion*failed*CRITICAL*%s*assertion*failed*",
                               name, name);
  g_test_trap_assert_stderr (pattern);
}

/* ---- invalid arguments on a valid object ---- */

typedef void (*BadArgs) (Objects *o, GMainContext *ctx);

static void
bad_args_wrong_cancellable (Objects *o, GMainContext *ctx)
{
  /* An object that is not a GCancellable. */
  async_sync_lock_acquire_async (o->lock, (GCancellable *) o->event, test_never_called_cb, NULL);
}

static void
bad_args_null_predicate (Objects *o, GMainContext *ctx)
{
  async_sync_condition_wait_for_async (o->cond, NULL, NULL, NULL, NULL, test_never_called_cb, NULL);
}

static void
bad_args_error_already_set (Objects *o, GMainContext *ctx)
{
  GError *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "already set");

  /* Refused before it releases anything: the lock stays locked. */
  g_assert_false (async_sync_lock_release (o->lock, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
}

static void
bad_args_result_of_another_object (Objects *o, GMainContext *ctx)
{
  GAsyncResult *slot = NULL, *result;
  GError *error = NULL;

  /* The event is set: its wait completes at once. */
  async_sync_event_wait_async (o->event, NULL, store_result_cb, &slot);
  result = wait_result (ctx, &slot);
  g_assert_false (async_sync_lock_acquire_finish (o->lock, result, &error));
  g_assert_no_error (error);
  g_assert_true (async_sync_event_wait_finish (o->event, result, &error));
  g_object_unref (result);
}

static void
bad_args_result_of_another_call (Objects *o, GMainContext *ctx)
{
  GAsyncResult *slot = NULL, *result;
  GError *error = NULL;

  /* A Condition's acquire result handed to its wait_finish: wrong tag. */
  async_sync_condition_acquire_async (o->cond, NULL, store_result_cb, &slot);
  result = wait_result (ctx, &slot);
  g_assert_false (async_sync_condition_wait_finish (o->cond, result, &error));
  g_assert_no_error (error);
  g_assert_true (async_sync_condition_acquire_finish (o->cond, result, &error));
  g_assert_true (async_sync_condition_release (o->cond, &error));
  g_assert_no_error (error);
  g_object_unref (result);
}

static void
bad_args_try_acquire_zero (Objects *o, GMainContext *ctx)
{
  g_assert_false (async_sync_semaphore_try_acquire_many (o->sem, 0));
}

static const struct
{
  const gchar *path;
  const gchar *function;
  BadArgs      call;
} bad_args[] = {
  { "wrong-type-cancellable", "async_sync_lock_acquire_async", bad_args_wrong_cancellable },
  { "null-predicate", "async_sync_condition_wait_for_async", bad_args_null_predicate },
  { "error-already-set", "async_sync_lock_release", bad_args_error_already_set },
  { "result-of-another-object", "async_sync_lock_acquire_finish", bad_args_result_of_another_object },
  { "result-of-another-call", "async_sync_condition_wait_finish", bad_args_result_of_another_call },
  { "try-acquire-zero-permits", "async_sync_semaphore_try_acquire_many", bad_args_try_acquire_zero },
};

static void
test_bad_args (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  g_autofree gchar *pattern = NULL;

  if (g_test_subprocess ())
    {
      GMainContext *ctx = g_main_context_new ();
      Objects o;
      State before, after;

      g_main_context_push_thread_default (ctx);
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      objects_init (&o);
      objects_state (&o, &before);
      bad_args[index].call (&o, ctx);
      test_drain_context (ctx);
      objects_state (&o, &after);
      g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
      objects_clear (&o);
      test_drain_context (ctx);
      g_main_context_pop_thread_default (ctx);
      g_main_context_unref (ctx);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  pattern = g_strdup_printf ("*CRITICAL*%s*assertion*failed*", bad_args[index].function);
  g_test_trap_assert_stderr (pattern);
}

/* ---- over-release ---- */

static guint n_notified;

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  n_notified++;
}

static void
test_over_release (void)
{
  GMainContext *ctx = g_main_context_new ();
  AsyncSyncLock *lock;
  AsyncSyncCondition *cond;
  AsyncSyncBoundedSemaphore *bsem;
  AsyncSyncSemaphore *sem;
  GAsyncResult *slot = NULL, *result;
  GError *error = NULL;
  guint i;

  g_test_summary ("Releasing what is not held fails with an error and changes nothing");

  g_main_context_push_thread_default (ctx);
  lock = async_sync_lock_new ();
  cond = async_sync_condition_new (lock);
  bsem = async_sync_bounded_semaphore_new (2);
  sem = async_sync_semaphore_new (0);
  g_signal_connect (lock, "notify::locked", G_CALLBACK (count_notify_cb), NULL);
  g_signal_connect (bsem, "notify::value", G_CALLBACK (count_notify_cb), NULL);
  n_notified = 0;

  /* Lock and Condition: NOT_LOCKED, twice in a row. */
  for (i = 0; i < 2; i++)
    {
      g_assert_false (async_sync_lock_release (lock, &error));
      g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
      g_clear_error (&error);
      g_assert_false (async_sync_condition_release (cond, &error));
      g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
      g_clear_error (&error);
      g_assert_false (async_sync_condition_notify (cond, 1, &error));
      g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
      g_clear_error (&error);
      g_assert_false (async_sync_condition_notify_all (cond, &error));
      g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
      g_clear_error (&error);
    }

  /* wait and wait_for without the lock: NOT_LOCKED, the lock left alone,
   * the predicate never called. */
  async_sync_condition_wait_async (cond, NULL, store_result_cb, &slot);
  result = wait_result (ctx, &slot);
  g_assert_false (async_sync_condition_wait_finish (cond, result, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_object_unref (result);
  async_sync_condition_wait_for_async (cond, never_predicate, NULL, NULL, NULL, store_result_cb, &slot);
  result = wait_result (ctx, &slot);
  g_assert_false (async_sync_condition_wait_for_finish (cond, result, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_object_unref (result);
  g_assert_false (async_sync_lock_is_locked (lock));

  /* BoundedSemaphore at its bound: VALUE, value unchanged. */
  g_assert_false (async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (bsem), &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_true (async_sync_semaphore_try_acquire (ASYNC_SYNC_SEMAPHORE (bsem)));
  g_assert_false (async_sync_semaphore_release_many (ASYNC_SYNC_SEMAPHORE (bsem), 2, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_cmpuint (async_sync_semaphore_get_value (ASYNC_SYNC_SEMAPHORE (bsem)), ==, 1);
  g_assert_true (async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (bsem), &error));
  g_assert_false (async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (bsem), &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_cmpuint (async_sync_semaphore_get_value (ASYNC_SYNC_SEMAPHORE (bsem)), ==, 2);

  /* A plain Semaphore takes any number of releases. */
  for (i = 0; i < 1000; i++)
    g_assert_true (async_sync_semaphore_release (sem, NULL));
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 1000);

  test_drain_context (ctx);
  /* Refused calls changed nothing, and the bounded semaphore is back to
   * the value last notified: nothing to notify (changes are coalesced). */
  g_assert_cmpuint (n_notified, ==, 0);

  g_object_unref (cond);
  g_object_unref (lock);
  g_object_unref (bsem);
  g_object_unref (sem);
  test_drain_context (ctx);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
}

/* ---- G_MAXUINT ---- */

static void
test_maxuint (void)
{
  GMainContext *ctx = g_main_context_new ();
  AsyncSyncSemaphore *sem;
  AsyncSyncBoundedSemaphore *bsem;
  GAsyncResult *slot = NULL, *result;
  GCancellable *cancellable;
  GError *error = NULL;
  guint value;

  g_test_summary ("Semaphore values at G_MAXUINT and 0: no overflow, no wrap-around");

  g_main_context_push_thread_default (ctx);

  /* Plain semaphore at G_MAXUINT: a release would overflow. */
  sem = async_sync_semaphore_new (G_MAXUINT);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, G_MAXUINT);
  g_assert_false (async_sync_semaphore_is_locked (sem));
  g_assert_false (async_sync_semaphore_release (sem, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, G_MAXUINT);
  g_object_get (sem, "value", &value, NULL);
  g_assert_cmpuint (value, ==, G_MAXUINT);

  /* Take every permit at once, give them back, then one too many. */
  g_assert_true (async_sync_semaphore_try_acquire_many (sem, G_MAXUINT));
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 0);
  g_assert_true (async_sync_semaphore_is_locked (sem));
  g_assert_true (async_sync_semaphore_release_many (sem, G_MAXUINT - 1, &error));
  g_assert_no_error (error);
  g_assert_false (async_sync_semaphore_release_many (sem, 2, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_true (async_sync_semaphore_release (sem, &error));
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, G_MAXUINT);
  g_assert_false (async_sync_semaphore_release_many (sem, G_MAXUINT, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);

  /* A request for G_MAXUINT permits waits for all of them. */
  g_assert_true (async_sync_semaphore_try_acquire (sem));
  async_sync_semaphore_acquire_many_async (sem, G_MAXUINT, NULL, store_result_cb, &slot);
  test_drain_context (ctx);
  g_assert_null (slot);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (sem), ==, 1);
  g_assert_true (async_sync_semaphore_is_locked (sem));
  g_assert_false (async_sync_semaphore_try_acquire (sem));   /* no barging */
  g_assert_true (async_sync_semaphore_release (sem, &error));
  result = wait_result (ctx, &slot);
  g_assert_true (async_sync_semaphore_acquire_many_finish (sem, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, 0);
  g_object_unref (sem);

  /* Bounded at G_MAXUINT. */
  bsem = async_sync_bounded_semaphore_new (G_MAXUINT);
  g_assert_cmpuint (async_sync_bounded_semaphore_get_bound (bsem), ==, G_MAXUINT);
  g_assert_false (async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (bsem), &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  g_object_unref (bsem);

  /* Bounded at 0: nothing can ever be released, and a request above the
   * bound (here any) could never be granted: it fails at once instead of
   * waiting forever. */
  bsem = async_sync_bounded_semaphore_new (0);
  g_assert_cmpuint (async_sync_bounded_semaphore_get_bound (bsem), ==, 0);
  g_assert_true (async_sync_semaphore_is_locked (ASYNC_SYNC_SEMAPHORE (bsem)));
  g_assert_false (async_sync_semaphore_try_acquire (ASYNC_SYNC_SEMAPHORE (bsem)));
  cancellable = g_cancellable_new ();
  async_sync_semaphore_acquire_async (ASYNC_SYNC_SEMAPHORE (bsem), cancellable, store_result_cb, &slot);
  g_assert_cmpuint (async_sync_semaphore_get_n_waiting (ASYNC_SYNC_SEMAPHORE (bsem)), ==, 0);
  g_assert_false (async_sync_semaphore_release (ASYNC_SYNC_SEMAPHORE (bsem), &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_VALUE);
  g_clear_error (&error);
  result = wait_result (ctx, &slot);
  g_assert_false (async_sync_semaphore_acquire_finish (ASYNC_SYNC_SEMAPHORE (bsem), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_object_unref (result);
  g_object_unref (cancellable);
  g_assert_cmpuint (async_sync_semaphore_get_value (ASYNC_SYNC_SEMAPHORE (bsem)), ==, 0);
  g_object_unref (bsem);

  /* A weighted request above the bound of a bounded semaphore too. */
  bsem = async_sync_bounded_semaphore_new (3);
  async_sync_semaphore_acquire_many_async (ASYNC_SYNC_SEMAPHORE (bsem), G_MAXUINT, NULL, store_result_cb, &slot);
  result = wait_result (ctx, &slot);
  g_assert_false (async_sync_semaphore_acquire_many_finish (ASYNC_SYNC_SEMAPHORE (bsem), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_object_unref (result);
  g_assert_cmpuint (async_sync_semaphore_get_value (ASYNC_SYNC_SEMAPHORE (bsem)), ==, 3);
  g_object_unref (bsem);

  /* The value property, through g_object_new(). */
  sem = g_object_new (ASYNC_SYNC_TYPE_SEMAPHORE, "value", G_MAXUINT, NULL);
  g_assert_cmpuint (async_sync_semaphore_get_value (sem), ==, G_MAXUINT);
  g_object_unref (sem);

  test_drain_context (ctx);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
}

/* ---- another thread releases, sets, notifies ---- */

typedef struct
{
  GThread  *main_thread;
  gpointer  object;
  gint      n_callbacks;
  gint      n_notifies;
} CrossThread;

static void
cross_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CrossThread *data = user_data;

  /* On the caller's thread, never the releasing one. */
  g_assert_true (g_thread_self () == data->main_thread);
  g_assert_true (g_task_propagate_int (G_TASK (result), NULL) > 0);
  data->n_callbacks++;
}

static void
cross_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  CrossThread *data = user_data;

  g_assert_true (g_thread_self () == data->main_thread);
  data->n_notifies++;
}

static gpointer
release_lock_thread (gpointer user_data)
{
  CrossThread *data = user_data;
  GError *error = NULL;

  g_assert_true (async_sync_lock_release (data->object, &error));
  g_assert_no_error (error);
  return NULL;
}

static gpointer
release_sem_thread (gpointer user_data)
{
  CrossThread *data = user_data;

  g_assert_true (async_sync_semaphore_release_many (data->object, 2, NULL));
  return NULL;
}

static gpointer
set_event_thread (gpointer user_data)
{
  CrossThread *data = user_data;

  async_sync_event_set (data->object);
  return NULL;
}

static void
run_in_thread (GThreadFunc  func,
               CrossThread *data)
{
  g_thread_join (g_thread_new ("bad-input", func, data));
}

static void
test_release_from_another_thread (void)
{
  GMainContext *ctx = g_main_context_new ();
  CrossThread data = { g_thread_self (), NULL, 0, 0 };

  g_test_summary ("A release, set or notify from another thread completes waiters on "
                  "their own context and thread, and notifies on the home context");

  g_main_context_push_thread_default (ctx);

  /* Lock: held here, released by another thread, handed to our waiter. */
  data.object = async_sync_lock_new ();
  g_signal_connect (data.object, "notify::locked", G_CALLBACK (cross_notify_cb), &data);
  g_assert_true (async_sync_lock_try_acquire (data.object));
  async_sync_lock_acquire_async (data.object, NULL, cross_done_cb, &data);
  run_in_thread (release_lock_thread, &data);
  g_assert_true (async_sync_lock_is_locked (data.object));   /* handed over */
  while (data.n_callbacks < 1)
    g_main_context_iteration (ctx, TRUE);
  run_in_thread (release_lock_thread, &data);
  test_drain_context (ctx);
  g_assert_false (async_sync_lock_is_locked (data.object));
  g_assert_cmpint (data.n_notifies, >=, 1);
  g_clear_object (&data.object);

  /* Semaphore: two waiters, two permits released at once elsewhere. */
  data.object = async_sync_semaphore_new (0);
  async_sync_semaphore_acquire_async (data.object, NULL, cross_done_cb, &data);
  async_sync_semaphore_acquire_async (data.object, NULL, cross_done_cb, &data);
  run_in_thread (release_sem_thread, &data);
  while (data.n_callbacks < 3)
    g_main_context_iteration (ctx, TRUE);
  g_assert_cmpuint (async_sync_semaphore_get_value (data.object), ==, 0);
  g_clear_object (&data.object);

  /* Event: set elsewhere. */
  data.object = async_sync_event_new ();
  async_sync_event_wait_async (data.object, NULL, cross_done_cb, &data);
  run_in_thread (set_event_thread, &data);
  while (data.n_callbacks < 4)
    g_main_context_iteration (ctx, TRUE);
  g_clear_object (&data.object);

  test_drain_context (ctx);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
}

/* ---- a Condition whose lock another thread holds ---- */

typedef struct
{
  AsyncSyncCondition *cond;
  gint                parked;   /* the worker is about to wait */
  gboolean            woke;
} CondThread;

/* Holds the lock, then waits (blocking) for a notification. */
static gpointer
cond_waiter_thread (gpointer user_data)
{
  CondThread *data = user_data;
  GError *error = NULL;

  g_assert_true (async_sync_condition_acquire (data->cond, NULL, &error));
  g_assert_no_error (error);
  g_atomic_int_set (&data->parked, 1);
  g_assert_true (async_sync_condition_wait (data->cond, NULL, &error));
  g_assert_no_error (error);
  /* Back with the lock held. */
  g_assert_true (async_sync_condition_is_locked (data->cond));
  data->woke = TRUE;
  g_assert_true (async_sync_condition_release (data->cond, &error));
  g_assert_no_error (error);

  return NULL;
}

static gpointer
cond_holder_thread (gpointer user_data)
{
  CondThread *data = user_data;
  GError *error = NULL;

  g_assert_true (async_sync_condition_acquire (data->cond, NULL, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_condition_lock_held_elsewhere (void)
{
  GMainContext *ctx = g_main_context_new ();
  CondThread data = { NULL, 0, FALSE };
  GAsyncResult *slot = NULL, *result;
  GError *error = NULL;
  GThread *thread;

  g_test_summary ("Waiting on a Condition whose lock another thread holds: a worker "
                  "thread waits, the main thread notifies; and a wait by a thread "
                  "that does not hold the lock (the lock has no owner)");

  g_main_context_push_thread_default (ctx);
  data.cond = async_sync_condition_new (NULL);

  /* 1. The worker holds the lock and waits; the main thread cannot take
   * the lock until the wait released it, then notifies. */
  thread = g_thread_new ("cond-waiter", cond_waiter_thread, &data);
  while (!g_atomic_int_get (&data.parked) || async_sync_condition_get_n_waiting (data.cond) == 0)
    g_thread_yield ();
  g_assert_false (async_sync_condition_is_locked (data.cond));   /* the wait released it */
  async_sync_condition_acquire_async (data.cond, NULL, store_result_cb, &slot);
  result = wait_result (ctx, &slot);
  g_assert_true (async_sync_condition_acquire_finish (data.cond, result, &error));
  g_object_unref (result);
  g_assert_true (async_sync_condition_notify (data.cond, 1, &error));
  g_assert_cmpuint (async_sync_condition_get_n_waiting (data.cond), ==, 0);
  g_assert_false (data.woke);        /* it needs the lock back first */
  g_assert_true (async_sync_condition_release (data.cond, &error));
  g_thread_join (thread);
  g_assert_true (data.woke);
  g_assert_false (async_sync_condition_is_locked (data.cond));

  /* 2. Another thread holds the lock; this thread waits without holding
   * it.  The lock has no owner: as in asyncio, only "is it locked" is
   * checked, so the wait releases the other thread's hold and parks. */
  g_thread_join (g_thread_new ("cond-holder", cond_holder_thread, &data));
  g_assert_true (async_sync_condition_is_locked (data.cond));
  async_sync_condition_wait_async (data.cond, NULL, store_result_cb, &slot);
  g_assert_cmpuint (async_sync_condition_get_n_waiting (data.cond), ==, 1);
  g_assert_false (async_sync_condition_is_locked (data.cond));
  /* The other thread's release now fails: nothing is held. */
  g_assert_false (async_sync_condition_release (data.cond, &error));
  g_assert_error (error, ASYNC_SYNC_ERROR, ASYNC_SYNC_ERROR_NOT_LOCKED);
  g_clear_error (&error);
  g_assert_true (async_sync_condition_try_acquire (data.cond));
  g_assert_true (async_sync_condition_notify_all (data.cond, &error));
  g_assert_true (async_sync_condition_release (data.cond, &error));
  result = wait_result (ctx, &slot);
  g_assert_true (async_sync_condition_wait_finish (data.cond, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_true (async_sync_condition_release (data.cond, &error));

  g_clear_object (&data.cond);
  test_drain_context (ctx);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
}

/* ---- objects dropped while waiters are queued ---- */

static void
release_source_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gint *n = user_data;
  GError *error = NULL;

  /* The caller dropped its reference: the source object is alive only
   * through the task.  Pass the lock on. */
  if (ASYNC_SYNC_IS_LOCK (object))
    {
      g_assert_true (async_sync_lock_acquire_finish (ASYNC_SYNC_LOCK (object), result, &error));
      g_assert_true (async_sync_lock_release (ASYNC_SYNC_LOCK (object), &error));
    }
  else
    {
      AsyncSyncCondition *cond = ASYNC_SYNC_CONDITION (object);

      /* Cancelled while waiting: holds the lock anyway. */
      g_assert_false (async_sync_condition_wait_finish (cond, result, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      g_assert_true (async_sync_condition_release (cond, &error));
    }
  g_assert_no_error (error);
  (*n)++;
}

static void
cancelled_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gint *n = user_data;
  GError *error = NULL;

  g_assert_false (g_task_propagate_int (G_TASK (result), &error) > 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  (*n)++;
}

static void
test_dropped_while_queued (void)
{
  GMainContext *ctx = g_main_context_new ();
  GCancellable *cancellable = g_cancellable_new ();
  AsyncSyncLock *lock;
  AsyncSyncCondition *cond;
  AsyncSyncEvent *event;
  AsyncSyncSemaphore *sem;
  gpointer weak, weak_lock;
  gint n = 0, i;

  g_test_summary ("Dropping the last user reference while waiters are queued is safe: "
                  "the queued calls keep the object alive until they complete");

  g_main_context_push_thread_default (ctx);

  /* Lock: three waiters; the callbacks pass the lock on through their
   * source object, the last one releases it; then it is finalized. */
  lock = async_sync_lock_new ();
  weak = lock;
  g_object_add_weak_pointer (weak, &weak);
  g_assert_true (async_sync_lock_try_acquire (lock));
  for (i = 0; i < 3; i++)
    async_sync_lock_acquire_async (lock, NULL, release_source_cb, &n);
  g_object_unref (lock);
  g_assert_nonnull (weak);
  g_assert_true (async_sync_lock_release (weak, NULL));
  while (n < 3)
    g_main_context_iteration (ctx, TRUE);
  test_drain_context (ctx);
  g_assert_null (weak);

  /* Event and Semaphore: waiters cancelled after the drop. */
  n = 0;
  event = async_sync_event_new ();
  sem = async_sync_semaphore_new (0);
  for (i = 0; i < 3; i++)
    {
      async_sync_event_wait_async (event, cancellable, cancelled_cb, &n);
      async_sync_semaphore_acquire_async (sem, cancellable, cancelled_cb, &n);
    }
  weak = event;
  g_object_add_weak_pointer (weak, &weak);
  weak_lock = sem;
  g_object_add_weak_pointer (weak_lock, &weak_lock);
  g_object_unref (event);
  g_object_unref (sem);
  g_cancellable_cancel (cancellable);
  while (n < 6)
    g_main_context_iteration (ctx, TRUE);
  test_drain_context (ctx);
  g_assert_null (weak);
  g_assert_null (weak_lock);
  g_object_unref (cancellable);

  /* Condition with its private lock: waiters parked, condition dropped,
   * then cancelled: each re-acquires the lock, fails CANCELLED, and
   * releases through its source object.  Both are then finalized. */
  n = 0;
  cancellable = g_cancellable_new ();
  cond = async_sync_condition_new (NULL);
  weak = cond;
  g_object_add_weak_pointer (weak, &weak);
  weak_lock = async_sync_condition_get_lock (cond);
  g_object_add_weak_pointer (weak_lock, &weak_lock);
  for (i = 0; i < 3; i++)
    {
      g_assert_true (async_sync_condition_try_acquire (cond));
      async_sync_condition_wait_async (cond, cancellable, release_source_cb, &n);
    }
  g_assert_cmpuint (async_sync_condition_get_n_waiting (cond), ==, 3);
  g_object_unref (cond);
  g_cancellable_cancel (cancellable);
  while (n < 3)
    g_main_context_iteration (ctx, TRUE);
  test_drain_context (ctx);
  g_assert_null (weak);
  g_assert_null (weak_lock);
  g_object_unref (cancellable);

  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
}

/* ---- main contexts that are never run again ---- */

/* A source that never dispatches: its destroy notify tells when its
 * context was finalized (a context destroys its sources then). */
static void
sentinel_destroyed (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
sentinel_never (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
add_sentinel (GMainContext *ctx,
              gboolean     *finalized)
{
  GSource *source = g_timeout_source_new_seconds (24 * 3600);

  g_source_set_callback (source, sentinel_never, finalized, sentinel_destroyed);
  g_source_attach (source, ctx);
  g_source_unref (source);
}

static void
test_context_never_run_again (void)
{
  GMainContext *ctx = g_main_context_new ();
  GCancellable *cancellable;
  AsyncSyncLock *lock;
  gpointer weak_lock, weak_cancellable;
  gboolean ctx_finalized = FALSE;
  gint n = 0;

  g_test_summary ("A queued call keeps its context alive (as GTask does); once it is "
                  "cancelled and the context has run one last time, dropping the "
                  "context and the object frees everything. An object whose home "
                  "context is never run again is freed with it if nothing was pending");

  /* 1. A waiter queued from a context that the caller then drops: the
   * task holds the context.  Cancel, one last iteration: all gone.  The
   * lock's home is the same context. */
  g_main_context_push_thread_default (ctx);
  lock = async_sync_lock_new ();
  g_main_context_pop_thread_default (ctx);
  weak_lock = lock;
  g_object_add_weak_pointer (weak_lock, &weak_lock);
  g_assert_true (async_sync_lock_try_acquire (lock));
  cancellable = g_cancellable_new ();
  weak_cancellable = cancellable;
  g_object_add_weak_pointer (weak_cancellable, &weak_cancellable);

  add_sentinel (ctx, &ctx_finalized);
  g_main_context_push_thread_default (ctx);
  async_sync_lock_acquire_async (lock, cancellable, cancelled_cb, &n);
  g_main_context_pop_thread_default (ctx);

  g_cancellable_cancel (cancellable);
  g_object_unref (cancellable);
  g_object_unref (lock);
  g_assert_nonnull (weak_lock);          /* the queued task holds it */
  test_drain_context (ctx);                  /* the last iteration */
  g_assert_cmpint (n, ==, 1);
  g_assert_null (weak_lock);
  g_assert_null (weak_cancellable);
  g_assert_false (ctx_finalized);
  g_main_context_unref (ctx);
  g_assert_true (ctx_finalized);         /* nothing else held it */

  /* 2. An object made on a home context that is dropped and never run:
   * the object holds the context; with no notification pending, dropping
   * the object frees both, without ever running that context. */
  ctx = g_main_context_new ();
  ctx_finalized = FALSE;
  add_sentinel (ctx, &ctx_finalized);
  g_main_context_push_thread_default (ctx);
  lock = async_sync_lock_new ();
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  g_assert_false (ctx_finalized);        /* the lock's home */
  weak_lock = lock;
  g_object_add_weak_pointer (weak_lock, &weak_lock);
  g_object_unref (lock);
  g_assert_null (weak_lock);
  g_assert_true (ctx_finalized);
}

/* A property notification pending on a home context that never runs
 * again does not keep its object alive, nor so the context (it was a
 * documented limitation until the notifier held its object weakly). */
static void
test_home_context_never_run_with_pending_notification (void)
{
  GMainContext *ctx = g_main_context_new ();
  AsyncSyncLock *lock;
  gpointer weak_lock;
  gboolean ctx_finalized = FALSE;

  g_test_summary ("A change notification pending on a home context that is never "
                  "run again keeps neither the object nor the context alive");

  add_sentinel (ctx, &ctx_finalized);
  g_main_context_push_thread_default (ctx);
  lock = async_sync_lock_new ();
  g_main_context_pop_thread_default (ctx);
  weak_lock = lock;
  g_object_add_weak_pointer (weak_lock, &weak_lock);

  g_assert_true (async_sync_lock_try_acquire (lock));   /* a notification is pending */
  g_object_unref (lock);
  g_assert_null (weak_lock);

  g_main_context_unref (ctx);
  g_assert_true (ctx_finalized);
}

int
main (int    argc,
      char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (bad_calls); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/AsyncSync/BadInput/bad-self/%s", bad_calls[i].name + 11);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_bad_self);
    }
  for (i = 0; i < G_N_ELEMENTS (bad_args); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/AsyncSync/BadInput/bad-args/%s", bad_args[i].path);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_bad_args);
    }
  g_test_add_func ("/AsyncSync/BadInput/over-release", test_over_release);
  g_test_add_func ("/AsyncSync/BadInput/maxuint", test_maxuint);
  g_test_add_func ("/AsyncSync/BadInput/release-from-another-thread", test_release_from_another_thread);
  g_test_add_func ("/AsyncSync/BadInput/condition-lock-held-elsewhere", test_condition_lock_held_elsewhere);
  g_test_add_func ("/AsyncSync/BadInput/dropped-while-queued", test_dropped_while_queued);
  g_test_add_func ("/AsyncSync/BadInput/context-never-run-again", test_context_never_run_again);
  g_test_add_func ("/AsyncSync/BadInput/home-context-never-run-with-pending-notification",
                   test_home_context_never_run_with_pending_notification);

  return g_test_run ();
}
