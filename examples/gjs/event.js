// SPDX-License-Identifier: LGPL-2.1-or-later
// asyncio's Event example: five waiters, woken together by one set().
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Event.prototype, 'wait_async', 'wait_finish');

const event = new AsyncSync.Event();

async function waiter(name) {
    print(`${name}: waiting`);
    await event.wait_async(null);
    print(`${name}: received event`);
}

function signal() {
    print('Signalling the event');
    event.set();  // wakes every waiter; they resume after this returns
    print('Event signalled');
    return GLib.SOURCE_REMOVE;
}

const loop = new GLib.MainLoop(null, false);
const waiters = [0, 1, 2, 3, 4].map(i => waiter(`waiter ${i}`));
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 100, signal);  // "do something" first
Promise.all(waiters).finally(() => loop.quit());
loop.run();
