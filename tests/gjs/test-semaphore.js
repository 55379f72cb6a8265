// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Semaphore and AsyncSync.BoundedSemaphore from GJS: every method
// (weighted ones included) and the `value` property.

import {
    AsyncSync, Gio, Results, assert, assertEqual, assertRejects, assertThrows, cancelled,
    isCancelled, isTimedOut, isValueError, recordNotify, run, settle, test, until,
} from './harness.js';

const G_MAXUINT = 2 ** 32 - 1;
const isInvalidArgument = e => e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT);

test('new and the value property', async () => {
    assertEqual(new AsyncSync.Semaphore().value, 1);  // the default
    for (const sem of [AsyncSync.Semaphore.new(3), new AsyncSync.Semaphore({value: 3})]) {
        assertEqual(sem.get_value(), 3);
        assertEqual(sem.value, 3);
        assert(!sem.is_locked());
        assertEqual(sem.get_n_waiting(), 0);
    }
    assert(AsyncSync.Semaphore.new(0).is_locked());
});

test('try_acquire counts down; any number of releases', async () => {
    const sem = AsyncSync.Semaphore.new(2);
    assert(sem.try_acquire() && sem.try_acquire());
    assert(sem.is_locked());
    assert(!sem.try_acquire());
    for (let i = 0; i < 4; i++)
        assert(sem.release());
    assertEqual(sem.value, 4);
});

test('release at G_MAXUINT throws VALUE', async () => {
    const sem = AsyncSync.Semaphore.new(G_MAXUINT);
    const e = assertThrows(() => sem.release());
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.VALUE));
    assertEqual(sem.get_value(), G_MAXUINT);
    assert(isValueError(assertThrows(() => AsyncSync.Semaphore.new(G_MAXUINT - 1).release_many(2))));
});

test('acquire_async limits concurrency, FIFO, direct hand-over', async () => {
    const sem = AsyncSync.Semaphore.new(2);
    const order = [];
    let running = 0, maxRunning = 0;
    const jobs = [0, 1, 2, 3, 4].map(async i => {
        await sem.acquire_async(null);
        running++;
        maxRunning = Math.max(maxRunning, running);
        order.push(i);
        await settle();
        running--;
        sem.release();
    });
    assertEqual(sem.get_n_waiting(), 3);
    assertEqual(sem.value, 0);
    assert(!sem.try_acquire());
    await Promise.all(jobs);
    assertEqual(order, [0, 1, 2, 3, 4]);
    assertEqual(maxRunning, 2);
    assertEqual(sem.value, 2);
});

test('release hands the permit straight to a waiter', async () => {
    const sem = AsyncSync.Semaphore.new(0);
    const pending = sem.acquire_async(null);
    sem.release();
    assertEqual(sem.value, 0);
    assertEqual(sem.get_n_waiting(), 0);
    assertEqual(await pending, true);
});

test('callback form: acquire_finish and acquire_many_finish', async () => {
    const sem = AsyncSync.Semaphore.new(3);
    const results = new Results('acquire_finish');
    const many = new Results('acquire_many_finish');
    sem.acquire_async(null, results.callback('one'));
    sem.acquire_many_async(2, null, many.callback('two'));
    assertEqual(results.items.length + many.items.length, 0);
    await until(() => results.items.length === 1 && many.items.length === 1);
    assertEqual(results.items, [['one', true]]);
    assertEqual(many.items, [['two', true]]);
    assertEqual(sem.value, 0);
});

test('notify::value from the loop, coalesced', async () => {
    const sem = AsyncSync.Semaphore.new(2);
    const seen = recordNotify(sem, 'value');
    sem.try_acquire();
    assertEqual(seen, []);
    await settle();
    sem.try_acquire();
    await settle();
    sem.release();
    sem.release();
    await settle();
    sem.try_acquire();
    sem.release();
    await settle();
    assertEqual(seen, [1, 0, 2]);
});

test('acquire_many is FIFO and blocks smaller requests behind it', async () => {
    const sem = AsyncSync.Semaphore.new(3);
    const order = [];
    const two = sem.acquire_many_async(2, null).then(() => order.push('two'));
    const three = sem.acquire_many_async(3, null).then(() => order.push('three'));
    const one = sem.acquire_many_async(1, null).then(() => order.push('one'));
    assertEqual(sem.value, 1);
    assertEqual(sem.get_n_waiting(), 2);
    assert(!sem.try_acquire_many(1));
    await two;
    assert(sem.release_many(2));
    await three;
    assert(sem.release_many(3));
    await one;
    assertEqual(order, ['two', 'three', 'one']);
    assert(sem.try_acquire_many(2));
    assertEqual(sem.value, 0);
});

