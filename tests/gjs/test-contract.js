// SPDX-License-Identifier: LGPL-2.1-or-later
// The rules every waiting call keeps, seen from GJS, written once: each
// rule runs over a table of every waiting call (the C contract test,
// tests/contract/test-contract.c, holds the same table).  The class files
// keep only their class's own rules.

import {
    AsyncSync, GObject, Gio, Results, assert, assertEqual, cancelled, isCancelled,
    run, settle, test, until,
} from './harness.js';

function locked(make, take) {
    return () => {
        const object = make();
        assert(take(object));
        return object;
    };
}

function fullQueue(maxsize) {
    const queue = AsyncSync.Queue.new(GObject.Object.$gtype, maxsize);
    for (let i = 0; i < maxsize; i++)
        queue.try_put(new GObject.Object());
    return queue;
}

// A try_ call that throws when it cannot take: whether it took.
function took(call) {
    try {
        return Boolean(call());
    } catch {
        return false;
    }
}

function fillBarrier(barrier) {
    for (let i = barrier.get_n_waiting(); i < barrier.get_parties(); i++)
        barrier.wait_async(null, (source, result) => source.wait_finish(result));
}

function releaseWriter(lock) {
    if (lock.is_write_locked())
        lock.write_release();
}

// name, make, start (object, cancellable, callback), finish, grant;
// makeFree (the next call is granted at once), tryTake (takes without
// waiting), nWaiting: where the class has them.
const ROWS = [
    {
        name: 'Lock.acquire', make: locked(() => new AsyncSync.Lock(), o => o.try_acquire()),
        start: (o, c, cb) => o.acquire_async(c, cb), finish: 'acquire_finish',
        grant: o => o.release(), makeFree: o => o.release(), tryTake: o => o.try_acquire(),
        nWaiting: o => o.get_n_waiting(),
    },
    {
        name: 'Event.wait', make: () => new AsyncSync.Event(),
        start: (o, c, cb) => o.wait_async(c, cb), finish: 'wait_finish',
        grant: o => o.set(), makeFree: o => o.set(), nWaiting: o => o.get_n_waiting(),
    },
    {
        name: 'Condition.acquire',
        make: locked(() => AsyncSync.Condition.new(null), o => o.try_acquire()),
        start: (o, c, cb) => o.acquire_async(c, cb), finish: 'acquire_finish',
        grant: o => o.release(), makeFree: o => o.release(), tryTake: o => o.try_acquire(),
    },
    {
        name: 'Semaphore.acquire', make: () => AsyncSync.Semaphore.new(0),
        start: (o, c, cb) => o.acquire_async(c, cb), finish: 'acquire_finish',
        grant: o => o.release(), makeFree: o => o.release(), tryTake: o => o.try_acquire(),
        nWaiting: o => o.get_n_waiting(),
    },
    {
        name: 'BoundedSemaphore.acquire',
        make: locked(() => AsyncSync.BoundedSemaphore.new(1), o => o.try_acquire()),
        start: (o, c, cb) => o.acquire_async(c, cb), finish: 'acquire_finish',
        grant: o => o.release(), makeFree: o => o.release(), tryTake: o => o.try_acquire(),
        nWaiting: o => o.get_n_waiting(),
    },
    {
        name: 'Semaphore.acquire_many', make: () => AsyncSync.Semaphore.new(0),
        start: (o, c, cb) => o.acquire_many_async(2, c, cb), finish: 'acquire_many_finish',
        grant: o => o.release_many(2), makeFree: o => o.release_many(2),
        tryTake: o => o.try_acquire_many(2), nWaiting: o => o.get_n_waiting(),
    },
    {
        name: 'Barrier.wait', make: () => AsyncSync.Barrier.new(6),
        start: (o, c, cb) => o.wait_async(c, cb), finish: 'wait_finish',
        grant: fillBarrier, nWaiting: o => o.get_n_waiting(),
    },
    {
        name: 'Queue.get', make: () => fullQueue(0),
        start: (o, c, cb) => o.get_async(c, cb), finish: 'get_finish',
        grant: o => o.try_put(new GObject.Object()), makeFree: o => o.try_put(new GObject.Object()),
        tryTake: o => took(() => o.try_get()),
    },
    {
        name: 'Queue.put', make: () => fullQueue(1),
        start: (o, c, cb) => o.put_async(new GObject.Object(), c, cb), finish: 'put_finish',
        grant: o => o.try_get(), makeFree: o => o.try_get(),
        tryTake: o => took(() => o.try_put(new GObject.Object())),
    },
    {
        name: 'Queue.join',
        make: () => {
            const queue = fullQueue(0);
            queue.try_put(new GObject.Object());
            queue.try_get();
            return queue;
        },
        start: (o, c, cb) => o.join_async(c, cb), finish: 'join_finish',
        grant: o => o.task_done(),
    },
    {
        name: 'RWLock.read_acquire',
        make: locked(() => new AsyncSync.RWLock(), o => o.try_write_acquire()),
        start: (o, c, cb) => o.read_acquire_async(c, cb), finish: 'read_acquire_finish',
        grant: releaseWriter, makeFree: releaseWriter, nWaiting: o => o.get_n_waiting(),
    },
    {
        name: 'RWLock.write_acquire',
        make: locked(() => new AsyncSync.RWLock(), o => o.try_write_acquire()),
        start: (o, c, cb) => o.write_acquire_async(c, cb), finish: 'write_acquire_finish',
        grant: o => o.write_release(), makeFree: o => o.write_release(),
        tryTake: o => o.try_write_acquire(), nWaiting: o => o.get_n_waiting(),
    },
];

