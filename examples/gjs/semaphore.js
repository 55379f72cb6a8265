// SPDX-License-Identifier: LGPL-2.1-or-later
// A Semaphore limiting concurrency: five jobs, at most two at a time.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Semaphore.prototype, 'acquire_async', 'acquire_finish');

const sem = AsyncSync.Semaphore.new(2);
const running = new Set();

// Stands in for real asynchronous work (a download, a D-Bus call...).
const work = () => new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function job(name) {
    await sem.acquire_async(null);
    try {
        running.add(name);
        print(`${name}: starts (${running.size} running)`);
        await work();
        running.delete(name);
        print(`${name}: done`);
    } finally {
        sem.release();  // the permit goes straight to the next job in line
    }
}

const loop = new GLib.MainLoop(null, false);
const jobs = [0, 1, 2, 3, 4].map(i => job(`job ${i}`));
print(`${sem.get_n_waiting()} jobs wait for a permit`);
Promise.all(jobs).finally(() => loop.quit());
loop.run();
