// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Event from GJS: every method and the `is-set` property.
//
// In GJS the `is-set` property's accessor, event.is_set, hides the method
// is_set() (both would be `is_set` in JS); the property reads the same
// state, so `event.is_set` (or `event.isSet`) is the JS spelling.

import {
    AsyncSync, Results, assert, assertEqual, assertThrows, cancelled, isCancelled,
    recordNotify, run, settle, test, until,
} from './harness.js';

test('new event is clear', async () => {
    for (const event of [AsyncSync.Event.new(), new AsyncSync.Event()]) {
        assertEqual(event.is_set, false);
        assertEqual(event.isSet, false);
        assertEqual(typeof event.is_set, 'boolean');  // the property, see above
        assertEqual(event.get_n_waiting(), 0);
    }
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
