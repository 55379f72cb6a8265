// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Condition from GJS: every method, the `lock` property, a JS
// predicate for wait_for, and Condition.notify() hiding GObject's notify().

import {
    AsyncSync, GLib, GObject, Gio, Results, assert, assertEqual, assertRejects,
    assertThrows, cancelled, isCancelled, isFinalized, isNotLocked, makeToken,
    recordNotify, run, settle, test, until,
} from './harness.js';

function lockedCondition() {
    const cond = new AsyncSync.Condition();
    assert(cond.try_acquire());
    return cond;
}

test('new without a lock makes a private one; lock property', async () => {
    for (const cond of [AsyncSync.Condition.new(null), new AsyncSync.Condition()]) {
        assert(cond.get_lock() instanceof AsyncSync.Lock);
        assert(cond.lock === cond.get_lock());
        assert(!cond.is_locked());
        assertEqual(cond.get_n_waiting(), 0);
    }
});

test('conditions share the lock they are given', async () => {
    const lock = new AsyncSync.Lock();
    const a = AsyncSync.Condition.new(lock);
    const b = new AsyncSync.Condition({lock});
    assert(a.get_lock() === lock && b.lock === lock);
    assert(a.try_acquire());
    assert(lock.is_locked() && b.is_locked());
    assert(!b.try_acquire());
    assert(b.release());
    assert(!a.is_locked());
});

test('acquire_async and release forward to the lock', async () => {
    const cond = new AsyncSync.Condition();
    assertEqual(await cond.acquire_async(null), true);
    const second = cond.acquire_async(null);
    assertEqual(cond.get_lock().get_n_waiting(), 1);
    cond.release();
    assertEqual(await second, true);
    cond.release();
    assert(isNotLocked(assertThrows(() => cond.release())));
    const cancellable = new Gio.Cancellable();
    cond.try_acquire();
    const queued = cond.acquire_async(cancellable);
    cancellable.cancel();
    await assertRejects(queued, isCancelled);
    await assertRejects(cond.acquire_async(cancelled()), isCancelled);
    cond.release();
});

test('callback form: acquire_finish', async () => {
    const cond = lockedCondition();
    const results = new Results('acquire_finish');
    cond.acquire_async(null, results.callback('a'));
    cond.release();
    assertEqual(results.items.length, 0);
    await until(() => results.items.length === 1);
    assertEqual(results.items, [['a', true]]);
    cond.release();
});

test('wait, notify, notify_all without the lock fail NOT_LOCKED', async () => {
    const cond = new AsyncSync.Condition();
    await assertRejects(cond.wait_async(null), isNotLocked);
    await assertRejects(cond.wait_for_async(() => true, null), isNotLocked);
    const e = assertThrows(() => cond.notify(1));
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.NOT_LOCKED));
    assert(isNotLocked(assertThrows(() => cond.notify_all())));
    assert(!cond.is_locked());
});

test('notify(n) wakes waiters in FIFO order; each holds the lock again', async () => {
    const cond = new AsyncSync.Condition();
    const order = [];
    const waiters = [0, 1, 2].map(async i => {
        await cond.acquire_async(null);
        await cond.wait_async(null);
        assert(cond.is_locked());
        order.push(i);
        cond.release();
    });
    await until(() => cond.get_n_waiting() === 3, 'three waiters');
    assert(!cond.is_locked());

    cond.try_acquire();
    assert(cond.notify(1));
    assertEqual(cond.get_n_waiting(), 2);
    assertEqual(cond.get_lock().get_n_waiting(), 1);
    cond.release();
    await until(() => order.length === 1);
    cond.try_acquire();
    assert(cond.notify(2));
    cond.release();
    await Promise.all(waiters);
    assertEqual(order, [0, 1, 2]);
});

test('notify_all wakes every waiter', async () => {
    const cond = new AsyncSync.Condition();
    const order = [];
    const waiters = [0, 1, 2, 3, 4].map(async i => {
        await cond.acquire_async(null);
        await cond.wait_async(null);
        order.push(i);
        cond.release();
    });
    await until(() => cond.get_n_waiting() === 5, 'five waiters');
    await cond.acquire_async(null);
    assert(cond.notify_all());
    assertEqual(cond.get_n_waiting(), 0);
    cond.release();
    await Promise.all(waiters);
    assertEqual(order, [0, 1, 2, 3, 4]);
});

test('wait cancelled before notify gets the lock back, then fails', async () => {
    const cond = lockedCondition();
    const cancellable = new Gio.Cancellable();
    const results = new Results('wait_finish');
    cond.wait_async(cancellable, results.callback('a'));
    assert(cond.try_acquire());
    cancellable.cancel();
    await settle();
    assertEqual(results.items.length, 0);  // waits for the lock first
    cond.release();
    await until(() => results.items.length === 1);
    assert(isCancelled(results.values[0]));
    assert(cond.is_locked());
    cond.release();
});

