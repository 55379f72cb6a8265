// SPDX-License-Identifier: LGPL-2.1-or-later
// porting-counter.js: overview-counter.py ported to GJS, with async/await.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';
import AsyncSync from 'gi://AsyncSync?version=1';

// Once per process: acquire_async() without a callback returns a Promise.
Gio._promisify(AsyncSync.Lock.prototype, 'acquire_async', 'acquire_finish');

const N_TASKS = 5;
let counter = 0;

function yieldToMainLoop() {
    return new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

async function task(lock) {
    await lock.acquire_async(null);    // rejects with a GLib.Error if cancelled
    try {
        const value = counter;         // read
        await yieldToMainLoop();
        counter = value + 1;           // write
    } finally {
        lock.release();                // the next task goes on
    }
}

const lock = new AsyncSync.Lock();
const loop = new GLib.MainLoop(null, false);
let failure = null;
Promise.all(Array.from({length: N_TASKS}, () => task(lock)))
    .catch(e => (failure = e))
    .finally(() => loop.quit());
loop.run();

print(`counter = ${counter} (expected ${N_TASKS})`);
if (failure !== null || counter !== N_TASKS)
    System.exit(1);
