// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Timeout from GJS: both constructors, the `deadline` property,
// and G_IO_ERROR_TIMED_OUT from the operations of every class, with
// `await x.op_async(AsyncSync.Timeout.new(ms))`.

import {
    AsyncSync, GLib, Gio, assert, assertEqual, assertRejects, assertThrows, expiry,
    isCancelled, isTimedOut, run, test,
} from './harness.js';

const expired = () => AsyncSync.Timeout.new_at(0);

test('new sets a deadline from now; a Gio.Cancellable', async () => {
    const before = GLib.get_monotonic_time();
    const timeout = AsyncSync.Timeout.new(250);
    const after = GLib.get_monotonic_time();
    assert(timeout instanceof Gio.Cancellable);
    const deadline = timeout.get_deadline();
    assert(before + 250000 <= deadline && deadline <= after + 250000, `deadline ${deadline}`);
    assertEqual(timeout.deadline, deadline);
    assert(!timeout.has_expired());
    assert(!timeout.is_cancelled());
});

test('new_at and the deadline property', async () => {
    const deadline = GLib.get_monotonic_time() + 3600000000;
    for (const timeout of [AsyncSync.Timeout.new_at(deadline), new AsyncSync.Timeout({deadline})]) {
        assertEqual(timeout.get_deadline(), deadline);
        assertEqual(timeout.deadline, deadline);
        assert(!timeout.has_expired());
    }
    assertEqual(AsyncSync.Timeout.new_at(-5).get_deadline(), 0);  // clamped
    assert(expired().has_expired());
});

test('expiry does not cancel the timeout', async () => {
    const timeout = AsyncSync.Timeout.new(1);
    await expiry(timeout);
    assert(timeout.has_expired());
    assert(!timeout.is_cancelled());
});

test('TIMED_OUT from every class', async () => {
    const t = () => AsyncSync.Timeout.new(10);
    const lock = new AsyncSync.Lock();
    lock.try_acquire();
    await assertRejects(lock.acquire_async(t()), isTimedOut);
    assertEqual(lock.get_n_waiting(), 0);
    lock.release();
    assert(!lock.is_locked());

    await assertRejects(new AsyncSync.Event().wait_async(t()), isTimedOut);

    const cond = new AsyncSync.Condition();
    cond.try_acquire();
    await assertRejects(cond.wait_async(t()), isTimedOut);
    assert(cond.is_locked());  // held again, whatever the outcome
    await assertRejects(cond.wait_for_async(() => false, t()), isTimedOut);
    assert(cond.is_locked());
    cond.release();

    const sem = AsyncSync.Semaphore.new(1);
    await assertRejects(sem.acquire_many_async(2, t()), isTimedOut);
    assertEqual(sem.value, 1);
    sem.try_acquire();
    await assertRejects(sem.acquire_async(t()), isTimedOut);

    await assertRejects(AsyncSync.Barrier.new(2).wait_async(t()), isTimedOut);

    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 1);
    await assertRejects(queue.get_async(t()), isTimedOut);
    queue.try_put(Gio.SimpleAction.new('in', null));
    await assertRejects(queue.put_async(Gio.SimpleAction.new('never', null), t()), isTimedOut);
    await assertRejects(queue.join_async(t()), isTimedOut);
    assertEqual(queue.length, 1);

    const rw = new AsyncSync.RWLock();
    rw.try_write_acquire();
    await assertRejects(rw.read_acquire_async(t()), isTimedOut);
    await assertRejects(rw.write_acquire_async(t()), isTimedOut);
    rw.write_release();
});

test('an expired timeout fails at once, even on a free lock', async () => {
    const lock = new AsyncSync.Lock();
    const pending = lock.acquire_async(expired());
    assert(!lock.is_locked());
    await assertRejects(pending, isTimedOut);
    assert(isTimedOut(assertThrows(() => lock.acquire(expired()))));
    assert(!lock.is_locked());
});

test('the grant wins over a later deadline', async () => {
    const lock = new AsyncSync.Lock();
    lock.try_acquire();
    const timeout = AsyncSync.Timeout.new(5);
    const pending = lock.acquire_async(timeout);
    lock.release();         // granted before the deadline...
    await expiry(timeout);  // ...which then passes
    assertEqual(await pending, true);
    assert(lock.is_locked());
    lock.release();
});

test('cancelling a timeout by hand is CANCELLED, not TIMED_OUT', async () => {
    const lock = new AsyncSync.Lock();
    lock.try_acquire();
    const timeout = AsyncSync.Timeout.new(60000);
    const pending = lock.acquire_async(timeout);
    timeout.cancel();
    await assertRejects(pending, isCancelled);
    lock.release();
});

test('one timeout bounds a sequence of operations', async () => {
    const lock = new AsyncSync.Lock(), event = new AsyncSync.Event();
    const timeout = AsyncSync.Timeout.new(10);
    assertEqual(await lock.acquire_async(timeout), true);
    await assertRejects(event.wait_async(timeout), isTimedOut);
    lock.release();
});

run();
