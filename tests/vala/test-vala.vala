/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The primitives from Vala, through asyncsync-glib-1.vapi: `yield` on
 * acquire and wait, errors as Vala error domains, a lambda predicate, and
 * Condition.notify() hiding GLib.Object's notify signal. */

/* Runs one async test on a main loop until it is done. */
delegate void AsyncTestStart (AsyncReadyCallback done);
delegate void AsyncTestEnd (AsyncResult result) throws GLib.Error;

void
run_async (AsyncTestStart start, AsyncTestEnd end)
{
  var loop = new MainLoop (null, false);
  start ((obj, res) => {
    try {
      end (res);
    } catch (GLib.Error e) {
      error ("unexpected error: %s", e.message);
    }
    loop.quit ();
  });
  loop.run ();
}

/* Lets the main loop run what is ready (completions, notifications). */
async void
settle ()
{
  Idle.add (settle.callback, Priority.LOW);
  yield;
}

async void
lock_worker (AsyncSync.Lock shared_lock, int id, GenericArray<int> order) throws GLib.Error
{
  yield shared_lock.acquire_async (null);
  order.add (id);
  yield settle ();  /* hold it across a main-loop turn */
  shared_lock.release ();
}

async void
test_lock_yield () throws GLib.Error
{
  var shared_lock = new AsyncSync.Lock ();
  var order = new GenericArray<int> ();
  var done = 0;

  assert_false (shared_lock.locked);
  yield shared_lock.acquire_async (null);
  assert_true (shared_lock.is_locked ());
  assert_true (shared_lock.locked);

  for (var i = 0; i < 3; i++)
    lock_worker.begin (shared_lock, i, order, (obj, res) => {
      try {
        lock_worker.end (res);
      } catch (GLib.Error e) {
        error ("%s", e.message);
      }
      done++;
    });
  assert_cmpuint (shared_lock.get_n_waiting (), CompareOperator.EQ, 3);
  assert_false (shared_lock.try_acquire ());
  shared_lock.release ();
  while (done < 3)
    yield settle ();
  assert_cmpint (order[0], CompareOperator.EQ, 0);
  assert_cmpint (order[1], CompareOperator.EQ, 1);
  assert_cmpint (order[2], CompareOperator.EQ, 2);
  assert_false (shared_lock.is_locked ());

  try {
    shared_lock.release ();
    assert_not_reached ();
  } catch (AsyncSync.Error.NOT_LOCKED e) {
    assert_true (e.matches (AsyncSync.Error.quark (), AsyncSync.Error.NOT_LOCKED));
  }

  var cancellable = new Cancellable ();
  cancellable.cancel ();
  try {
    yield shared_lock.acquire_async (cancellable);
    assert_not_reached ();
  } catch (IOError.CANCELLED e) {
  }
  assert_false (shared_lock.is_locked ());

  assert_true (shared_lock.acquire (null));  /* blocking; the lock is free */
  assert_true (shared_lock.release ());
}

async void
event_waiter (AsyncSync.Event event, int id, GenericArray<int> order) throws GLib.Error
{
  yield event.wait_async (null);
  order.add (id);
}

async void
test_event_yield () throws GLib.Error
{
  var event = new AsyncSync.Event ();
  var order = new GenericArray<int> ();
  var notified = 0;

  event.notify["is-set"].connect (() => notified++);
  for (var i = 0; i < 5; i++)
    event_waiter.begin (event, i, order);
  assert_cmpuint (event.get_n_waiting (), CompareOperator.EQ, 5);
  yield settle ();
  assert_cmpuint (order.length, CompareOperator.EQ, 0);

  event.set ();
  assert_true (event.is_set);  /* the property: the vapi has no is_set () */
  while (order.length < 5)
    yield settle ();
  for (var i = 0; i < 5; i++)
    assert_cmpint (order[i], CompareOperator.EQ, i);
  assert_cmpint (notified, CompareOperator.EQ, 1);

  assert_true (yield event.wait_async (null));  /* set: at once */
  assert_true (event.wait (null));
  event.clear ();
  assert_false (event.is_set);
}

