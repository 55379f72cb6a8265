// SPDX-License-Identifier: LGPL-2.1-or-later
// The error domain as GJS sees it, and bad input from JS: an exception,
// never a crash.

import {
    AsyncSync, GLib, GObject, Gio, assert, assertEqual, assertRejects, assertThrows, run,
    test,
} from './harness.js';

test('error domain: AsyncSync.Error, error_quark(), Error.quark()', async () => {
    const quark = AsyncSync.error_quark();
    assertEqual(AsyncSync.Error.quark(), quark);
    assertEqual(GLib.quark_to_string(quark), 'async-sync-error-quark');
    assertEqual(AsyncSync.Error.NOT_LOCKED, 0);
    assertEqual(AsyncSync.Error.VALUE, 1);
    assertEqual(AsyncSync.Error.BROKEN_BARRIER, 2);
    assertEqual(AsyncSync.Error.SHUT_DOWN, 3);
    assertEqual(AsyncSync.MAJOR_VERSION, 1);
    assert(Number.isInteger(AsyncSync.MINOR_VERSION) && Number.isInteger(AsyncSync.MICRO_VERSION));
});

test('a thrown GLib.Error matches by enum, by quark, and by instanceof', async () => {
    const e = assertThrows(() => new AsyncSync.Lock().release());
    assert(e instanceof GLib.Error);
    assert(e instanceof AsyncSync.Error);
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.NOT_LOCKED));
    assert(e.matches(AsyncSync.error_quark(), AsyncSync.Error.NOT_LOCKED));
    assert(!e.matches(AsyncSync.Error, AsyncSync.Error.VALUE));
    assert(!e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED));
    assertEqual(e.domain, AsyncSync.error_quark());
    assertEqual(e.code, AsyncSync.Error.NOT_LOCKED);
    assert(e.message.length > 0);
});

test('an error built in JS matches', async () => {
    const e = new GLib.Error(AsyncSync.Error, AsyncSync.Error.VALUE, 'made here');
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.VALUE));
});

test('negative, huge or non-numeric counts throw', async () => {
    assertThrows(() => AsyncSync.Semaphore.new(-1));
    assertThrows(() => AsyncSync.Semaphore.new(2 ** 32));
    assertThrows(() => AsyncSync.Semaphore.new('three'));
    assertThrows(() => AsyncSync.BoundedSemaphore.new(-5));
    const sem = AsyncSync.Semaphore.new(1);
    assertThrows(() => sem.release_many(-1));
    assertThrows(() => sem.try_acquire_many(-1));
    assertThrows(() => new AsyncSync.Condition().notify(-1));
    assertEqual(sem.value, 1);
});

test('construct properties: GJS converts without a range check', async () => {
    // GJS 1.74 wraps a negative number set as a guint property (no
    // exception): use AsyncSync.Semaphore.new(n), which checks the range.
    const sem = new AsyncSync.Semaphore({value: -1});
    assertEqual(sem.value, 2 ** 32 - 1);
});

test('wrong types throw', async () => {
    const lock = new AsyncSync.Lock();
    assertThrows(() => lock.acquire_async(42, () => {}));
    // Promisified form (no callback): the same error, as a rejection.
    await assertRejects(lock.acquire_async('not a cancellable'));
    assertThrows(() => lock.acquire(42));
    assertThrows(() => AsyncSync.Condition.new(new AsyncSync.Event()));
    assertThrows(() => new AsyncSync.Condition({lock: new AsyncSync.Event()}));
    assertThrows(() => AsyncSync.Lock.prototype.release.call(new AsyncSync.Event()));
    assertThrows(() => lock.acquire_finish('not a result'));
    assertThrows(() => new AsyncSync.Condition().wait_for_async(42, null, () => {}));
    assert(!lock.is_locked());
});

test('bad input to the extra classes throws', async () => {
    assertThrows(() => AsyncSync.Barrier.new(-1));
    assertThrows(() => AsyncSync.Queue.new(GObject.Object.$gtype, -1));
    assertThrows(() => AsyncSync.Queue.new('not a type', 0));
    assertThrows(() => AsyncSync.Timeout.new(-1));
    assertThrows(() => new AsyncSync.Queue().try_put(42));
    assertThrows(() => new AsyncSync.RWLock().read_acquire_async(new AsyncSync.Lock(), () => {}));
    assertThrows(() => AsyncSync.RWLock.prototype.read_release.call(new AsyncSync.Lock()));
    for (const [object, prop] of [[AsyncSync.Barrier.new(2), 'broken'], [new AsyncSync.Queue(), 'length'],
        [new AsyncSync.RWLock(), 'n_readers'], [new AsyncSync.RWLock(), 'write_locked']]) {
        assertThrows(() => {
            object[prop] = 1;
        }, () => true, `${prop} was writable`);
    }
});

test('read-only properties throw; construct-only ones do not change', async () => {
    assertThrows(() => {
        new AsyncSync.Lock().locked = true;
    });
    assertThrows(() => {
        new AsyncSync.Event().is_set = true;
    });
    const sem = AsyncSync.Semaphore.new(1);
    // GObject refuses and changes nothing.  How it says so is GObject's (a
    // warning up to GLib 2.82, a critical since, which G_DEBUG makes
    // fatal), so only the outcome is asserted.
    const fatal = GLib.log_set_always_fatal(GLib.LogLevelFlags.LEVEL_ERROR);
    try {
        sem.value = 5;
    } finally {
        GLib.log_set_always_fatal(fatal);
    }
    assertEqual(sem.value, 1);
});

run();
