// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Lock from GJS: every method and the `locked` property.

import {
    AsyncSync, GLib, assert, assertEqual, assertThrows, cancelled, isCancelled,
    isNotLocked, recordNotify, run, settle, test,
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

run();
