// SPDX-License-Identifier: LGPL-2.1-or-later
// AsyncSync.Queue from GJS: every method, the `item-type`, `maxsize` and
// `length` properties, real GObject items (Gio actions and a class made
// with GObject.registerClass) with wrong-type rejection, FIFO,
// cancellation and timeouts that never lose or insert an item, task_done
// and join, and shutdown.

import {
    AsyncSync, GObject, Gio, Results, assert, assertEqual, assertRejects, assertThrows,
    cancelled, isCancelled, isFinalized, isInvalidArgument, isShutDown, isTimedOut,
    isValueError, isWouldBlock, makeToken, recordNotify, run, settle, test, until,
} from './harness.js';

const Job = GObject.registerClass({
    Properties: {
        'title': GObject.ParamSpec.string('title', '', '', GObject.ParamFlags.READWRITE, ''),
    },
}, class Job extends GObject.Object {});

// The `item-type` property read through a GValue: GJS up to 1.82 turns a
// GType property into a GType object, 1.90 into a bare number, so
// `queue.item_type` means different things; this does not.
function itemTypeProperty(queue) {
    const value = new GObject.Value();
    value.init(GObject.TYPE_GTYPE);
    queue.get_property('item-type', value);
    return value.get_gtype().name;
}

const UrgentJob = GObject.registerClass(class UrgentJob extends Job {});

const action = name => Gio.SimpleAction.new(name, null);

test('new and the item-type, maxsize and length properties', async () => {
    for (const queue of [AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 2),
        new AsyncSync.Queue({item_type: Gio.SimpleAction.$gtype, maxsize: 2})]) {
        assertEqual(queue.get_item_type().name, 'GSimpleAction');
        assertEqual(itemTypeProperty(queue), 'GSimpleAction');
        assertEqual(queue.get_maxsize(), 2);
        assertEqual(queue.maxsize, 2);
        assertEqual(queue.get_length(), 0);
        assertEqual(queue.length, 0);
        assert(queue.is_empty() && !queue.is_full() && !queue.is_shut_down());
    }
    const unbounded = new AsyncSync.Queue();
    assertEqual(unbounded.get_item_type().name, 'GObject');
    assertEqual(itemTypeProperty(unbounded), 'GObject');
    assertEqual(unbounded.maxsize, 0);
    for (let i = 0; i < 100; i++)
        assert(unbounded.try_put(action(`a${i}`)));
    assert(!unbounded.is_full());
    assertEqual(unbounded.length, 100);
});

test('try_put and try_get keep the objects; WOULD_BLOCK when full or empty', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 2);
    const first = action('first'), second = action('second');
    assert(queue.try_put(first) && queue.try_put(second));
    assert(queue.is_full());
    assert(isWouldBlock(assertThrows(() => queue.try_put(action('third')))));
    assert(queue.try_get() === first);  // the same JS object
    assert(queue.try_get() === second);
    assert(isWouldBlock(assertThrows(() => queue.try_get())));
});

test('items of the wrong type are rejected with INVALID_ARGUMENT', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    const e = assertThrows(() => queue.try_put(new Gio.Menu()));
    assert(isInvalidArgument(e));
    assert(e.message.includes('GSimpleAction'));
    await assertRejects(queue.put_async(new Gio.Menu(), null), isInvalidArgument);
    assert(isInvalidArgument(assertThrows(() => queue.put(new Gio.Menu(), null))));
    assertThrows(() => queue.try_put('a string'));  // not a GObject: GJS refuses
    assert(queue.is_empty());
});

test('an interface item type accepts its implementations', async () => {
    const queue = AsyncSync.Queue.new(Gio.Action.$gtype, 0);
    const simple = action('simple');
    const prop = Gio.PropertyAction.new('prop', new Job(), 'title');
    assert(queue.try_put(simple) && queue.try_put(prop));
    assert(isInvalidArgument(assertThrows(() => queue.try_put(new Gio.Menu()))));
    assert(queue.try_get() === simple);
    assert(queue.try_get() === prop);
});

