// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Barrier from GJS: every method, the `parties` and `broken`
// properties, the index (`await wait_async()` resolves to [index]: GJS's
// _promisify drops the leading `true` of wait_finish's [ok, index]),
// draining, reset, abort, cancellation and timeouts.

import {
    AsyncSync, Gio, Results, assert, assertEqual, assertRejects, assertThrows, cancelled,
    isBrokenBarrier, isCancelled, isTimedOut, recordNotify, run, settle, test, until,
} from './harness.js';

test('new and the parties and broken properties', async () => {
    for (const barrier of [AsyncSync.Barrier.new(3), new AsyncSync.Barrier({parties: 3})]) {
        assertEqual(barrier.get_parties(), 3);
        assertEqual(barrier.parties, 3);
        assertEqual(barrier.get_n_waiting(), 0);
        assert(!barrier.is_broken());
        assertEqual(barrier.broken, false);
    }
    assertEqual(new AsyncSync.Barrier().parties, 1);  // the default
});

test('wait_finish gives [ok, index]; await gives [index]', async () => {
    const barrier = AsyncSync.Barrier.new(1);
    const results = new Results('wait_finish');
    barrier.wait_async(null, results.callback('cb'));
    assertEqual(results.items.length, 0);  // never from inside the call
    await until(() => results.items.length === 1);
    assertEqual(results.items, [['cb', [true, 0]]]);
    assertEqual(await barrier.wait_async(null), [0]);
    assertEqual(barrier.wait(null), [true, 0]);  // blocking: returns at once here
});

test('the last arrival releases the cycle; indices in arrival order', async () => {
    const barrier = AsyncSync.Barrier.new(3);
    const order = [];
    const party = async tag => {
        const [index] = await barrier.wait_async(null);
        order.push([tag, index]);
    };
    const parties = [party('a'), party('b')];
    assertEqual(barrier.get_n_waiting(), 2);
    await settle();
    assertEqual(order, []);
    parties.push(party('c'));
    await Promise.all(parties);
    assertEqual(order, [['a', 0], ['b', 1], ['c', 2]]);
});

test('the barrier is reusable', async () => {
    const barrier = AsyncSync.Barrier.new(2);
    for (let cycle = 0; cycle < 3; cycle++) {
        // eslint-disable-next-line no-await-in-loop
        const got = await Promise.all([barrier.wait_async(null), barrier.wait_async(null)]);
        assertEqual(got, [[0], [1]]);
    }
    assertEqual(barrier.get_n_waiting(), 0);
});

test('arrivals while draining wait for the next cycle', async () => {
    const barrier = AsyncSync.Barrier.new(2);
    const a = barrier.wait_async(null);
    const b = barrier.wait_async(null);  // released: draining
    const c = barrier.wait_async(null);  // held for the next cycle
    assertEqual(barrier.get_n_waiting(), 0);
    assertEqual(await Promise.all([a, b]), [[0], [1]]);
    await settle();
    assertEqual(barrier.get_n_waiting(), 1);  // c joined the new cycle
    const d = barrier.wait_async(null);
    assertEqual(await Promise.all([c, d]), [[0], [1]]);
});

test('reset fails the waiting parties, then the barrier is usable', async () => {
    const barrier = AsyncSync.Barrier.new(3);
    const a = barrier.wait_async(null);
    const b = barrier.wait_async(null);
    barrier.reset();
    assert(!barrier.is_broken());
    await assertRejects(a, isBrokenBarrier);
    await assertRejects(b, isBrokenBarrier);
    await settle();
    const got = await Promise.all([0, 1, 2].map(() => barrier.wait_async(null)));
    assertEqual(got, [[0], [1], [2]]);
});

test('abort breaks current and future waits until reset; notify::broken', async () => {
    const barrier = AsyncSync.Barrier.new(2);
    const seen = recordNotify(barrier, 'broken');
    const waiting = barrier.wait_async(null);
    barrier.abort();
    assert(barrier.is_broken());
    assert(barrier.broken);
    assertEqual(seen, []);
    await assertRejects(waiting, isBrokenBarrier);
    const e = await assertRejects(barrier.wait_async(null), isBrokenBarrier);
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.BROKEN_BARRIER));
    assert(isBrokenBarrier(assertThrows(() => barrier.wait(null))));
    await settle();
    assertEqual(seen, [true]);
    barrier.reset();
    assert(!barrier.broken);
    await settle();
    assertEqual(seen, [true, false]);
    assertEqual(await Promise.all([barrier.wait_async(null), barrier.wait_async(null)]), [[0], [1]]);
});

test('a cancelled party leaves the count', async () => {
    const barrier = AsyncSync.Barrier.new(3);
    const cancellable = new Gio.Cancellable();
    const a = barrier.wait_async(null);
    const gone = barrier.wait_async(cancellable);
    assertEqual(barrier.get_n_waiting(), 2);
    cancellable.cancel();
    assertEqual(barrier.get_n_waiting(), 1);
    await assertRejects(gone, isCancelled);
    const b = barrier.wait_async(null);
    await settle();
    assertEqual(barrier.get_n_waiting(), 2);  // two of three
    const c = barrier.wait_async(null);
    assertEqual(await Promise.all([a, b, c]), [[0], [1], [2]]);
});

test('pre-cancelled waits do not arrive; cancel after release is ignored', async () => {
    const barrier = AsyncSync.Barrier.new(2);
    await assertRejects(barrier.wait_async(cancelled()), isCancelled);
    assert(isCancelled(assertThrows(() => barrier.wait(cancelled()))));
    assertEqual(barrier.get_n_waiting(), 0);
    const late = new Gio.Cancellable();
    const a = barrier.wait_async(late);
    const b = barrier.wait_async(null);  // releases the cycle
    late.cancel();
    assertEqual(await Promise.all([a, b]), [[0], [1]]);
});

test('a timed-out party leaves the count', async () => {
    const barrier = AsyncSync.Barrier.new(2);
    await assertRejects(barrier.wait_async(AsyncSync.Timeout.new(10)), isTimedOut);
    assertEqual(barrier.get_n_waiting(), 0);
    assertEqual(await Promise.all([barrier.wait_async(null), barrier.wait_async(null)]), [[0], [1]]);
});

run();
