// SPDX-License-Identifier: LGPL-2.1-or-later
// Timeouts, as asyncio.timeout(): an AsyncSync.Timeout is the cancellable of
// an operation, which fails with Gio.IOErrorEnum.TIMED_OUT if its deadline
// passes while it waits.  A grant that comes first wins.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Lock.prototype, 'acquire_async', 'acquire_finish');

const lock = new AsyncSync.Lock();
const timedOut = e => e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);

async function impatient() {
    print('impatient: waits at most 50 ms');
    try {
        await lock.acquire_async(AsyncSync.Timeout.new(50));
    } catch (e) {
        if (!timedOut(e))
            throw e;
        print('impatient: timed out, gives up (nothing taken)');
    }
    print('holder: releases the lock');
    lock.release();  // straight to "patient", still within its deadline
}

async function patient() {
    print('patient: waits at most 10 s');
    await lock.acquire_async(AsyncSync.Timeout.new(10000));
    print('patient: holds the lock');
    lock.release();
    // A deadline that has passed fails at once, even on a free lock.
    try {
        await lock.acquire_async(AsyncSync.Timeout.new_at(0));
    } catch (e) {
        if (timedOut(e))
            print(`late: timed out at once, the lock is ${lock.is_locked() ? 'held' : 'free'}`);
    }
}

lock.try_acquire();
print('holder: takes the lock');
const loop = new GLib.MainLoop(null, false);
Promise.all([impatient(), patient()]).catch(e => logError(e)).finally(() => loop.quit());
loop.run();