test('pre-cancelled wait keeps the lock; cancel after notify is ignored', async () => {
    const cond = lockedCondition();
    await assertRejects(cond.wait_async(cancelled()), isCancelled);
    assert(cond.is_locked());
    const cancellable = new Gio.Cancellable();
    const pending = cond.wait_async(cancellable);
    cond.try_acquire();
    cond.notify(1);
    cancellable.cancel();
    cond.release();
    assertEqual(await pending, true);
    cond.release();
});

test('wait_for with a JS predicate: checked at once, then after each notify', async () => {
    const cond = lockedCondition();
    let calls = 0;
    const shop = {items: []};
    const pending = cond.wait_for_async(() => {
        calls++;
        return shop.items.length > 0;
    }, null);
    assertEqual(calls, 1);
    assert(!cond.is_locked());

    cond.try_acquire();
    cond.notify(1);  // still false: waits again
    cond.release();
    await until(() => calls === 2);
    await settle();
    assertEqual(cond.get_n_waiting(), 1);

    cond.try_acquire();
    shop.items.push('apple');
    cond.notify_all();
    cond.release();
    assertEqual(await pending, true);
    assertEqual(calls, 3);
    assert(cond.is_locked());
    cond.release();
});

test('wait_for true at once completes on a later iteration', async () => {
    const cond = lockedCondition();
    const results = new Results('wait_for_finish');
    cond.wait_for_async(() => true, null, results.callback('a'));
    assertEqual(results.items.length, 0);
    await until(() => results.items.length === 1);
    assertEqual(results.items, [['a', true]]);
    cond.release();
});

test('wait_for releases the predicate closure when the wait is over', async () => {
    const cond = lockedCondition();
    let binding, token;
    const pending = (() => {
        let captured;
        [captured, binding] = makeToken();
        captured.enabled = false;
        token = captured;
        return cond.wait_for_async(() => captured.enabled, null);
    })();
    token = null;
    assert(!await isFinalized(binding), 'predicate released while waiting');
    cond.try_acquire();
    binding.dup_source().enabled = true;
    cond.notify(1);
    cond.release();
    assertEqual(await pending, true);
    cond.release();
    assert(await isFinalized(binding), 'predicate still held after the wait');
});

test('wait_for cancelled while queued, and pre-cancelled', async () => {
    const cond = lockedCondition();
    const cancellable = new Gio.Cancellable();
    const pending = cond.wait_for_async(() => false, cancellable);
    cancellable.cancel();
    await assertRejects(pending, isCancelled);
    assert(cond.is_locked());
    await assertRejects(cond.wait_for_async(() => true, cancellable), isCancelled);
    assert(cond.is_locked());
    cond.release();
});

test('blocking variants where they return at once', async () => {
    const cond = new AsyncSync.Condition();
    assertEqual(cond.acquire(null), true);
    let binding;
    (() => {
        const [token, b] = makeToken();
        binding = b;
        assertEqual(cond.wait_for(() => token.enabled, null), true);
    })();
    assert(isCancelled(assertThrows(() => cond.wait(cancelled()))));
    assert(cond.is_locked());
    cond.release();
    assert(isNotLocked(assertThrows(() => cond.wait(null))));
    assert(await isFinalized(binding), 'blocking wait_for kept its predicate');
});

test('notify() is ours; GObject notify and notify:: signals still work', async () => {
    const cond = new AsyncSync.Condition();
    // cond.notify is AsyncSyncCondition.notify (guint n, GError **)...
    assert(isNotLocked(assertThrows(() => cond.notify(1))));
    assertThrows(() => cond.notify('lock'));  // ...not GObject's notify(name)
    cond.try_acquire();
    assertEqual(cond.notify(1), true);
    cond.release();

    const seen = [];
    cond.connect('notify::lock', (o, pspec) => seen.push(pspec.get_name()));
    GObject.Object.prototype.notify.call(cond, 'lock');
    assertEqual(seen, ['lock']);
    cond.notify_by_pspec(AsyncSync.Condition.find_property('lock'));
    assertEqual(seen, ['lock', 'lock']);
    // GObject.Object.notify(cond, 'lock') is Python's spelling: not in GJS.
    assertEqual(typeof GObject.Object.notify, 'undefined');
});

test('notify::locked of the condition lock', async () => {
    const cond = new AsyncSync.Condition();
    const seen = recordNotify(cond.get_lock(), 'locked');
    cond.try_acquire();
    await settle();
    cond.release();
    await settle();
    assertEqual(seen, [true, false]);
});

test('GLib idle keeps running while a waiter is parked', async () => {
    // A parked wait does not block the loop: the proof is that this test
    // can notify from an idle callback.
    const cond = lockedCondition();
    const pending = cond.wait_async(null);
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        cond.try_acquire();
        cond.notify(1);
        cond.release();
        return GLib.SOURCE_REMOVE;
    });
    assertEqual(await pending, true);
    cond.release();
});

run();