async void
test_condition_wait_for () throws GLib.Error
{
  var cond = new AsyncSync.Condition (null);
  var items = new GenericArray<string> ();
  var token = new Object ();
  var token_freed = false;
  var calls = 0;

  token.weak_ref (() => token_freed = true);
  yield cond.acquire_async (null);

  /* The producer runs from the loop while the consumer waits. */
  Idle.add (() => {
    assert_true (cond.try_acquire ());
    items.add ("apple");
    try {
      cond.notify (1);
      cond.release ();
    } catch (GLib.Error e) {
      error ("%s", e.message);
    }
    return Source.REMOVE;
  });

  /* The lambda captures token: its closure lives while the wait runs. */
  var captured = token;
  token = null;
  yield cond.wait_for_async (() => {
    calls++;
    return captured != null && items.length > 0;
  }, null);
  captured = null;
  assert_true (cond.is_locked ());
  assert_cmpint (calls, CompareOperator.EQ, 2);
  assert_cmpstr (items[0], CompareOperator.EQ, "apple");
  cond.release ();
  yield settle ();
  assert_true (token_freed);  /* predicate_destroy released the closure */

  /* wait: the lock is released while waiting, held again afterwards. */
  yield cond.acquire_async (null);
  Idle.add (() => {
    try {
      assert_true (cond.try_acquire ());
      cond.notify_all ();
      cond.release ();
    } catch (GLib.Error e) {
      error ("%s", e.message);
    }
    return Source.REMOVE;
  });
  assert_cmpuint (cond.get_n_waiting (), CompareOperator.EQ, 0);
  yield cond.wait_async (null);
  assert_true (cond.is_locked ());
  assert_true (cond.get_lock ().locked);
  cond.release ();

  try {
    yield cond.wait_async (null);
    assert_not_reached ();
  } catch (AsyncSync.Error.NOT_LOCKED e) {
  }
}

void
test_condition_notify_shadow ()
{
  var cond = new AsyncSync.Condition (new AsyncSync.Lock ());
  var seen = 0;

  /* cond.notify is AsyncSync.Condition.notify (uint n) throws ... */
  try {
    cond.notify (1);
    assert_not_reached ();
  } catch (GLib.Error e) {
    assert_true (e is AsyncSync.Error.NOT_LOCKED);
  }
  assert_true (cond.try_acquire ());
  try {
    assert_true (cond.notify (1));
    cond.release ();
  } catch (GLib.Error e) {
    error ("%s", e.message);
  }

  /* ... so GLib.Object's notify signal and notify_property () are reached
   * through a GLib.Object reference. */
  ((GLib.Object) cond).notify["lock"].connect ((obj, pspec) => {
    assert_cmpstr (pspec.name, CompareOperator.EQ, "lock");
    seen++;
  });
  ((GLib.Object) cond).notify_property ("lock");
  assert_cmpint (seen, CompareOperator.EQ, 1);
}

async void
test_semaphore_yield () throws GLib.Error
{
  var sem = new AsyncSync.Semaphore (2);
  var bounded = new AsyncSync.BoundedSemaphore (1);

  yield sem.acquire_async (null);
  yield sem.acquire_many_async (1, null);
  assert_cmpuint (sem.value, CompareOperator.EQ, 0);
  assert_true (sem.is_locked ());
  assert_true (sem.release_many (2));
  assert_cmpuint (sem.get_value (), CompareOperator.EQ, 2);

  assert_cmpuint (bounded.get_bound (), CompareOperator.EQ, 1);
  try {
    bounded.release ();
    assert_not_reached ();
  } catch (AsyncSync.Error.VALUE e) {
  }
  yield bounded.acquire_async (null);
  bounded.release ();
}

int
main (string[] args)
{
  Test.init (ref args);

  Test.add_func ("/AsyncSync/Vala/lock/yield-fifo-errors", () => {
    run_async ((done) => test_lock_yield.begin (done), (res) => test_lock_yield.end (res));
  });
  Test.add_func ("/AsyncSync/Vala/event/yield-five-waiters", () => {
    run_async ((done) => test_event_yield.begin (done), (res) => test_event_yield.end (res));
  });
  Test.add_func ("/AsyncSync/Vala/condition/wait-for-lambda", () => {
    run_async ((done) => test_condition_wait_for.begin (done),
               (res) => test_condition_wait_for.end (res));
  });
  Test.add_func ("/AsyncSync/Vala/condition/notify-shadows-gobject-notify",
                 test_condition_notify_shadow);
  Test.add_func ("/AsyncSync/Vala/semaphore/yield-and-bound", () => {
    run_async ((done) => test_semaphore_yield.begin (done),
               (res) => test_semaphore_yield.end (res));
  });

  return Test.run ();
}