test('a GObject.registerClass class as item type, subclasses accepted', async () => {
    const queue = AsyncSync.Queue.new(Job.$gtype, 0);
    assertEqual(queue.get_item_type().name, Job.$gtype.name);
    assertEqual(itemTypeProperty(queue), Job.$gtype.name);
    const job = new Job({title: 'write'}), urgent = new UrgentJob({title: 'flush'});
    assert(queue.try_put(job) && queue.try_put(urgent));
    assert(isInvalidArgument(assertThrows(() => queue.try_put(new GObject.Object()))));
    const got = queue.try_get();
    assert(got === job);
    assertEqual(got.title, 'write');
    assert(queue.try_get() instanceof UrgentJob);
});

test('the queue holds a reference on its items', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    let [token, binding] = makeToken();
    queue.try_put(token);
    token = null;
    assert(!await isFinalized(binding), 'finalized while queued');
    let got = queue.try_get();
    assertEqual(got.name, 'token');
    got = null;
    assert(await isFinalized(binding), 'not finalized after try_get');
});

test('waiting consumers are served FIFO by direct hand-off', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 1);
    const gets = [0, 1, 2].map(() => queue.get_async(null));
    const items = [0, 1, 2].map(i => action(`item${i}`));
    for (const item of items) {
        assert(queue.try_put(item));  // straight to a consumer
        assertEqual(queue.length, 0);
    }
    const got = await Promise.all(gets);
    assert(got.every((item, i) => item === items[i]));
});

test('waiting producers are served FIFO when there is room', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 1);
    const items = [0, 1, 2, 3].map(i => action(`item${i}`));
    const order = [];
    const puts = items.map((item, i) => queue.put_async(item, null).then(ok => order.push([i, ok])));
    assertEqual(queue.length, 1);
    assert(queue.is_full());
    assert(isWouldBlock(assertThrows(() => queue.try_put(action('barging')))));
    const got = [];
    for (let i = 0; i < 4; i++) {
        // eslint-disable-next-line no-await-in-loop
        got.push(await queue.get_async(null));
        assertEqual(queue.length, i < 3 ? 1 : 0);
    }
    await Promise.all(puts);
    assertEqual(order, [[0, true], [1, true], [2, true], [3, true]]);
    assert(got.every((item, i) => item === items[i]));
});

test('callback form: put_finish, get_finish, join_finish', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    const puts = new Results('put_finish'), gets = new Results('get_finish');
    const joins = new Results('join_finish');
    const item = action('item');
    queue.put_async(item, null, puts.callback('put'));
    queue.get_async(null, gets.callback('get'));
    await until(() => puts.items.length === 1 && gets.items.length === 1);
    assertEqual(puts.values, [true]);
    assert(gets.values[0] === item);
    queue.join_async(null, joins.callback('join'));
    await settle();
    assertEqual(joins.items.length, 0);
    queue.task_done();
    await until(() => joins.items.length === 1);
    assertEqual(joins.values, [true]);
});

test('a cancelled get never loses an item; a granted one keeps it', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    const cancellable = new Gio.Cancellable();
    const gone = queue.get_async(cancellable);
    const next = queue.get_async(null);
    cancellable.cancel();
    const item = action('item');
    queue.try_put(item);
    await assertRejects(gone, isCancelled);
    assert(await next === item);

    const late = new Gio.Cancellable();
    const granted = queue.get_async(late);
    const other = action('other');
    queue.try_put(other);  // handed over...
    late.cancel();         // ...before the callback ran
    assert(await granted === other);
    assert(queue.is_empty());
});

test('a cancelled put never inserts its item', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 1);
    const first = action('first');
    queue.try_put(first);
    const cancellable = new Gio.Cancellable();
    const put = queue.put_async(action('cancelled'), cancellable);
    cancellable.cancel();
    await assertRejects(put, isCancelled);
    assert(queue.try_get() === first);
    assert(queue.is_empty());
    assert(isWouldBlock(assertThrows(() => queue.try_get())));
});

