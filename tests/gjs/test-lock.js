// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Lock from GJS: every method and the `locked` property.

import {
    AsyncSync, Gio, GLib, Results, assert, assertEqual, assertRejects,
    assertThrows, cancelled, isCancelled, isNotLocked, recordNotify, run,
    settle, test, until,
} from './harness.js';

test('new lock is free', async () => {
    for (const lock of [AsyncSync.Lock.new(), new AsyncSync.Lock()]) {
        assert(!lock.is_locked());
        assert(!lock.locked);
        assertEqual(lock.get_n_waiting(), 0);
    }
});

test('await acquire_async, try_acquire, release', async () => {
    const lock = new AsyncSync.Lock();
    assertEqual(await lock.acquire_async(null), true);
    assert(lock.locked);
    assert(!lock.try_acquire());
    assert(lock.release());
    assert(lock.try_acquire());
    assert(lock.is_locked());
    lock.release();
});

test('release of a free lock throws NOT_LOCKED', async () => {
    const lock = new AsyncSync.Lock();
    const e = assertThrows(() => lock.release());
    assert(e instanceof GLib.Error);
    // The spelling the docs show; GJS 1.74 also accepts the quark.
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.NOT_LOCKED));
    assert(e.matches(AsyncSync.error_quark(), AsyncSync.Error.NOT_LOCKED));
    assert(e instanceof AsyncSync.Error);
    assertEqual(e.code, AsyncSync.Error.NOT_LOCKED);
});

test('callback runs later, never inside acquire_async', async () => {
    const lock = new AsyncSync.Lock();
    const results = new Results('acquire_finish');
    lock.acquire_async(null, results.callback('a'));
    assertEqual(results.items.length, 0);
    assert(lock.is_locked());
    await until(() => results.items.length === 1);
    assertEqual(results.items, [['a', true]]);
    lock.release();
});

test('waiters get the lock in FIFO order, no barging', async () => {
    const lock = new AsyncSync.Lock();
    lock.try_acquire();
    const order = [];
    const workers = [0, 1, 2, 3, 4].map(async i => {
        await lock.acquire_async(null);
        order.push(i);
        await settle();  // hold it across a main-loop turn
        lock.release();
    });
    assertEqual(lock.get_n_waiting(), 5);
    lock.release();
    assert(lock.is_locked());  // handed over, never free in between
    assert(!lock.try_acquire());
    await Promise.all(workers);
    assertEqual(order, [0, 1, 2, 3, 4]);
    assert(!lock.is_locked());
});

test('queued acquire is cancelled and leaves the queue', async () => {
    const lock = new AsyncSync.Lock();
    lock.try_acquire();
    const cancellable = new Gio.Cancellable();
    const first = lock.acquire_async(cancellable);
    const next = lock.acquire_async(null);
    assertEqual(lock.get_n_waiting(), 2);
    cancellable.cancel();
    assertEqual(lock.get_n_waiting(), 1);
    await assertRejects(first, isCancelled);
    assert(lock.is_locked());
    lock.release();
    assertEqual(await next, true);
    lock.release();
});

test('pre-cancelled acquire fails without taking a free lock', async () => {
    const lock = new AsyncSync.Lock();
    await assertRejects(lock.acquire_async(cancelled()), isCancelled);
    assert(!lock.is_locked());
});

test('cancel after grant still succeeds', async () => {
    const lock = new AsyncSync.Lock();
    lock.try_acquire();
    const cancellable = new Gio.Cancellable();
    const pending = lock.acquire_async(cancellable);
    lock.release();
    cancellable.cancel();
    assertEqual(await pending, true);
    assert(lock.is_locked());
    lock.release();
});

test('notify::locked from the loop, coalesced', async () => {
    const lock = new AsyncSync.Lock();
    const seen = recordNotify(lock, 'locked');
    lock.try_acquire();
    assertEqual(seen, []);
    await settle();
    lock.release();
    await settle();
    lock.try_acquire();
    lock.release();
    await settle();
    assertEqual(seen, [true, false]);
});

test('blocking acquire where it returns at once', async () => {
    // GJS has no threads: the blocking variants are callable, but only
    // where they need not wait (else they would block the only thread).
    const lock = new AsyncSync.Lock();
    assertEqual(lock.acquire(null), true);
    assert(lock.locked);
    lock.release();
    const e = assertThrows(() => lock.acquire(cancelled()));
    assert(isCancelled(e));
    assert(!lock.locked);
});

test('queued acquire keeps the lock alive', async () => {
    let lock = new AsyncSync.Lock();
    lock.try_acquire();
    const pending = lock.acquire_async(null);
    lock.release();
    lock = null;
    assertEqual(await pending, true);
});

run();
