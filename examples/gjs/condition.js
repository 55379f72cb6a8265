// SPDX-License-Identifier: LGPL-2.1-or-later
// asyncio's Condition example: five waiters in wait(), woken by notify_all().
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Condition.prototype, 'acquire_async', 'acquire_finish');
Gio._promisify(AsyncSync.Condition.prototype, 'wait_async', 'wait_finish');

const cond = new AsyncSync.Condition();  // with a lock of its own

async function waiter(name) {
    await cond.acquire_async(null);
    try {
        print(`${name}: waiting`);
        await cond.wait_async(null);  // releases the lock while it waits
        print(`${name}: condition successful`);
    } finally {
        cond.release();  // held again after the wait, whatever happened
    }
}

async function signal() {
    await cond.acquire_async(null);
    print('Notifying the waiters');
    cond.notify_all();
    cond.release();
}

const loop = new GLib.MainLoop(null, false);
const waiters = [0, 1, 2, 3, 4].map(i => waiter(`waiter ${i}`));
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 100, () => {
    signal();
    return GLib.SOURCE_REMOVE;
});
Promise.all(waiters).finally(() => loop.quit());
loop.run();