test('pre-cancelled calls take and insert nothing', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    queue.try_put(action('there'));
    await assertRejects(queue.get_async(cancelled()), isCancelled);
    await assertRejects(queue.put_async(action('never'), cancelled()), isCancelled);
    await assertRejects(queue.join_async(cancelled()), isCancelled);
    assert(isCancelled(assertThrows(() => queue.get(cancelled()))));
    assertEqual(queue.length, 1);
});

test('timeouts on get, put and join', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 1);
    await assertRejects(queue.get_async(AsyncSync.Timeout.new(10)), isTimedOut);
    queue.try_put(action('first'));
    await assertRejects(queue.put_async(action('late'), AsyncSync.Timeout.new(10)), isTimedOut);
    await assertRejects(queue.join_async(AsyncSync.Timeout.new(10)), isTimedOut);
    assertEqual(queue.length, 1);
    assertEqual(queue.try_get().name, 'first');
    // Blocking, on this thread: the deadline ends it.
    assert(isTimedOut(assertThrows(() => queue.get(AsyncSync.Timeout.new(10)))));
});

test('blocking put, get and join where they return at once', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 1);
    const item = action('item');
    assertEqual(queue.put(item, null), true);
    assert(queue.get(null) === item);
    assert(queue.task_done());
    assertEqual(queue.join(null), true);
});

test('task_done and join; task_done too often throws VALUE', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    assertEqual(await queue.join_async(null), true);  // nothing unfinished
    queue.try_put(action('w0'));
    queue.try_put(action('w1'));
    let joined = 0;
    const joins = [queue.join_async(null), queue.join_async(null)].map(p => p.then(() => joined++));
    queue.try_get();
    queue.try_get();
    assert(queue.task_done());
    await settle();
    assertEqual(joined, 0);
    assert(queue.task_done());
    await Promise.all(joins);
    assertEqual(joined, 2);
    assert(isValueError(assertThrows(() => queue.task_done())));
});

test('shutdown: puts fail, gets drain then fail with SHUT_DOWN', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 1);
    const first = action('first');
    queue.try_put(first);
    const waiting = queue.put_async(action('waiting'), null);
    queue.shutdown(false);
    assert(queue.is_shut_down());
    const e = await assertRejects(waiting, isShutDown);
    assert(e.matches(AsyncSync.Error, AsyncSync.Error.SHUT_DOWN));
    assert(isShutDown(assertThrows(() => queue.try_put(action('later')))));
    assert(isShutDown(assertThrows(() => queue.put(action('later'), null))));
    assert(await queue.get_async(null) === first);
    await assertRejects(queue.get_async(null), isShutDown);
    assert(isShutDown(assertThrows(() => queue.try_get())));
});

test('shutdown fails the waiting consumers of an empty queue', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    const gets = [queue.get_async(null), queue.get_async(null)];
    queue.shutdown(false);
    for (const get of gets)
        // eslint-disable-next-line no-await-in-loop
        await assertRejects(get, isShutDown);
});

test('immediate shutdown drops the items and ends joins', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    let [token, binding] = makeToken();
    queue.try_put(token);
    queue.try_put(action('other'));
    token = null;
    const join = queue.join_async(null);
    queue.shutdown(true);
    assert(queue.is_empty());
    assertEqual(await join, true);
    assert(await isFinalized(binding), 'a dropped item was not finalized');
    assert(isShutDown(assertThrows(() => queue.try_get())));
});

test('notify::length from the loop, coalesced', async () => {
    const queue = AsyncSync.Queue.new(Gio.SimpleAction.$gtype, 0);
    const seen = recordNotify(queue, 'length');
    queue.try_put(action('a'));
    assertEqual(seen, []);
    await settle();
    queue.try_put(action('b'));
    queue.try_put(action('c'));
    await settle();
    queue.try_get();
    queue.try_put(action('d'));  // back to 3: coalesced away
    await settle();
    queue.shutdown(true);
    await settle();
    assertEqual(seen, [1, 3, 0]);
});

run();
