// SPDX-License-Identifier: LGPL-2.1-or-later
// recipe-deadline.js: recipe-deadline.c in GJS.  A request reads like
//     async with asyncio.timeout(0.03):
//         async with connection:
//             reply = await transfer()
//             async with cache_lock: store(reply)
// with one AsyncSync.Timeout for the library's steps, and a
// Gio.Cancellable that a timer cancels at the same deadline for the
// transfer (an expired Timeout does not cancel itself).
//
// Exits 0 if A times out in step 1, B in step 2, C stores its reply, and
// the connection and the lock end free.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Semaphore.prototype, 'acquire_async', 'acquire_finish');
Gio._promisify(AsyncSync.Lock.prototype, 'acquire_async', 'acquire_finish');

const connection = AsyncSync.Semaphore.new(1);
const cacheLock = new AsyncSync.Lock();

// The stand-in for a GIO transfer of recipe-downloads.js.
function transfer(ms, cancellable) {
    return new Promise((resolve, reject) => {
        const source = cancellable.source_new();
        source.set_ready_time(GLib.get_monotonic_time() + ms * 1000);
        source.set_callback(() => {
            if (cancellable.is_cancelled()) {
                reject(new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED,
                    'Operation was cancelled'));
            } else {
                resolve();
            }
            return GLib.SOURCE_REMOVE;
        });
        source.attach(null);
    });
}

// A Gio.Cancellable that is cancelled when the deadline passes, for the
// GIO calls of the request; dispose() removes its timer.  The timer is a
// source whose ready time is the deadline: it runs at that instant, never
// before it (GLib.timeout_add() may run a little early).
function cancellableUntil(deadline) {
    const cancellable = new Gio.Cancellable();
    const timer = cancellable.source_new();
    timer.set_ready_time(deadline.get_deadline());
    timer.set_callback(() => {
        cancellable.cancel();
        return GLib.SOURCE_REMOVE;
    });
    timer.attach(null);
    return {cancellable, dispose: () => timer.destroy()};
}

async function request(name, deadlineMs, transferMs) {
    const deadline = AsyncSync.Timeout.new(deadlineMs);
    print(`${name}: asks, with a deadline in ${deadlineMs} ms`);
    let step = 'step 1 (the connection)';
    try {
        await connection.acquire_async(deadline);      // timed out: nothing taken
        const transferDeadline = cancellableUntil(deadline);
        try {
            step = 'step 2 (the transfer)';
            await transfer(transferMs, transferDeadline.cancellable);
            step = 'step 3 (the cache lock)';
            await cacheLock.acquire_async(deadline);   // the same deadline: the time left
            try {
                // ... store the reply ...
            } finally {
                cacheLock.release();
            }
        } finally {
            transferDeadline.dispose();
            connection.release();
        }
        return 'stored';
    } catch (e) {
        if (e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT) ||
            (e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED) && deadline.has_expired()))
            return `timed out in ${step}`;
        return `failed in ${step}: ${e.message}`;
    }
}

async function scenario() {
    const outcomes = [];
    connection.try_acquire();                          // a long transfer holds it
    outcomes.push(await request('A', 30, 10));
    connection.release();
    outcomes.push(await request('B', 30, 10000));      // a transfer far too slow
    outcomes.push(await request('C', 10000, 10));
    outcomes.forEach((o, i) => print(`${'ABC'[i]}: ${o}`));
    return outcomes;
}

const loop = new GLib.MainLoop(null, false);
let outcomes = [];
scenario().then(o => (outcomes = o)).catch(logError).finally(() => loop.quit());
loop.run();

const ok = outcomes.join('|') ===
    'timed out in step 1 (the connection)|timed out in step 2 (the transfer)|stored' &&
    connection.get_value() === 1 && !cacheLock.is_locked();
System.exit(ok ? 0 : 1);