function assertWaiting(row, object, n) {
    if (row.nWaiting)
        assertEqual(row.nWaiting(object), n, 'n_waiting');
}

async function grantUntil(row, object, results, n) {
    while (results.items.length < n) {
        const done = results.items.length;
        row.grant(object);
        // eslint-disable-next-line no-await-in-loop
        await until(() => results.items.length > done);
    }
}

function rule(name, applies, fn) {
    for (const row of ROWS) {
        if (applies(row))
            test(`${name}: ${row.name}`, () => fn(row));
    }
}
const always = () => true;

rule('queued calls are granted in call order', always, async row => {
    const object = row.make(), results = new Results(row.finish);
    for (let i = 0; i < 5; i++) {
        row.start(object, null, results.callback(i));
        assertWaiting(row, object, i + 1);
    }
    await settle();
    assertEqual(results.items.length, 0);
    await grantUntil(row, object, results, 5);
    assertEqual(results.tags, [0, 1, 2, 3, 4]);
    assert(results.values.every(Boolean));
    assertWaiting(row, object, 0);
});

rule('a grant on its way is not taken by a try', row => row.tryTake, async row => {
    const object = row.make(), results = new Results(row.finish);
    row.start(object, null, results.callback('a'));
    row.start(object, null, results.callback('b'));
    row.grant(object);
    assert(!row.tryTake(object), 'barged');
    await grantUntil(row, object, results, 2);
    assertEqual(results.tags, ['a', 'b']);
});

rule('a free object completes later, not inside the call', row => row.makeFree, async row => {
    const object = row.make(), results = new Results(row.finish);
    row.makeFree(object);
    row.start(object, null, results.callback('a'));
    assertEqual(results.items.length, 0);
    await until(() => results.items.length === 1);
    assert(results.values[0]);
});

rule('a queued call is cancelled and leaves the queue', always, async row => {
    const object = row.make(), results = new Results(row.finish);
    const cancellable = new Gio.Cancellable();
    row.start(object, null, results.callback('a'));
    row.start(object, cancellable, results.callback('cancelled'));
    row.start(object, null, results.callback('c'));
    cancellable.cancel();
    assertWaiting(row, object, 2);
    await until(() => results.items.length === 1);
    assert(isCancelled(results.values[0]));
    await grantUntil(row, object, results, 3);
    assertEqual(results.tags, ['cancelled', 'a', 'c']);
});

rule('a pre-cancelled call takes nothing', always, async row => {
    const object = row.make(), results = new Results(row.finish);
    if (row.makeFree)
        row.makeFree(object);
    row.start(object, cancelled(), results.callback('a'));
    assertEqual(results.items.length, 0);
    assertWaiting(row, object, 0);
    await until(() => results.items.length === 1);
    assert(isCancelled(results.values[0]));
    if (row.tryTake)
        assert(row.tryTake(object), 'the free object was taken');
});

rule('the grant wins over a later cancellation', always, async row => {
    const object = row.make(), results = new Results(row.finish);
    const cancellable = new Gio.Cancellable();
    row.start(object, cancellable, results.callback('a'));
    row.grant(object);
    cancellable.cancel();
    await until(() => results.items.length === 1);
    assert(results.values[0]);
});

rule('a queued call keeps its object alive', always, async row => {
    let object = row.make();
    const results = new Results(row.finish);
    row.start(object, null, results.callback('a'));
    row.grant(object);
    object = null;
    await until(() => results.items.length === 1);
    assert(results.values[0]);
});

run();
