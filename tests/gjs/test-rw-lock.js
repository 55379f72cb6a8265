// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.RWLock from GJS: every method, the `n-readers` and
// `write-locked` properties, the fair write-preferring FIFO order, misuse
// as NOT_LOCKED exceptions, cancellation and timeouts.

import {
    AsyncSync, Gio, Results, assert, assertEqual, assertRejects, assertThrows, cancelled,
    isCancelled, isNotLocked, isTimedOut, recordNotify, run, settle, test, until,
} from './harness.js';

test('new: a free lock', async () => {
    for (const lock of [AsyncSync.RWLock.new(), new AsyncSync.RWLock()]) {
        assertEqual(lock.get_n_readers(), 0);
        assertEqual(lock.n_readers, 0);
        assert(!lock.is_write_locked());
        assertEqual(lock.write_locked, false);
        assertEqual(lock.get_n_waiting(), 0);
    }
});

test('many readers or one writer (try_ variants)', async () => {
    const lock = new AsyncSync.RWLock();
    assert(lock.try_read_acquire() && lock.try_read_acquire());
    assertEqual(lock.n_readers, 2);
    assert(!lock.try_write_acquire());
    assert(lock.read_release() && lock.read_release());
    assert(lock.try_write_acquire());
    assert(lock.write_locked);
    assert(!lock.try_read_acquire() && !lock.try_write_acquire());
    assert(lock.write_release());
    assert(!lock.is_write_locked());
});

test('releases without holding throw NOT_LOCKED', async () => {
    const lock = new AsyncSync.RWLock();
    const e = assertThrows(() => lock.read_release());
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.NOT_LOCKED));
    assert(isNotLocked(assertThrows(() => lock.write_release())));
    lock.try_read_acquire();
    assert(isNotLocked(assertThrows(() => lock.write_release())));
    assertEqual(lock.n_readers, 1);
    lock.read_release();
    lock.try_write_acquire();
    assert(isNotLocked(assertThrows(() => lock.read_release())));
    assert(lock.write_locked);
    lock.write_release();
});

test('await read_acquire_async / write_acquire_async; callback form', async () => {
    const lock = new AsyncSync.RWLock();
    assertEqual(await lock.read_acquire_async(null), true);
    assertEqual(await lock.read_acquire_async(null), true);
    assertEqual(lock.n_readers, 2);
    const writer = lock.write_acquire_async(null);
    lock.read_release();
    lock.read_release();
    assertEqual(await writer, true);
    assert(lock.write_locked);
    lock.write_release();

    const reads = new Results('read_acquire_finish'), writes = new Results('write_acquire_finish');
    lock.read_acquire_async(null, reads.callback('r'));
    assertEqual(reads.items.length, 0);  // never from inside the call
    await until(() => reads.items.length === 1);
    lock.read_release();
    lock.write_acquire_async(null, writes.callback('w'));
    await until(() => writes.items.length === 1);
    assertEqual([...reads.items, ...writes.items], [['r', true], ['w', true]]);
    lock.write_release();
});

test('a queued writer blocks later readers; FIFO across both', async () => {
    const lock = new AsyncSync.RWLock();
    const order = [];
    const read = tag => lock.read_acquire_async(null).then(() => order.push(tag));
    const write = tag => lock.write_acquire_async(null).then(() => order.push(tag));
    const all = [read('r1'), write('w1'), read('r2'), read('r3'), write('w2'), read('r4')];
    assertEqual(lock.get_n_waiting(), 5);
    assert(!lock.try_read_acquire());  // no barging past w1
    await until(() => order.length === 1);
    lock.read_release();               // -> w1
    assert(lock.is_write_locked());
    await until(() => order.length === 2);
    lock.write_release();              // -> r2 and r3 together
    assertEqual(lock.n_readers, 2);
    await until(() => order.length === 4);
    lock.read_release();
    lock.read_release();               // -> w2
    await until(() => order.length === 5);
    lock.write_release();              // -> r4
    await Promise.all(all);
    lock.read_release();
    assertEqual(order, ['r1', 'w1', 'r2', 'r3', 'w2', 'r4']);
});

test('a cancelled writer lets the readers behind it in', async () => {
    const lock = new AsyncSync.RWLock();
    lock.try_read_acquire();
    const cancellable = new Gio.Cancellable();
    const writer = lock.write_acquire_async(cancellable);
    const reader = lock.read_acquire_async(null);
    cancellable.cancel();
    assertEqual(lock.n_readers, 2);  // admitted at once
    await assertRejects(writer, isCancelled);
    assertEqual(await reader, true);
    lock.read_release();
    lock.read_release();
});

test('a timed-out writer takes nothing', async () => {
    const lock = new AsyncSync.RWLock();
    lock.try_read_acquire();
    const writer = lock.write_acquire_async(AsyncSync.Timeout.new(10));
    const reader = lock.read_acquire_async(null);
    await assertRejects(writer, isTimedOut);
    assertEqual(await reader, true);
    assertEqual(lock.n_readers, 2);
    assert(!lock.write_locked);
    lock.read_release();
    lock.read_release();
});

test('pre-cancelled; granted then cancelled keeps the lock', async () => {
    const lock = new AsyncSync.RWLock();
    await assertRejects(lock.read_acquire_async(cancelled()), isCancelled);
    await assertRejects(lock.write_acquire_async(cancelled()), isCancelled);
    assertEqual([lock.n_readers, lock.write_locked], [0, false]);
    lock.try_write_acquire();
    const late = new Gio.Cancellable();
    const reader = lock.read_acquire_async(late);
    lock.write_release();
    late.cancel();
    assertEqual(await reader, true);
    assertEqual(lock.n_readers, 1);
    lock.read_release();
});

test('blocking read_acquire and write_acquire', async () => {
    const lock = new AsyncSync.RWLock();
    assertEqual(lock.read_acquire(null), true);
    assertEqual(lock.read_acquire(null), true);
    lock.read_release();
    lock.read_release();
    assertEqual(lock.write_acquire(null), true);
    assert(lock.write_locked);
    // Blocking on this thread with a deadline: it fails, nothing taken.
    assert(isTimedOut(assertThrows(() => lock.read_acquire(AsyncSync.Timeout.new(10)))));
    assert(isCancelled(assertThrows(() => lock.write_acquire(cancelled()))));
    assertEqual(lock.get_n_waiting(), 0);
    lock.write_release();
});

test('notify::n-readers and notify::write-locked, coalesced', async () => {
    const lock = new AsyncSync.RWLock();
    const readers = recordNotify(lock, 'n-readers');
    const writer = recordNotify(lock, 'write-locked');
    lock.try_read_acquire();
    lock.try_read_acquire();
    assertEqual(readers, []);
    await settle();
    lock.read_release();
    lock.read_release();
    await settle();
    lock.try_write_acquire();
    await settle();
    lock.write_release();
    lock.try_write_acquire();  // coalesced: still write-locked
    await settle();
    lock.write_release();
    await settle();
    assertEqual(readers, [2, 0]);
    assertEqual(writer, [true, false]);
});

run();
