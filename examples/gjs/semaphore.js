// SPDX-License-Identifier: LGPL-2.1-or-later
// A Semaphore limiting concurrency: five jobs, at most two at a time.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Semaphore.prototype, 'acquire_async', 'acquire_finish');

const sem = AsyncSync.Semaphore.new(2);
const running = new Set();
let peak = 0;

// Stands in for real asynchronous work (a download, a D-Bus call...).
const work = () => new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function job(name) {
    await sem.acquire_async(null);
    try {
        print(`${name}: starts`);
        running.add(name);
        peak = Math.max(peak, running.size);
        await work();
        running.delete(name);
    } finally {
        sem.release();  // the permit goes straight to the next job in line
    }
}

const loop = new GLib.MainLoop(null, false);
print(`5 jobs, ${sem.get_value()} permits`);
const jobs = [0, 1, 2, 3, 4].map(i => job(`job ${i}`));
Promise.all(jobs).then(() => print(`every job is done; at most ${peak} ran at once`))
    .finally(() => loop.quit());
loop.run();
