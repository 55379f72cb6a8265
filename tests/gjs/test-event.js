// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Event from GJS: every method and the `is-set` property.
//
// In GJS the `is-set` property's accessor, event.is_set, hides the method
// is_set() (both would be `is_set` in JS); the property reads the same
// state, so `event.is_set` (or `event.isSet`) is the JS spelling.

import {
    AsyncSync, Gio, Results, assert, assertEqual, assertRejects, assertThrows,
    cancelled, isCancelled, recordNotify, run, settle, test, until,
} from './harness.js';

test('new event is clear', async () => {
    for (const event of [AsyncSync.Event.new(), new AsyncSync.Event()]) {
        assertEqual(event.is_set, false);
        assertEqual(event.isSet, false);
        assertEqual(typeof event.is_set, 'boolean');  // the property, see above
        assertEqual(event.get_n_waiting(), 0);
    }
});

test('set wakes five waiters in FIFO order', async () => {
    const event = new AsyncSync.Event();
    const order = [];
    const waiters = [0, 1, 2, 3, 4].map(async i => {
        await event.wait_async(null);
        order.push(i);
    });
    assertEqual(event.get_n_waiting(), 5);
    await settle();
    assertEqual(order, []);
    event.set();
    assertEqual(order, []);  // never inside set()
    assert(event.is_set);
    assertEqual(event.get_n_waiting(), 0);
    await Promise.all(waiters);
    assertEqual(order, [0, 1, 2, 3, 4]);
});

test('wait on a set event completes on a later iteration', async () => {
    const event = new AsyncSync.Event();
    event.set();
    const results = new Results('wait_finish');
    event.wait_async(null, results.callback('a'));
    assertEqual(results.items.length, 0);
    await until(() => results.items.length === 1);
    assertEqual(results.items, [['a', true]]);
});

test('clear; set wakes only the waiters queued at that moment', async () => {
    const event = new AsyncSync.Event();
    const results = new Results('wait_finish');
    event.wait_async(null, results.callback('before'));
    event.set();
    event.clear();
    assert(!event.is_set);
    event.wait_async(null, results.callback('after'));
    await settle();
    assertEqual(results.items, [['before', true]]);
    assertEqual(event.get_n_waiting(), 1);
    event.set();
    await until(() => results.items.length === 2);
});

test('queued wait is cancelled; the other wake-up is not lost', async () => {
    const event = new AsyncSync.Event();
    const cancellable = new Gio.Cancellable();
    const first = event.wait_async(cancellable);
    const other = event.wait_async(null);
    cancellable.cancel();
    assertEqual(event.get_n_waiting(), 1);
    await assertRejects(first, isCancelled);
    event.set();
    assertEqual(await other, true);
});

test('pre-cancelled wait fails even when set; cancel after set succeeds', async () => {
    const event = new AsyncSync.Event();
    const cancellable = new Gio.Cancellable();
    const pending = event.wait_async(cancellable);
    event.set();
    cancellable.cancel();
    assertEqual(await pending, true);
    await assertRejects(event.wait_async(cancelled()), isCancelled);
});

test('notify::is-set from the loop, coalesced', async () => {
    const event = new AsyncSync.Event();
    const seen = recordNotify(event, 'is-set');
    event.set();
    assertEqual(seen, []);
    await settle();
    event.clear();
    await settle();
    event.set();
    event.clear();
    await settle();
    assertEqual(seen, [true, false]);
});

test('blocking wait where it returns at once', async () => {
    const event = new AsyncSync.Event();
    assert(isCancelled(assertThrows(() => event.wait(cancelled()))));
    event.set();
    assertEqual(event.wait(null), true);
});

run();