test('acquire_many: zero is invalid; cancelled takes nothing', async () => {
    const sem = AsyncSync.Semaphore.new(1);
    await assertRejects(sem.acquire_many_async(0, null), isInvalidArgument);
    const cancellable = new Gio.Cancellable();
    const pending = sem.acquire_many_async(2, cancellable);
    cancellable.cancel();
    await assertRejects(pending, isCancelled);
    assertEqual(sem.value, 1);
});

test('release_many serves every request it covers, in order', async () => {
    const sem = AsyncSync.Semaphore.new(0);
    const order = [];
    const requests = [['a', 1], ['b', 2], ['c', 1], ['d', 3]].map(
        ([tag, n]) => sem.acquire_many_async(n, null).then(() => order.push(tag)));
    assert(sem.release_many(5));  // a, b, c take 4; d waits
    assertEqual(sem.value, 1);
    assertEqual(sem.get_n_waiting(), 1);
    await until(() => order.length === 3);
    assertEqual(order, ['a', 'b', 'c']);
    assert(sem.release_many(2));
    await Promise.all(requests);
    assertEqual(sem.value, 0);
});

test('cancelling the large head request serves those behind it', async () => {
    const sem = AsyncSync.Semaphore.new(2);
    const cancellable = new Gio.Cancellable();
    const large = sem.acquire_many_async(5, cancellable);
    const small = sem.acquire_many_async(1, null);
    const plain = sem.acquire_async(null);
    assertEqual(sem.get_n_waiting(), 3);
    assert(sem.is_locked());  // permits free, yet a request waits
    cancellable.cancel();
    assertEqual(sem.get_n_waiting(), 0);
    assertEqual(sem.value, 0);
    await assertRejects(large, isCancelled);
    assertEqual(await small, true);
    assertEqual(await plain, true);
});

test('a timed-out head request takes nothing', async () => {
    const sem = AsyncSync.Semaphore.new(1);
    const large = sem.acquire_many_async(3, AsyncSync.Timeout.new(10));
    const small = sem.acquire_many_async(1, null);
    await assertRejects(large, isTimedOut);
    assertEqual(await small, true);
    assertEqual(sem.value, 0);
});

test('blocking acquire and acquire_many where they return at once', async () => {
    const sem = AsyncSync.Semaphore.new(3);
    assertEqual(sem.acquire(null), true);
    assertEqual(sem.acquire_many(2, null), true);
    assertEqual(sem.value, 0);
    assert(isCancelled(assertThrows(() => sem.acquire(cancelled()))));
    assert(isCancelled(assertThrows(() => sem.acquire_many(1, cancelled()))));
});

test('BoundedSemaphore: new, get_bound, a Semaphore', async () => {
    for (const sem of [AsyncSync.BoundedSemaphore.new(2), new AsyncSync.BoundedSemaphore({value: 2})]) {
        assert(sem instanceof AsyncSync.Semaphore);
        assertEqual(sem.get_bound(), 2);
        assertEqual(sem.value, 2);
    }
});

test('BoundedSemaphore: over-release throws VALUE and changes nothing', async () => {
    const sem = AsyncSync.BoundedSemaphore.new(2);
    const seen = recordNotify(sem, 'value');
    const e = assertThrows(() => sem.release());
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.VALUE));
    assertEqual(e.code, AsyncSync.Error.VALUE);
    assertEqual(sem.value, 2);
    await settle();
    assertEqual(seen, []);
    assert(sem.try_acquire_many(2));
    assert(isValueError(assertThrows(() => sem.release_many(3))));
    assert(sem.release_many(2));
    assertEqual(sem.get_bound(), 2);
});

test('BoundedSemaphore: inherited async methods; acquire_many above the bound', async () => {
    const sem = AsyncSync.BoundedSemaphore.new(1);
    assertEqual(await sem.acquire_async(null), true);
    const second = sem.acquire_async(null);
    assertEqual(sem.get_n_waiting(), 1);
    sem.release();
    assertEqual(await second, true);
    sem.release();
    await assertRejects(sem.acquire_many_async(2, null), isInvalidArgument);
    await until(() => sem.value === 1);
});

run();
